"""Site configs: one YAML file per Sở Nội vụ site in `crawler/sites/<name>.yaml`.

The format is documented in docs/site-config.md. This module loads and validates the files and
answers the URL questions the spider asks: where are the listings, what is page n of a listing,
is this URL an article. Site knowledge lives in the YAML files, not here.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import yaml

SITES_DIR = Path(__file__).parent / "sites"

CMS_FAMILIES = ("nukeviet", "liferay", "sharepoint", "drupal", "dnn", "websphere", "aspnet", "webcenter",
                "web2py", "egov-numeric", "unknown")
PAGINATION_STYLES = ("query", "path", "none", "postback")
PLANS = ("config", "generic")   # crawl by the config's listings, or generically from start_url
# How strong the evidence for a config field is (shared/research/portals-2026.md, "Evidence labels").
EVIDENCE_LABELS = ("seen page", "seen link", "inferred", "weak", "guess", "none")
EVIDENCE_FIELDS = ("host", "listings", "article_url", "pagination", "cms", "selectors", "status")
REPLAY_KEYS = ("listings", "pagination", "article_url", "selectors", "cms")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_KNOWN_KEYS = {"name", "province", "site_name", "base_url", "cms", "verified", "verified_note",
               "listings", "pagination", "article_url", "selectors", "tls", "download_delay",
               "drop_params", "plan", "start_url", "evidence", "sources", "replay"}


class SiteConfigError(ValueError):
    """A site config file is missing a field, has a wrong type or an invalid value."""


class UnknownSiteError(KeyError):
    """No config file exists for the requested site name."""

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        super().__init__(name)

    def __str__(self) -> str:
        return (f"unknown site {self.name!r}; known sites: {', '.join(self.known) or '(none)'} "
                f"(configs live in {SITES_DIR})")


@dataclass(frozen=True)
class Pagination:
    """How a listing's later pages are addressed."""

    style: str = "none"          # query | path | none | postback
    param: str = "page"          # query parameter for style=query
    template: str = "/page-{n}"  # appended to the listing path for style=path
    first: int = 1               # number of the first page (the listing URL itself)
    max_pages: int = 50          # safety bound on pages per listing


@dataclass(frozen=True)
class SiteConfig:
    """One site's config, validated. `base_url` has no trailing slash."""

    name: str
    province: str
    base_url: str
    listings: tuple[str, ...]
    article_url: str
    site_name: str = ""
    cms: str = "unknown"
    verified: bool = False
    verified_note: str = ""
    pagination: Pagination = field(default_factory=Pagination)
    selectors: dict[str, Any] = field(default_factory=dict)
    tls: dict[str, Any] = field(default_factory=dict)
    download_delay: float | None = None
    drop_params: tuple[str, ...] = ()   # query parameters that do not change the page (removed from links)
    plan: str = "config"         # config: crawl the listings; generic: the generic mode from start_url
    start_url: str = ""          # where the generic mode starts ("" = the base URL's home page)
    evidence: dict[str, str] = field(default_factory=dict)   # field -> "seen page" | "seen link" | ...
    sources: tuple[str, ...] = ()  # where the evidence was read
    replay: dict[str, Any] = field(default_factory=dict)     # the offline replay's layout, if it differs
    extra: dict[str, Any] = field(default_factory=dict)
    path: str = ""               # the file it was loaded from ("" when built in code)

    # -- derived URLs ---------------------------------------------------------------------------
    @property
    def host(self) -> str:
        """The network location (host[:port]) of `base_url`."""
        return urlsplit(self.base_url).netloc.lower()

    def absolute(self, url: str) -> str:
        """`url` made absolute against `base_url` (a path keeps the base's path prefix)."""
        if urlsplit(url).scheme:
            return url
        return self.base_url + (url if url.startswith("/") else "/" + url)

    @property
    def province_now(self) -> str | None:
        """The provincial unit the site's province belongs to since 1 July 2025."""
        return _province_now(self.province)

    @property
    def legacy(self) -> bool:
        """Is this the site of a province merged into another on 1 July 2025?"""
        now = self.province_now
        return bool(now) and now != self.province

    def generic_start(self) -> str:
        """The URL the generic mode starts from (`start_url`, else the base URL's home page)."""
        return self.absolute(self.start_url) if self.start_url else self.base_url + "/"

    def listing_urls(self) -> list[str]:
        """The absolute URLs of the news listings, in config order."""
        return [self.absolute(u) for u in self.listings]

    def page_url(self, listing: str, n: int) -> str:
        """URL of page `n` of `listing` (absolute or relative); page `first` is the listing itself."""
        listing = self.absolute(listing)
        p = self.pagination
        if n == p.first or p.style in ("none", "postback"):
            return listing
        parts = urlsplit(listing)
        if p.style == "query":
            query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != p.param]
            query.append((p.param, str(n)))
            return urlunsplit(parts._replace(query=urlencode(query)))
        # style == "path": the template goes after the listing path, before any query
        path = parts.path.rstrip("/") + p.template.format(n=n)
        return urlunsplit(parts._replace(path=path))

    def is_article(self, url: str) -> bool:
        """Does `url` (absolute or relative) look like one of this site's article pages?"""
        return re.search(self.article_url, url) is not None

    def is_on_site(self, url: str) -> bool:
        """Is `url` on this site's host?"""
        return _joined_host(self.base_url + "/", url) == self.host

    # -- copies and export ----------------------------------------------------------------------
    def with_base_url(self, url: str) -> "SiteConfig":
        """A copy pointing at another base URL (the replay), every relative path unchanged.

        Absolute listing URLs on the old host are moved to the new base as well."""
        new_base = _clean_base(url)
        old = self.base_url
        listings = tuple(new_base + u[len(old):] if u.startswith(old) else u for u in self.listings)
        start = self.start_url
        if start.startswith(old):
            start = new_base + start[len(old):]
        return replace(self, base_url=new_base, listings=listings, start_url=start)

    def for_replay(self, url: str) -> "SiteConfig":
        """A copy pointing at the offline replay's imitation of this site (`with_base_url`), with
        the config's `replay:` overrides applied: the replay predates some of the evidence, and
        where its layout differs from the real site's, `replay:` says how it is laid out."""
        moved = self.with_base_url(url)
        if not self.replay:
            return moved
        over = self.replay
        return replace(moved, plan="config",
                       listings=tuple(over.get("listings") or moved.listings),
                       article_url=over.get("article_url") or moved.article_url,
                       pagination=_pagination(over["pagination"], _raiser(self.path)) if "pagination" in over
                       else moved.pagination,
                       selectors=dict(over["selectors"]) if "selectors" in over else dict(moved.selectors),
                       cms=over.get("cms") or moved.cms)

    def as_dict(self) -> dict[str, Any]:
        """A plain dict (YAML-shaped): what `Archive.save_site` and the extractor receive."""
        out: dict[str, Any] = {
            "name": self.name, "province": self.province, "site_name": self.site_name,
            "base_url": self.base_url, "cms": self.cms, "verified": self.verified,
            "verified_note": self.verified_note, "listings": list(self.listings),
            "pagination": {"style": self.pagination.style, "param": self.pagination.param,
                           "template": self.pagination.template, "first": self.pagination.first,
                           "max_pages": self.pagination.max_pages},
            "article_url": self.article_url, "selectors": copy.deepcopy(self.selectors),
        }
        if self.tls:
            out["tls"] = dict(self.tls)
        if self.download_delay is not None:
            out["download_delay"] = self.download_delay
        if self.drop_params:
            out["drop_params"] = list(self.drop_params)
        if self.plan != "config":
            out["plan"] = self.plan
        if self.start_url:
            out["start_url"] = self.start_url
        if self.evidence:
            out["evidence"] = dict(self.evidence)
        if self.sources:
            out["sources"] = list(self.sources)
        if self.replay:
            out["replay"] = copy.deepcopy(self.replay)
        out.update(copy.deepcopy(self.extra))
        return out


# -- loading ------------------------------------------------------------------------------------
def site_names() -> list[str]:
    """Names of every config file in SITES_DIR, sorted."""
    return sorted(p.stem for p in SITES_DIR.glob("*.yaml"))


def load_site(name: str) -> SiteConfig:
    """Load and validate `crawler/sites/<name>.yaml`.

    Raises UnknownSiteError (listing the known names) or SiteConfigError (what is wrong, where)."""
    path = SITES_DIR / f"{name}.yaml"
    if not _NAME.match(name or "") or not path.is_file():
        raise UnknownSiteError(name, site_names())
    return load_file(path)


def all_sites() -> list[SiteConfig]:
    """Every config in SITES_DIR, loaded and validated, sorted by name."""
    return [load_file(SITES_DIR / f"{n}.yaml") for n in site_names()]


def load_file(path: str | Path) -> SiteConfig:
    """Load and validate one config file (any path; the name must equal the file stem)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SiteConfigError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise SiteConfigError(f"{path}: cannot read: {exc}") from None
    return from_dict(data, source=str(path), expected_name=path.stem)


def from_dict(data: Any, source: str = "<dict>", expected_name: str | None = None) -> SiteConfig:
    """Validate a YAML-shaped dict and build a SiteConfig; errors name `source` and the field."""
    def fail(msg: str) -> SiteConfigError:
        return SiteConfigError(f"{source}: {msg}")

    if not isinstance(data, dict):
        raise fail("expected a mapping of fields at the top level")
    plan = data.get("plan") or "config"
    if plan not in PLANS:
        raise fail(f"plan {plan!r} must be one of {', '.join(PLANS)}")
    required = ("name", "province", "base_url") + (("listings", "article_url") if plan == "config" else ())
    for key in required:
        if data.get(key) in (None, "", []):
            raise fail(f"missing required field {key!r}")
    name = data["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail(f"name {name!r} must be lower-case letters, digits, '_' or '-'")
    if expected_name is not None and name != expected_name:
        raise fail(f"name {name!r} must equal the file stem {expected_name!r}")
    for key in ("province", "base_url", "article_url", "site_name", "verified_note", "start_url"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise fail(f"{key} must be a string")
    base_url = data["base_url"]
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise fail(f"base_url {base_url!r} must be an absolute http(s) URL")
    listings = data.get("listings") or []
    if isinstance(listings, str):
        listings = [listings]
    if not isinstance(listings, list) or not all(isinstance(u, str) and u for u in listings):
        raise fail("listings must be a list of URL paths")
    try:
        re.compile(data.get("article_url") or "")
    except re.error as exc:
        raise fail(f"article_url is not a valid regular expression: {exc}") from None
    evidence = data.get("evidence") or {}
    if not isinstance(evidence, dict):
        raise fail("evidence must be a mapping of field: label")
    for key, label in evidence.items():
        if key not in EVIDENCE_FIELDS:
            raise fail(f"evidence.{key}: unknown field (one of {', '.join(EVIDENCE_FIELDS)})")
        if label not in EVIDENCE_LABELS:
            raise fail(f"evidence.{key} {label!r} must be one of {', '.join(EVIDENCE_LABELS)}")
    sources = data.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not all(isinstance(x, str) and x for x in sources):
        raise fail("sources must be a list of strings")
    replay_over = data.get("replay") or {}
    if not isinstance(replay_over, dict) or any(k not in REPLAY_KEYS for k in replay_over):
        raise fail(f"replay must be a mapping of {', '.join(REPLAY_KEYS)}")
    if "pagination" in replay_over:
        _pagination(replay_over["pagination"], lambda m: fail(f"replay.{m}"))
    if "article_url" in replay_over:
        try:
            re.compile(replay_over["article_url"])
        except (re.error, TypeError) as exc:
            raise fail(f"replay.article_url is not a valid regular expression: {exc}") from None
    cms = data.get("cms") or "unknown"
    if cms not in CMS_FAMILIES:
        raise fail(f"cms {cms!r} must be one of {', '.join(CMS_FAMILIES)}")
    verified = data.get("verified", False)
    if not isinstance(verified, bool):
        raise fail("verified must be true or false")
    pagination = _pagination(data.get("pagination"), fail)
    for key in ("selectors", "tls"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise fail(f"{key} must be a mapping")
    delay = data.get("download_delay")
    if delay is not None and (not isinstance(delay, (int, float)) or delay < 0):
        raise fail("download_delay must be a non-negative number of seconds")
    drop = data.get("drop_params") or []
    if not isinstance(drop, list) or not all(isinstance(p, str) and p for p in drop):
        raise fail("drop_params must be a list of query parameter names")
    return SiteConfig(
        name=name, province=data["province"], base_url=_clean_base(base_url),
        listings=tuple(listings), article_url=data.get("article_url") or "", site_name=data.get("site_name") or "",
        cms=cms, verified=verified, verified_note=data.get("verified_note") or "", pagination=pagination,
        selectors=dict(data.get("selectors") or {}), tls=dict(data.get("tls") or {}),
        download_delay=float(delay) if delay is not None else None, drop_params=tuple(drop),
        plan=plan, start_url=data.get("start_url") or "", evidence={k: str(v) for k, v in evidence.items()},
        sources=tuple(sources), replay=copy.deepcopy(replay_over),
        extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS}, path=source,
    )


def _pagination(raw: Any, fail) -> Pagination:
    if raw is None:
        return Pagination()
    if not isinstance(raw, dict):
        raise fail("pagination must be a mapping")
    style = raw.get("style", "none")
    if style not in PAGINATION_STYLES:
        raise fail(f"pagination.style {style!r} must be one of {', '.join(PAGINATION_STYLES)}")
    defaults = Pagination()
    param = raw.get("param", defaults.param)
    template = raw.get("template", defaults.template)
    if style == "query" and not (isinstance(param, str) and param):
        raise fail("pagination.param is required for style: query")
    if style == "path" and not (isinstance(template, str) and "{n}" in template):
        raise fail("pagination.template must contain {n} for style: path")
    first, max_pages = raw.get("first", defaults.first), raw.get("max_pages", defaults.max_pages)
    if not isinstance(first, int) or isinstance(first, bool) or first < 0:
        raise fail("pagination.first must be a whole number >= 0")
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise fail("pagination.max_pages must be a whole number >= 1")
    return Pagination(style=style, param=str(param), template=str(template), first=first,
                      max_pages=max_pages)


def _province_now(province: str) -> str | None:
    """The 1 July 2025 mapping (the store package owns it; older trees kept it in cchc)."""
    try:
        from store.provinces import province_now
    except ImportError:
        from cchc.provinces import province_now
    return province_now(province)


def _raiser(source: str):
    return lambda msg: SiteConfigError(f"{source}: {msg}")


def _clean_base(url: str) -> str:
    return url.strip().rstrip("/")


# -- coverage of the 34 provincial units -----------------------------------------------------------
PORTALS_FILE = Path(__file__).parent / "province_portals.yaml"


def province_portals() -> list[dict]:
    """The 34 provincial units (since 1 July 2025) with their province portal and its evidence,
    from crawler/province_portals.yaml, in file order."""
    data = yaml.safe_load(PORTALS_FILE.read_text(encoding="utf-8")) or {}
    units = data.get("units") or []
    for row in units:
        if not (isinstance(row, dict) and row.get("unit") and row.get("portal")):
            raise SiteConfigError(f"{PORTALS_FILE}: every unit needs 'unit' and 'portal': {row!r}")
    return units


@dataclass(frozen=True)
class CrawlPlan:
    """How one site (or one unit without a known site) is to be crawled."""

    name: str            # config name ("" for a unit without one)
    province: str        # the province the site published for
    unit: str            # the provincial unit it belongs to since 1 July 2025
    cms: str
    host: str
    verified: bool
    plan: str            # a sentence: "config: …", "generic mode from …"
    command: str         # the `cchc crawl` command that carries out the plan


def crawl_plans() -> list[CrawlPlan]:
    """One plan per site config, then one per provincial unit that no config covers (the generic
    mode from the province portal), ordered by unit as the 34 units are listed."""
    portals = province_portals()
    order = {row["unit"]: i for i, row in enumerate(portals)}
    plans = []
    covered = set()
    for site in all_sites():
        unit = _province_now(site.province) or site.province
        covered.add(unit)
        if site.plan == "generic":
            how = f"generic mode from {site.generic_start()}"
        else:
            n = len(site.listings)
            paging = "no paging" if site.pagination.style == "none" else f"{site.pagination.style} paging"
            how = f"config: {n} listing{'s' if n != 1 else ''}, {paging}"
        portal = next((row["portal"] for row in portals if row["unit"] == unit), "")
        if portal and urlsplit(portal).netloc.lower() == site.host:
            how += " (the province portal: no Sở Nội vụ host known)"
        if site.legacy:
            how += f" (legacy site, merged into {unit})"
        plans.append(CrawlPlan(site.name, site.province, unit, site.cms, site.host, site.verified, how,
                               f"cchc crawl --site {site.name}"))
    for row in portals:
        if row["unit"] in covered:
            continue
        portal = row["portal"]
        plans.append(CrawlPlan("", row["unit"], row["unit"], "unknown", urlsplit(portal).netloc.lower(), False,
                               f"no Sở Nội vụ host known: generic mode from the province portal {portal} "
                               f"(portal {row.get('evidence', 'guess')})",
                               f"cchc crawl --start-url {portal}"))
    plans.sort(key=lambda p: (order.get(p.unit, len(order)), p.name == "", p.name))
    return plans


@lru_cache(maxsize=1 << 15)
def _joined_host(base: str, url: str) -> str:
    """The lower-case host of `url` joined to `base` (cached: a site's listings repeat their links)."""
    return urlsplit(urljoin(base, url)).netloc.lower()
