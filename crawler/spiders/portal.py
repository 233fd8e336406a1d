"""The one spider, `portal`, in two modes.

Config mode (`-a site=NAME [-a base_url=URL]`): start at the config's listings, page through each
listing as the config says (query parameter, path template or ASP.NET postback), stop at a page with
no new article links or at `max_pages`, and follow the links matching `article_url`.

Generic mode (`-a start_url=URL [-a site_name=NAME]`, or a config with `plan: generic`, which starts
at its `start_url` and keeps its name and province): from the start page, find news sections by menu
labels and URL words, page through them (page-number URLs, pager containers, runs of page-number
links), fetch article-shaped links and links labelled like titles (outside menus, sidebars and
footers), and decide from the page itself whether it is an article (crawler.discovery.classify). Bounded by CCHC_MAX_DEPTH, CCHC_MAX_PAGES and
CCHC_LISTING_MAX_PAGES.

Both modes stay on the site's host and yield one item per response (kind article/listing/other),
which crawler.pipelines.ArchivePipeline preserves. An article item carries what the crawl knew when
it followed the link (`item["context"]`: the link's label, whether it was a listing item, and the
site's repeated `<title>`), for the extractor's title and for the crawl's health report.
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Iterable
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import FormRequest, Request, Response
from twisted.python.failure import Failure

from store import utc_now
from crawler import discovery
from crawler.middlewares import record_failure
from crawler.sites import SiteConfig, load_site

_LINKS_WITH_HREF = etree.XPath("//a[@href]")
_STRING_VALUE = etree.XPath("string(.)")

MAX_MESSAGES = 50


def is_html(response: Response) -> bool:
    """Is the response an HTML (or XHTML) document?"""
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if ctype:
        return "html" in ctype
    return response.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def headers_dict(response: Response) -> dict[str, list[str]]:
    """Response headers as {name: [values]} (latin-1 decoded, as HTTP defines)."""
    return {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()}


class PortalSpider(scrapy.Spider):
    """Crawl one Sở Nội vụ site, from its config (`site`) or from a start URL (`start_url`)."""

    name = "portal"

    def __init__(self, site: str | None = None, start_url: str | None = None, base_url: str | None = None,
                 site_name: str | None = None, site_config: SiteConfig | None = None,
                 *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if sum(map(bool, (site, start_url, site_config))) != 1:
            raise ValueError("give exactly one of -a site=NAME or -a start_url=URL")
        self.config: SiteConfig | None = None
        if site or site_config:
            self.config = site_config or load_site(site)
            if base_url:
                self.config = self.config.with_base_url(base_url)
            self.site_name = self.config.name
            self.host = self.config.host
            self.start_urls_ = self.config.listing_urls()
            if self.config.plan == "generic":  # a known host, no known layout: generic mode
                self.start_urls_ = [self.config.generic_start()]
                self.host = urlsplit(self.start_urls_[0]).netloc.lower()
        else:
            if urlsplit(start_url).scheme not in ("http", "https"):
                raise ValueError(f"start_url must be an http(s) URL, not {start_url!r}")
            self.host = urlsplit(start_url).netloc.lower()
            self.site_name = site_name or self.host
            self.start_urls_ = [start_url]
        self.allowed_domains = [urlsplit(self.start_urls_[0]).hostname or self.host]
        self.messages: list[str] = []
        self.reached = False
        self.known: set[str] = set()
        self.seen_articles: set[str] = set()
        self.listing_pages: dict[str, int] = {}
        self.postbacks_done: set[tuple[str, str]] = set()
        self.requested = 0
        self.titles = discovery.SiteTitles()
        self.lists = discovery.SiteLists()
        self.links: dict[str, dict] = {}   # canonical URL -> the best link seen to it (note_link)
        self.undecided: set[str] = set()   # long-text item pages read before a listing named them

    # -- identity --------------------------------------------------------------------------------
    def site_record(self) -> dict:
        """The row for the `sites` table (a generic site gets a minimal, unverified row)."""
        if self.config is not None:
            return self.config.as_dict()
        base = self.start_urls_[0]
        parts = urlsplit(base)
        return {"name": self.site_name, "province": None, "site_name": parts.netloc,
                "base_url": f"{parts.scheme}://{parts.netloc}", "cms": "unknown", "verified": False}

    def note_error(self, message: str) -> None:
        """Record an error message for the crawl report (first MAX_MESSAGES kept)."""
        self.crawler.stats.inc_value("cchc/errors")
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)
        self.crawler.stats.set_value("cchc/messages", list(self.messages))

    # -- start -----------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        """The listings (config mode) or the start page (generic mode)."""
        settings = self.crawler.settings
        if settings.getbool("CCHC_INCREMENTAL"):
            from store import Archive

            archive = Archive(settings.get("CCHC_DB", "archive.db"))
            try:
                self.known = archive.known_urls(self.site_name)
            finally:
                archive.close()
        self.crawler.stats.set_value("cchc/site", self.site_name)
        if self.config is not None and self.config.plan == "config":
            first = self.config.pagination.first
            for url in self.start_urls_:
                yield self._request(url, self.parse_listing, role="start",
                                    meta={"listing": url, "page_n": first})
        else:
            yield self._request(self.start_urls_[0], self.parse_generic, role="start", meta={"depth_g": 0})

    def _request(self, url: str, callback, role: str, meta: dict | None = None, priority: int = 0,
                 again: bool = False) -> Request:
        self.requested += 1
        # start pages are always fetched, even when a resumed JOBDIR has seen them before; `again`
        # re-reads a page the crawl has since learnt more about
        return Request(url, callback=callback, errback=self.on_error, priority=priority,
                       dont_filter=(role == "start" or again), meta={"role": role, **(meta or {})})

    # -- items -----------------------------------------------------------------------------------
    def page_item(self, response: Response, kind: str) -> dict:
        """The item the pipeline preserves: the response as it came, plus site and kind (and, for
        an article, the crawl context: see `article_context`)."""
        if not self.reached:
            self.reached = True
            self.crawler.stats.set_value("cchc/reached", True)
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        url = redirects[0] if redirects else response.url
        if response.status >= 400:
            kind = "other"
            if response.meta.get("role") != "page":  # a missing page past the end is expected
                self.note_error(f"HTTP {response.status} for {response.url}")
        item = {
            "url": url, "final_url": response.url, "status": response.status,
            "headers": headers_dict(response), "body": response.body, "fetched_at": utc_now(),
            "site": self.site_name, "kind": kind,
            "site_config": self.config.as_dict() if self.config is not None else None,
        }
        if kind == "article":
            item["context"] = self.article_context(response)
        return item

    def note_title(self, response: Response) -> None:
        """Count the page's `<title>` among the site's (for the site's repeated title), and its link
        lists among the site's (for the site's repeated lists: sidebars, whatever their names)."""
        try:
            root = response.selector.root
        except (AttributeError, ValueError):  # not a text response
            self.titles.add(None)
            return
        self.titles.add(discovery.page_title(root))
        self.lists.add(root, response.url)

    def site_context(self) -> dict:
        """What the crawl has learnt of the site so far: its repeated `<title>` and link lists."""
        return {"site_title": self.titles.site_title(), "site_lists": self.lists.repeated()}

    def article_context(self, response: Response) -> dict:
        """What the crawl knew about an article page: the label of the link that led to it
        (`link_text`), whether that link was an item of a listing (`from_listing`), and the
        `<title>` text repeated across the site's pages (`site_title`, None while none repeats)."""
        link = self.link_to(response)
        return {"link_text": link.get("link_text") or None, "from_listing": bool(link.get("from_listing")),
                "site_title": self.titles.site_title()}

    def note_link(self, url: str, info: dict) -> None:
        """Remember what a link to `url` said (label, listing item, shared URL shape). Of several
        links to one page, a listing item's wins over a menu's or a sidebar's, and a title-like
        label over a shorter one: the article is requested once, but read with the best link."""
        old = self.links.get(url)
        if old is None or (info.get("from_listing") and not old.get("from_listing")):
            self.links[url] = {**info, "lists": list(info.get("lists") or [])}
            return
        if info.get("from_listing") == old.get("from_listing"):
            old["link_text"] = discovery.best_label([old.get("link_text") or "", info.get("link_text") or ""])
            old["lists"] = old.get("lists", []) + list(info.get("lists") or [])

    def link_to(self, response: Response) -> dict:
        """The best link seen to the page of `response` ({} when none: a start page). A listing item
        counts as one only while its list is not one the site repeats on most pages (a sidebar
        taken for a listing before the crawl had seen enough pages to know)."""
        request_url = response.request.url if response.request is not None else response.url
        for url in (request_url, response.url):
            info = self.links.get(discovery.canonical_url(url, self.config.drop_params if self.config else ()))
            if info is None:
                continue
            lists = info.get("lists") or []
            if info.get("from_listing") and lists:
                repeated = self.lists.repeated()
                if all(discovery.is_site_wide(list(sig), repeated) for sig in lists):
                    return {**info, "from_listing": False, "shared_shape": False}
            return info
        return {}

    def note_item_kind(self, kind: str) -> None:
        """Count what an item link (a link followed as a likely article) turned out to be."""
        stats = self.crawler.stats
        stats.inc_value("cchc/item_pages")
        stats.inc_value(f"cchc/item_pages/{kind}")

    def on_error(self, failure: Failure) -> None:
        """A request failed (connection refused, DNS, timeout, TLS …): report it, keep crawling."""
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        reason = failure.getErrorMessage() or failure.type.__name__
        if request is not None:  # every failure in the archive's fetch_log (crawler.middlewares)
            record_failure(self.crawler, (request.meta.get("redirect_urls") or [url])[0],
                           f"{failure.type.__name__}: {reason}", attempts=request.meta.get("retry_times", 0) + 1)
        if request is not None and request.meta.get("role") == "start":
            self.note_error(f"could not reach {url}: {failure.type.__name__}: {reason}")
        else:
            self.note_error(f"failed {url}: {failure.type.__name__}: {reason}")

    # -- config mode -----------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterable[Any]:
        """A listing page: preserve it, follow new article links, then the next page."""
        assert self.config is not None
        ok = response.status < 400 and is_html(response)
        yield self.page_item(response, "listing" if ok else "other")
        if not ok:
            return
        self.note_title(response)
        labels: dict[str, list[str]] = {}
        hrefs: list[str] = []
        # the parsed tree Scrapy already holds, read with compiled XPath (a parsel Selector per
        # link cost more than the rest of the listing's handling)
        for a in _LINKS_WITH_HREF(response.selector.root):
            url = discovery.canonical_url(discovery.absolute_url(response.url, a.attrib["href"].strip()),
                                          self.config.drop_params)
            if url not in labels:
                hrefs.append(url)
            labels.setdefault(url, []).append(" ".join(_STRING_VALUE(a).split()) or a.attrib.get("title", ""))
        new = 0
        for url in hrefs:
            if not self.config.is_on_site(url) or not self.config.is_article(url) or discovery.is_asset(url):
                continue
            self.note_link(url, {"link_text": discovery.best_label(labels[url]), "from_listing": True})
            if url in self.seen_articles:
                continue
            self.seen_articles.add(url)
            new += 1
            if url in self.known:
                self.crawler.stats.inc_value("cchc/skipped_known")
                continue
            yield self._request(url, self.parse_article, role="article", priority=1)
        yield from self._next_listing_page(response, new)

    def _next_listing_page(self, response: Response, new_links: int) -> Iterable[Any]:
        assert self.config is not None
        p = self.config.pagination
        listing, n = response.meta["listing"], response.meta["page_n"]
        if p.style == "none" or new_links == 0 or n - p.first + 1 >= p.max_pages:
            return
        meta = {"listing": listing, "page_n": n + 1}
        if p.style == "postback":
            request = self._postback_request(response, n + 1, meta, self.parse_listing)
            if request is not None:
                yield request
            return
        yield self._request(self.config.page_url(listing, n + 1), self.parse_listing, role="page", meta=meta)

    def _postback_request(self, response: Response, n: int, meta: dict, callback) -> Request | None:
        """An ASP.NET postback for page `n` (its digit link, else a "next" link), once per listing."""
        choices = discovery.postback_pages(response.selector.root)
        pick = next((c for c in choices if c[0] == str(n)), None)
        pick = pick or next((c for c in choices if c[0] in discovery.NEXT_LABELS), None)
        if pick is None:
            return None
        key = (meta.get("listing") or response.url, str(n))
        if key in self.postbacks_done:
            return None
        self.postbacks_done.add(key)
        try:
            request = FormRequest.from_response(
                response, formdata={"__EVENTTARGET": pick[1], "__EVENTARGUMENT": pick[2]},
                dont_click=True, callback=callback, errback=self.on_error,
                meta={"role": "page", **meta})
        except ValueError:  # no <form> on the page
            return None
        self.requested += 1
        return request

    def parse_article(self, response: Response) -> Iterable[Any]:
        """An article page (config mode): preserve it; the pipeline extracts it. The page is also
        classified, only to count (for the crawl's health report) configured article URLs whose
        pages look like listings."""
        ok = response.status < 400 and is_html(response)
        classify_context = None
        if ok:
            self.note_title(response)
            link = self.link_to(response)
            classify_context = {**link, **self.site_context()}
            if not self.crawler.settings.getbool("CCHC_EXTRACT_AFTER_CRAWL"):
                self.note_item_kind(discovery.classify(response.body, response.url, classify_context).kind)
        item = self.page_item(response, "article" if ok else "other")
        if classify_context is not None and self.crawler.settings.getbool("CCHC_EXTRACT_AFTER_CRAWL"):
            # classified with the extraction, after the fetch (crawler.deferred), from what the
            # crawl knew now: the count is for the health report, no decision of the crawl's
            item["classify_context"] = classify_context
        yield item

    # -- generic mode ----------------------------------------------------------------------------
    def parse_generic(self, response: Response) -> Iterable[Any]:
        """Any page in generic mode: classify, preserve, then follow sections, pages and items."""
        role = response.meta.get("role", "start")
        if response.status >= 400 or not is_html(response) or discovery.is_asset(response.url):
            yield self.page_item(response, "other")
            return
        self.note_title(response)
        link = self.link_to(response)
        verdict = discovery.classify(response.body, response.url, {**link, **self.site_context()})
        kind = verdict.kind
        if role in ("start", "section", "page") and kind == "article" and not discovery.looks_like_article_url(response.url):
            kind = "listing" if verdict.title_links >= discovery.MIN_LISTING_ITEMS else "other"
        if role in ("section", "page") and kind == "other" and verdict.title_links:
            kind = "listing"
        if role == "article":
            self.note_item_kind(kind)
            if kind == "other" and verdict.text_len >= discovery.MIN_SHORT_ARTICLE and not link.get("from_listing"):
                # long text read before any listing was seen to list it: decide again if one does
                self.undecided.add(discovery.canonical_url(response.url))
        yield self.page_item(response, kind)
        if kind == "article":
            return
        if role == "article" and kind != "listing":
            return  # a contact page, a document list entry …: nothing to follow
        settings = self.crawler.settings
        max_pages = settings.getint("CCHC_MAX_PAGES", 1500)
        depth = response.meta.get("depth_g", 0)
        root = response.selector.root
        listing_root = response.meta.get("listing") or response.url
        # 1. news sections from the menus (start page and sections, a few levels down)
        if role in ("start", "section") and depth < settings.getint("CCHC_MAX_DEPTH", 2):
            for url in discovery.news_section_links(root, response.url):
                if self.requested < max_pages and url not in self.listing_pages:
                    self.listing_pages[url] = 1
                    yield self._request(url, self.parse_generic, role="section", priority=2,
                                        meta={"depth_g": depth + 1, "listing": url})
        # 2. article candidates: article-shaped URLs, then links labelled like titles (slug-only,
        #    opaque or module-view URLs); classify() decides from each fetched page
        candidates = discovery.item_links(root, response.url)
        candidates += [u for u in discovery.title_links(root, response.url) if u not in candidates]
        if self.config is not None and self.config.article_url:  # a generic plan's known article shape
            candidates += [u for u in discovery.item_links(root, response.url, pattern=self.config.article_url)
                           if u not in candidates]
        labels = discovery.link_labels(root, response.url)
        listing = (discovery.listing_items(root, response.url, min_items=1, site_lists=self.lists.repeated())
                   if kind == "listing" else None)
        if listing is not None and role == "start" and discovery.teaser_count(listing) * 2 < len(listing.urls):
            listing = None  # a home page's bare link lists are as likely sidebars as news
        for url in candidates:
            from_listing = listing is not None and url in listing.urls
            self.note_link(url, {"link_text": labels.get(url, ""), "from_listing": from_listing,
                                 "shared_shape": from_listing and discovery.shares_shape(url, listing.urls),
                                 "lists": [frozenset(listing.urls)] if from_listing else []})
            if from_listing and url in self.undecided and self.requested < max_pages:
                self.undecided.discard(url)  # read before this listing named it: read it again, once
                self.crawler.stats.inc_value("cchc/reread")
                yield self._request(url, self.parse_generic, role="article", priority=1, again=True,
                                    meta={"depth_g": depth + 1})
            if url in self.seen_articles or url in self.listing_pages:
                continue
            self.seen_articles.add(url)
            if url in self.known:
                self.crawler.stats.inc_value("cchc/skipped_known")
                continue
            if self.requested < max_pages:
                yield self._request(url, self.parse_generic, role="article", priority=1,
                                    meta={"depth_g": depth + 1})
        # 3. further pages of this listing
        if role == "start" and not discovery.pagination_links(root, response.url):
            return
        limit = settings.getint("CCHC_LISTING_MAX_PAGES", 50)
        for url in discovery.pagination_links(root, response.url):
            if url in self.listing_pages or self.listing_pages.get(listing_root, 1) >= limit:
                continue
            if self.requested >= max_pages:
                break
            self.listing_pages[url] = 0
            self.listing_pages[listing_root] = self.listing_pages.get(listing_root, 1) + 1
            yield self._request(url, self.parse_generic, role="page", priority=2,
                                meta={"depth_g": depth, "listing": listing_root})
        if discovery.postback_pages(root) and self.listing_pages.get(listing_root, 1) < limit:
            for label, _target, _arg in discovery.postback_pages(root):
                if not label.isdigit():
                    continue
                request = self._postback_request(response, int(label), {"listing": listing_root,
                                                                          "depth_g": depth},
                                                 self.parse_generic)
                if request is not None:
                    self.listing_pages[listing_root] = self.listing_pages.get(listing_root, 1) + 1
                    yield request

    # -- end -------------------------------------------------------------------------------------
    def closed(self, reason: str) -> None:
        """Log a site that could not be reached at all."""
        if not self.reached:
            self.logger.error("site %s could not be reached (%s)", self.site_name, self.start_urls_[0])
