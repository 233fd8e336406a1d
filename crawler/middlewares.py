"""Middlewares that make one site's crawl polite, finite and complete on the real web.

Downloader: `CrawlDelayMiddleware` (robots.txt Crawl-delay, which Scrapy's RobotsTxtMiddleware does
not obey), `ScopeMiddleware` (one site = scheme + host + port), `RetryAfterMiddleware` (Scrapy's
retries, waiting as long as Retry-After asks, bounded), `FetchLogMiddleware` (HTTP errors to the
fetch_log table). Spider: `CrawlGuardMiddleware` (tracking parameters, URL-pattern budgets,
listings that stop giving, callbacks that raise).
"""
from __future__ import annotations

import email.utils
import logging
import re
import time
from typing import Any, AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Raise the download slot's delay to the host's robots.txt Crawl-delay (capped by
    CCHC_CRAWL_DELAY_MAX). Runs after RobotsTxtMiddleware, so the robots file is already parsed."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("CCHC_CRAWL_DELAY_MAX", 30.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self._robots: RobotsTxtMiddleware | None = None
        self._delays: dict[str, float | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CrawlDelayMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def _robots_mw(self) -> RobotsTxtMiddleware | None:
        if self._robots is None:
            for mw in self.crawler.engine.downloader.middleware.middlewares:
                if isinstance(mw, RobotsTxtMiddleware):
                    self._robots = mw
        return self._robots

    def process_request(self, request: Request) -> None:
        """Apply the Crawl-delay of the request's host to its download slot."""
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY") or request.url.endswith("/robots.txt"):
            return None
        netloc = request.url.split("/")[2] if "://" in request.url else ""
        if netloc not in self._delays:
            robots = self._robots_mw()
            parser = robots._parsers.get(netloc) if robots is not None else None
            delay = None
            if parser is not None and hasattr(parser, "crawl_delay"):
                try:
                    delay = parser.crawl_delay(self.user_agent)
                except Exception:  # a malformed robots file must not stop the crawl
                    delay = None
            if delay:
                asked = float(delay)
                delay = min(asked, self.cap)
                logger.info("robots.txt of %s asks for Crawl-delay %s s (using %s s)", netloc, asked, delay)
                self.crawler.stats.set_value("cchc/crawl_delay_requested", asked)
                self.crawler.stats.set_value("cchc/crawl_delay", delay)
            self._delays[netloc] = delay
        delay = self._delays[netloc]
        if delay:
            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            slot = downloader.slots.get(key)
            if slot is not None and slot.delay < delay:
                slot.delay = delay
            request.meta.setdefault("cchc_crawl_delay", delay)
        return None


# -- scope ------------------------------------------------------------------------------------------
def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of `url`, the port made explicit: one site is one origin."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.scheme.lower(), (parts.hostname or "").lower(),
            port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0))


def same_site(url: str, site_url: str) -> bool:
    """Is `url` on the site of `site_url`: the same scheme, host and port — where http on port 80
    and https on port 443 of one host count as one site (portals move to TLS and redirect)."""
    a, b = origin(url), origin(site_url)
    if a == b:
        return True
    default = {("http", 80), ("https", 443)}
    return a[1] == b[1] and (a[0], a[2]) in default and (b[0], b[2]) in default


def record_failure(crawler: Any, url: str, error: str, attempts: int = 1, status: int | None = None) -> None:
    """Write one failed fetch to the archive's fetch_log (and count it)."""
    from crawler.pipelines import open_archive, release_archive

    crawler.stats.inc_value("cchc/fetch_failures")
    spider = crawler.spider
    path = crawler.settings.get("CCHC_DB", "archive.db")
    archive = open_archive(path)
    try:
        archive.log_fetch(url, error, attempts=attempts, site=getattr(spider, "site_name", None), status=status)
    finally:
        release_archive(path)


class ScopeMiddleware:
    """Keep the crawl on its site: scheme + host + port of the start URL. A request elsewhere
    (a link, or a redirect to another port of the same host) is logged and dropped, never fetched.
    Redirected requests come back through here, so a redirect out of the site ends at its first hop."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ScopeMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Refuse a request outside the spider's origin."""
        spider = self.crawler.spider
        starts = getattr(spider, "start_urls_", None)
        if not starts or same_site(request.url, starts[0]):
            return None
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        what = "redirect outside the site" if request.meta.get("redirect_urls") else "outside the site"
        self.crawler.stats.inc_value("cchc/out_of_scope")
        raise IgnoreRequest(f"{what}: {request.url} (from {first})")


# -- retries ------------------------------------------------------------------------------------------
def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "ignore")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, plus: a retryable answer (429, 503 …) carrying Retry-After is
    retried only after the time it asks for, capped at CCHC_RETRY_AFTER_MAX seconds (an answer
    asking for more than the cap is still retried after the cap: politeness bounded by patience)."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("CCHC_RETRY_AFTER_MAX", 60.0)

    async def process_response(self, request: Request, response: Response, spider: Any = None):  # type: ignore[override]
        """Wait as long as Retry-After asks (bounded), then retry the Scrapy way."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked:
            delay = min(asked, self.retry_after_max)
            self.crawler.stats.inc_value("cchc/retry_after_waits")
            self.crawler.stats.max_value("cchc/retry_after_max_wait", delay)
            from twisted.internet import reactor  # the one Scrapy installed (imported late on purpose)

            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        return self._retry(request, response_status_message(response.status)) or response


class FetchLogMiddleware:
    """Log every HTTP error answer (after Scrapy's retries gave up) to the fetch_log table."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "FetchLogMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """An answer of 400 or more is a failure worth a fetch_log row (the page is still preserved)."""
        if response.status >= 400 and not request.url.endswith("/robots.txt"):
            record_failure(self.crawler, (request.meta.get("redirect_urls") or [request.url])[0],
                           f"HTTP {response.status}", attempts=request.meta.get("retry_times", 0) + 1,
                           status=response.status)
        return response


class ConditionalGetMiddleware:
    """Re-crawls ask "has it changed?": a URL already preserved is requested with If-None-Match /
    If-Modified-Since from its stored ETag / Last-Modified. A 304 answer is replaced by the stored
    response (flagged `cchc_not_modified`), so the spider still follows a listing's links and the
    pipeline only records that the page was seen again. A changed page answers 200 and becomes a
    new version; the earlier one stays."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("CCHC_CONDITIONAL_GET", True)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ConditionalGetMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def _archive(self):
        from crawler.pipelines import current_archive

        return current_archive(self.crawler.settings.get("CCHC_DB", "archive.db"))

    def process_request(self, request: Request) -> None:
        """Add the validators of the stored version, if any."""
        if not self.enabled or request.method != "GET" or request.url.endswith("/robots.txt"):
            return None
        stored = self._archive().latest_validators(request.url)
        if stored is None:
            return None
        page_id, etag, modified = stored
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1", "ignore"))
        if modified:
            request.headers.setdefault(b"If-Modified-Since", modified.encode("latin-1", "ignore"))
        if etag or modified:
            request.meta["cchc_stored_page"] = page_id
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Turn a 304 into the stored response."""
        page_id = request.meta.get("cchc_stored_page")
        if response.status != 304 or page_id is None:
            return response
        archive = self._archive()
        status, headers, _ = archive.page_wire(page_id)
        body = archive.page_body(page_id)
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-encoding", "content-length")}
        self.crawler.stats.inc_value("cchc/not_modified")
        request.meta["cchc_not_modified"] = page_id
        return response.replace(status=status, headers=headers, body=body)


class WireMiddleware:
    """Keep the response as it came over the wire when Scrapy is about to decode it: runs just
    before HttpCompressionMiddleware (590), which inflates gzip/deflate bodies and drops
    Content-Encoding. The body as received and its headers go with the page item
    (CrawlGuardMiddleware adds them), so the archive holds the exact bytes for WARC export."""

    def process_response(self, request: Request, response: Response) -> Response:
        """Remember the encoded body and its headers in the request's meta."""
        if response.headers.get(b"Content-Encoding"):
            request.meta["cchc_wire"] = (
                {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in response.headers.items()},
                response.body)
        return response


# -- spider output ------------------------------------------------------------------------------------
TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|zarsrc|mc_cid|mc_eid|_ga|_gl|igshid|ref_src)$", re.I)
MIN_EVIDENCE = 5   # fetched pages of a URL shape before it can be judged barren
_XML_INCOMPATIBLE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_tracking(url: str) -> str:
    """`url` without tracking parameters (utm_*, fbclid, gclid …): they never change the page."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not TRACKING_PARAMS.match(k)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def url_pattern(url: str) -> str:
    """The shape of a URL: path and query with every run of digits as 9, query keys sorted.
    /su-kien?date=2024-05-01 and ?date=2031-12-31 share a shape; that is how a trap shows."""
    parts = urlsplit(url)
    query = "&".join(sorted(f"{k}={re.sub(r'[0-9]+', '9', v)}" for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    return re.sub(r"[0-9]+", "9", parts.path) + ("?" + query if query else "")


class CrawlGuardMiddleware:
    """Spider middleware that keeps one site's crawl finite and every response preserved:

    - requests lose their tracking parameters before they are scheduled, so ?utm_source variants
      are one request;
    - a URL shape (`url_pattern`) whose fetched pages were all unproductive (no article; for a
      listing, no new article link) gets at most CCHC_PATTERN_BUDGET requests: endless calendars,
      date archives and session-id loops end within a few dozen requests, while article and
      listing shapes that keep giving go on;
    - a listing page that brought no new article link is not paged further (an endless pager ends;
      an incremental re-crawl stops at the articles it already has);
    - a callback that raises (lxml refuses some control characters) is run once more on the body
      without them; the page item still carries the bytes as received; failing that, the page is
      preserved as `other` and the error logged."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.budget = crawler.settings.getint("CCHC_PATTERN_BUDGET", 25)
        self.fetched: dict[str, int] = {}
        self.scheduled: dict[str, int] = {}
        self.productive: dict[str, int] = {}
        self.article_urls: set[str] = set()
        self.exhausted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CrawlGuardMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def _allowed(self, request: Request) -> bool:
        if request.meta.get("role") in ("start", None) and request.dont_filter:
            return True
        pattern = url_pattern(request.url)
        barren = self.productive.get(pattern, 0) == 0 and self.fetched.get(pattern, 0) >= MIN_EVIDENCE
        if barren and self.scheduled.get(pattern, 0) >= self.budget:
            if pattern not in self.exhausted:
                self.exhausted.add(pattern)
                record_failure(self.crawler, request.url, f"URL pattern budget reached ({self.budget} "
                               f"requests, none productive): {pattern}")
            self.crawler.stats.inc_value("cchc/pattern_budget_dropped")
            return False
        self.scheduled[pattern] = self.scheduled.get(pattern, 0) + 1
        return True

    def process_spider_output(self, response: Response, result: Any) -> Any:
        """Filter and clean one response's output (see the class docstring)."""
        state = {"held": [], "new": 0, "article": False, "items": 0}
        for out in result:
            yield from self._one(response, state, out)
        yield from self._finish(response, state)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The same for asynchronous callbacks."""
        state = {"held": [], "new": 0, "article": False, "items": 0}
        async for out in result:
            for kept in self._one(response, state, out):
                yield kept
        for kept in self._finish(response, state):
            yield kept

    def _one(self, response: Response, state: dict, out: Any) -> Any:
        if not isinstance(out, Request):
            if isinstance(out, dict) and out.get("kind") == "article":
                state["article"] = True
            wire = response.meta.get("cchc_wire")
            if wire is not None and isinstance(out, dict) and out.get("body") is response.body:
                out = {**out, "wire_headers": wire[0], "wire_body": wire[1]}
            if isinstance(out, dict) and response.meta.get("cchc_not_modified") and out.get("body") is response.body:
                out = {**out, "not_modified": response.meta["cchc_not_modified"]}
            frontier = getattr(self.crawler, "cchc_frontier", None)
            if frontier is not None and isinstance(out, dict) and "body" in out and response.request is not None:
                out = {**out, "frontier_key": frontier.item_key(response.request)}
                state["items"] += 1
            yield out
            return
        clean = without_tracking(out.url)
        if clean != out.url:
            out = out.replace(url=clean)
        if out.meta.get("role") == "article" and out.url not in self.article_urls:
            self.article_urls.add(out.url)
            state["new"] += 1
        if not self._allowed(out):
            return
        if out.meta.get("role") == "page" and response.meta.get("role") == "page":
            state["held"].append(out)  # decided once the page's article links are counted
            return
        yield out

    def _finish(self, response: Response, state: dict) -> Any:
        frontier = getattr(self.crawler, "cchc_frontier", None)
        pattern = url_pattern(response.url)
        self.fetched[pattern] = self.fetched.get(pattern, 0) + 1
        listing_role = response.meta.get("role") in ("start", "section", "page")
        if state["article"] or (state["new"] and listing_role):
            self.productive[pattern] = self.productive.get(pattern, 0) + 1
        if state["new"]:
            yield from state["held"]
        elif state["held"]:
            self.crawler.stats.inc_value("cchc/listings_stopped")
        if frontier is not None and response.request is not None:
            frontier.output_done(response.request, state["items"])  # done once its page is stored too

    def process_spider_exception(self, response: Response, exception: Exception) -> list[Any] | None:
        """Retry a failed callback on a cleaned copy of the body; else preserve the page as `other`."""
        spider = self.crawler.spider
        request = response.request
        if request is None or response.meta.get("cchc_cleaned") or not hasattr(spider, "page_item"):
            return None
        callback = request.callback or spider.parse
        body = response.body
        cleaned = _XML_INCOMPATIBLE.sub(b"", body)
        results: list[Any] = []
        if cleaned != body:
            request.meta["cchc_cleaned"] = True
            try:
                for out in callback(response.replace(body=cleaned)) or ():
                    if isinstance(out, dict) and out.get("body") == cleaned:
                        out = {**out, "body": body}  # preserve the bytes as received
                    results.append(out)
            except Exception as again:  # the cleaned page fails too: keep it as `other`
                exception, results = again, []
        if not results:
            record_failure(self.crawler, response.url, f"callback failed: {exception!r}")
            results = [spider.page_item(response, "other")]
        return results
