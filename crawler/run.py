"""Run crawls from Python: `crawl(...)` starts Scrapy in a child process and returns its stats.

Scrapy's reactor cannot be restarted within one process, so every call runs
`python -m crawler.run <spec.json> <result.json>` in a fresh interpreter. The child crawls every
requested site at once (one Scrapy crawler per site, one shared SQLite connection) and writes a JSON
report. Failures (an unreachable host, a bad config, a crash) come back as report entries, never as
tracebacks in the caller.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from crawler.sites import SiteConfig, from_dict

REPO_ROOT = Path(__file__).resolve().parent.parent
_STAT_KEYS = {"pages": "cchc/pages", "articles": "cchc/articles", "errors": "cchc/errors",
              "skipped_known": "cchc/skipped_known", "extract_errors": "cchc/extract_errors",
              "robots_forbidden": "robotstxt/forbidden", "requests": "downloader/request_count",
              "fetch_failures": "cchc/fetch_failures", "not_articles": "cchc/not_articles",
              "duplicates_linked": "cchc/duplicates_linked", "resumed": "cchc/resumed"}


def crawl(db_path: str | os.PathLike, sites: Iterable[SiteConfig] = (),
          start_urls: Iterable[str] | dict[str, str] = (),
          settings: dict[str, Any] | None = None, incremental: bool = False, jobdir: str | None = None,
          timeout: float | None = None, log_file: str | os.PathLike | None = None) -> dict:
    """Crawl `sites` (config mode) and `start_urls` (generic mode) into the archive at `db_path`.

    Runs Scrapy in a child process, so it may be called any number of times from one process.
    `settings` overrides Scrapy/project settings (e.g. {"DOWNLOAD_DELAY": 0}); `incremental` skips
    article URLs already preserved; `jobdir` makes the crawl resumable (one sub-directory per site);
    `log_file` receives Scrapy's log (default: kept only for error reports). `start_urls` may be a
    dict {site name: start URL} to name generically crawled sites (else they are named by host).

    Returns {"ok": bool, "pages": n, "articles": n, "errors": n, "messages": [...],
    "sites": {name: {"pages", "articles", "errors", "skipped_known", "extract_errors",
    "robots_forbidden", "requests", "reached", "status", "messages", "finish_reason"}}}.
    `status` is "ok", "unreachable" (nothing could be fetched) or "failed"."""
    # paths are the caller's: the child runs with cwd=REPO_ROOT
    spec = {
        "db": os.path.abspath(db_path),
        "sites": [s.as_dict() for s in sites],
        "start_urls": [[name, url] for name, url in start_urls.items()] if isinstance(start_urls, dict)
        else [[None, url] for url in start_urls],
        "settings": dict(settings or {}),
        "incremental": bool(incremental),
        "jobdir": os.path.abspath(jobdir) if jobdir else None,
        "log_file": os.path.abspath(log_file) if log_file else None,
    }
    if not spec["sites"] and not spec["start_urls"]:
        return _report({}, ["nothing to crawl: give sites or start_urls"])
    with tempfile.TemporaryDirectory(prefix="cchc-crawl-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
        env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        env["CCHC_PARENT_PID"] = str(os.getpid())
        try:
            proc = subprocess.run([sys.executable, "-m", "crawler.run", str(spec_path), str(out_path)],
                                  cwd=str(REPO_ROOT), env=env, capture_output=True, text=True,
                                  timeout=timeout, preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        except subprocess.TimeoutExpired:
            return _report({}, [f"the crawl did not finish within {timeout} s and was stopped"])
        if out_path.exists():
            result = json.loads(out_path.read_text(encoding="utf-8"))
            if proc.returncode != 0:
                result["ok"] = False
                result["messages"].append(f"crawler process exited with status {proc.returncode}")
            return result
        tail = (proc.stderr or "").strip().splitlines()[-5:]
        return _report({}, [f"crawler process failed (exit {proc.returncode})", *tail])


def _die_with_parent() -> None:
    """In the forked child, before exec: ask Linux to SIGKILL us when the parent dies (kill -9 of
    `cchc crawl` must not leave its crawler running beside the next one)."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux after all: the watchdog thread still covers it
        pass


def _watch_parent(parent_pid: int) -> None:
    """Child side, any platform: end the crawl at once when the process that started it is gone."""
    if parent_pid <= 1:
        return

    def watch() -> None:
        import time

        while True:
            if os.getppid() != parent_pid:
                os._exit(70)
            time.sleep(0.5)  # a liveness poll, not synchronisation

    threading.Thread(target=watch, name="cchc-parent-watch", daemon=True).start()


def _report(sites: dict[str, dict], messages: list[str]) -> dict:
    """Totals over the per-site stats."""
    return {
        "ok": not messages and all(s["status"] == "ok" for s in sites.values()),
        "pages": sum(s["pages"] for s in sites.values()),
        "articles": sum(s["articles"] for s in sites.values()),
        "errors": sum(s["errors"] for s in sites.values()) + len(messages),
        "messages": messages,
        "sites": sites,
    }


# -- crawl health -----------------------------------------------------------------------------------
MIN_BODY_CHARS = 200          # an article body shorter than this is no body
REPEATED_TITLE_SHARE = 0.2    # warn when this share of a site's articles share their title with another
ITEM_AS_LISTING_SHARE = 0.1   # warn when this share of item links came out as listings
MISSING_FIELD_SHARE = 0.5     # warn when more than this share of articles lack a date (or a body)


def crawled_articles(db_path: str | os.PathLike, site: str, since: str | None = None) -> list[dict]:
    """The site's articles extracted at or after `since` (ISO 8601 UTC; None: all of them), as
    {title, published_date, text_len, relevant} rows, read from the archive without changing it."""
    import sqlite3

    query = ("SELECT title, published_date, length(coalesce(text, '')) AS text_len, relevant "
             "FROM articles WHERE site = ?")
    params: list[Any] = [site]
    if since:
        query += " AND extracted_at >= ?"
        params.append(since)
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(query, params)]
    finally:
        conn.close()


def site_health(articles: list[dict], item_pages: dict[str, int] | None = None) -> dict:
    """Field coverage of one site's crawled articles and the warnings it calls for.

    `articles`: rows with title, published_date, text_len, relevant. `item_pages`: how many pages
    reached through item links (links followed as likely articles) came out as each kind
    ({"article": n, "listing": n, "other": n}). Returns {"coverage": {...}, "warnings": [...]}:
    coverage holds the number of articles and the share with a title, a date, a body of
    MIN_BODY_CHARS or more and a relevant verdict, and the median body length. Warnings: titles
    repeated across articles (a site-wide heading or `<title>` taken for the article's), item links
    that came out as listings, most articles without a date or without a body."""
    n = len(articles)
    titles = [re.sub(r"\s+", " ", a.get("title") or "").strip() for a in articles]
    lengths = sorted(int(a.get("text_len") or 0) for a in articles)
    coverage = {
        "articles": n,
        "title": _share(sum(1 for t in titles if t), n),
        "date": _share(sum(1 for a in articles if a.get("published_date")), n),
        "body": _share(sum(1 for x in lengths if x >= MIN_BODY_CHARS), n),
        "body_median_chars": lengths[n // 2] if n else 0,
        "relevant": _share(sum(1 for a in articles if a.get("relevant")), n),
    }
    warnings: list[str] = []
    counts = Counter(t for t in titles if t)
    repeated = sum(c for c in counts.values() if c > 1)
    if repeated >= 2 and repeated >= REPEATED_TITLE_SHARE * n:
        top = ", ".join(f"{t!r} ×{c}" for t, c in counts.most_common(3) if c > 1)
        warnings.append(f"{repeated} of {n} articles share their title with another article ({top}): "
                        "the title is probably a site-wide heading, not the article's")
    items = dict(item_pages or {})
    n_items = sum(items.values())
    as_listing = items.get("listing", 0)
    if as_listing and n_items and as_listing >= ITEM_AS_LISTING_SHARE * n_items:
        warnings.append(f"{as_listing} of {n_items} item links came out as listings: "
                        "article pages are probably being taken for listings")
    if n and coverage["date"] < 1 - MISSING_FIELD_SHARE:
        warnings.append(f"{n - round(coverage['date'] * n)} of {n} articles have no publication date")
    if n and coverage["body"] < 1 - MISSING_FIELD_SHARE:
        warnings.append(f"{n - round(coverage['body'] * n)} of {n} articles have no body "
                        f"(under {MIN_BODY_CHARS} characters of text)")
    return {"coverage": coverage, "warnings": warnings}


def _share(k: int, n: int) -> float:
    return round(k / n, 3) if n else 0.0


def health_lines(summary: dict) -> list[str]:
    """Printable lines for one site's coverage and warnings (empty when there is nothing to say)."""
    cov = summary.get("coverage") or {}
    lines = []
    if cov.get("articles"):
        lines.append(f"  coverage of {cov['articles']} articles: title {cov['title']:.0%}, date {cov['date']:.0%}, "
                     f"body {cov['body']:.0%} (median {cov['body_median_chars']} chars), "
                     f"relevant {cov['relevant']:.0%}")
    lines += [f"  warning: {w}" for w in summary.get("warnings") or []]
    return lines


def _iso_utc(value: Any) -> str | None:
    """Scrapy's start_time (a datetime) as the archive writes times (ISO 8601 UTC, seconds)."""
    import datetime as dt

    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def site_summary(stats: dict[str, Any], db_path: str | os.PathLike | None = None) -> dict:
    """One site's report from a crawler's Scrapy stats; with `db_path`, also the health of the
    articles this crawl extracted (field coverage and warnings: see `site_health`)."""
    out = {key: int(stats.get(stat) or 0) for key, stat in _STAT_KEYS.items()}
    out["reached"] = bool(stats.get("cchc/reached"))
    out["messages"] = list(stats.get("cchc/messages") or [])
    out["finish_reason"] = stats.get("finish_reason")
    out["crawl_delay"] = stats.get("cchc/crawl_delay")
    out["crawl_delay_requested"] = stats.get("cchc/crawl_delay_requested")
    if out["robots_forbidden"]:
        out["messages"].append(f"{out['robots_forbidden']} request(s) forbidden by robots.txt")
    if not out["reached"]:
        out["status"] = "unreachable"
        if not out["messages"]:
            out["messages"].append("the site could not be reached (no response received)")
        else:
            out["messages"].insert(0, "the site could not be reached")
        out["errors"] = max(out["errors"], 1)
    elif stats.get("finish_reason") not in ("finished", "closespider_pagecount", "closespider_itemcount"):
        out["status"] = "failed"
    else:
        out["status"] = "ok"
    prefix = "cchc/item_pages/"
    out["item_pages"] = {k[len(prefix):]: int(v) for k, v in stats.items() if k.startswith(prefix)}
    articles: list[dict] = []
    if db_path is not None and stats.get("cchc/site"):
        try:
            articles = crawled_articles(db_path, stats["cchc/site"], _iso_utc(stats.get("start_time")))
        except Exception as exc:  # a report must come back even when the archive cannot be read
            out["messages"].append(f"crawl health unavailable: {exc}")
    out.update(site_health(articles, out["item_pages"]))
    return out


# -- child process --------------------------------------------------------------------------------
def _site_settings(base: Any, site: SiteConfig | None, name: str, jobdir: str | None) -> Any:
    settings = base.copy()
    if site is not None:
        tls = site.tls or {}
        if tls.get("ciphers"):
            settings.set("DOWNLOADER_CLIENT_TLS_CIPHERS", tls["ciphers"], priority="spider")
        if tls.get("method"):
            settings.set("DOWNLOADER_CLIENT_TLS_METHOD", tls["method"], priority="spider")
        if site.download_delay is not None and base.getpriority("DOWNLOAD_DELAY") < 40:
            settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
    if jobdir:  # the frontier in the archive replaces Scrapy's JOBDIR (crawler/frontier.py)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        settings.set("SCHEDULER", "crawler.frontier.FrontierScheduler", priority="cmdline")
        settings.set("CCHC_JOB", f"{Path(jobdir).resolve()}/{safe}", priority="cmdline")
    return settings


def _child(spec_path: str, out_path: str) -> int:
    """Child-process entry point: run the crawl described in `spec_path`, write the report."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import signals
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.portal import PortalSpider

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    _watch_parent(int(os.environ.get("CCHC_PARENT_PID") or 0))
    from store.lock import ArchiveBusy, acquire

    try:
        acquire(spec["db"])
    except ArchiveBusy as exc:
        Path(out_path).write_text(json.dumps(_report({}, [str(exc)]), ensure_ascii=False), encoding="utf-8")
        return 0
    if Path(spec["db"]).exists():  # a crawl killed while extracting left its phase behind
        from crawler.deferred import clear_phase

        clear_phase(spec["db"])
    base = get_project_settings()
    base.setdict(spec["settings"], priority="cmdline")
    base.set("CCHC_DB", spec["db"], priority="cmdline")
    base.set("CCHC_INCREMENTAL", spec["incremental"], priority="cmdline")
    if "CCHC_EXTRACT_AFTER_CRAWL" not in spec["settings"]:
        base.set("CCHC_EXTRACT_AFTER_CRAWL", True, priority="cmdline")  # the fetch only preserves: see crawler.deferred
    if spec.get("log_file"):
        base.set("LOG_FILE", spec["log_file"], priority="cmdline")
    messages: list[str] = []
    jobs: list[tuple[str, Any, dict]] = []
    for raw in spec["sites"]:
        try:
            site = from_dict(raw, source=f"site {raw.get('name')!r}")
        except ValueError as exc:
            messages.append(str(exc))
            continue
        jobs.append((site.name, _site_settings(base, site, site.name, spec["jobdir"]), {"site_config": site}))
    for given_name, url in spec["start_urls"]:
        name = given_name or urlsplit(url).netloc.lower() or url
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            messages.append(f"not an http(s) URL: {url!r}")
            continue
        jobs.append((name, _site_settings(base, None, name, spec["jobdir"]), {"start_url": url, "site_name": name}))

    process = CrawlerProcess(base, install_root_handler=True)
    collected: dict[str, dict] = {}
    for i, (name, settings, kwargs) in enumerate(jobs):
        crawler = Crawler(PortalSpider, settings, init_reactor=(i == 0))

        def grab(spider: Any, reason: str, _crawler: Any = crawler, _name: str = name) -> None:
            stats = dict(_crawler.stats.get_stats())
            stats.setdefault("finish_reason", reason)
            collected[_name] = stats

        crawler.signals.connect(grab, signal=signals.spider_closed, weak=False)
        process.crawl(crawler, **kwargs)
    if jobs:
        process.start()
    if jobs and base.getbool("CCHC_EXTRACT_AFTER_CRAWL"):
        _extract_after_crawl(spec["db"], jobs, collected, base.get("CCHC_EXTRACTOR", "extract:extract_html"))
    sites = {}
    for name, *_ in jobs:
        if name in collected:
            sites[name] = site_summary(collected[name], db_path=spec["db"])
        else:
            sites[name] = {**{k: 0 for k in _STAT_KEYS}, "reached": False, "status": "failed",
                           "messages": ["the crawler did not start (see the log)"], "errors": 1,
                           "finish_reason": None, "crawl_delay": None,
                           "crawl_delay_requested": None, "item_pages": {}, **site_health([])}
    Path(out_path).write_text(json.dumps(_report(sites, messages), ensure_ascii=False, default=str),
                              encoding="utf-8")
    return 0


def _extract_after_crawl(db: str, jobs: list, collected: dict[str, dict], extractor: str) -> None:
    """The extraction phase (crawler.deferred): every article page the crawled sites preserved,
    extracted by every core, stored in crawl order; counted into each site's stats."""
    from crawler.deferred import clear_phase, extract_queued, set_phase

    configs = {name: (kwargs["site_config"].as_dict() if kwargs.get("site_config") is not None else None)
               for name, _settings, kwargs in jobs if name in collected}
    if not configs:
        return
    try:
        extract_queued(db, configs, collected, extractor=extractor,
                       announce=lambda message: set_phase(db, message))
    except Exception as exc:  # the pages are preserved and stay queued: the next crawl extracts them
        for name in configs:
            stats = collected[name]
            stats["cchc/errors"] = int(stats.get("cchc/errors") or 0) + 1
            stats.setdefault("cchc/messages", []).append(f"extraction after the crawl failed: {exc!r}")
    finally:
        clear_phase(db)


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
