"""A large, fast portal generated on the fly, for resume and re-crawl tests (127.0.0.1, stdlib).

`start_bulk(n_articles)` serves listing pages `/tin-tuc?trang=N` (PER_PAGE articles each, newest
first) and articles `/tin-tuc/bai-<id>.html` built from the hostile site's invented paragraphs, each
different; odd-numbered articles are sent gzip-encoded. Responses carry ETag/Last-Modified and answer conditional GETs with 304. A test can hold
every request after the k-th (`hold_after(k)`) until `release()`: a crawl can be caught in the middle
by counting, never by sleeping.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from replay import hostile

PER_PAGE = 25
_MODIFIED = dt.datetime(2024, 6, 3, 8, 30, tzinfo=dt.timezone.utc)


def article(n: int) -> hostile.Article:
    """Article number n (1 = oldest): the hostile site's article n mod 20, renumbered."""
    base = hostile.ARTICLES[(n - 1) % len(hostile.ARTICLES)]
    paragraphs = [p.replace(f"đợt {base.number}", f"đợt {n}") for p in base.paragraphs]
    paragraphs.append(f"Đây là tin số {n} trong chuyên mục cải cách hành chính của Sở Nội vụ.")
    return dataclasses.replace(base, number=n, title=f"{base.title.rsplit(' đợt', 1)[0]} đợt {n}",
                               paragraphs=paragraphs)


def article_path(n: int) -> str:
    return f"/tin-tuc/bai-{n}.html"


class BulkSite:
    """A running bulk site."""

    def __init__(self, n_articles: int, host: str = "127.0.0.1"):
        self.n = n_articles
        self.requests: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self._gate = threading.Event()
        self._gate.set()
        self._hold_after: int | None = None
        self.changed: dict[int, str] = {}
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True, name="bulk").start()

    # -- control --------------------------------------------------------------------------------
    def hold_after(self, k: int) -> None:
        """Answer k more requests, then hold every further one until `release()`."""
        with self._lock:
            self._hold_after = len(self.requests) + k
            self._gate.clear()

    def release(self) -> None:
        """Let held and future requests through."""
        self._hold_after = None
        self._gate.set()

    def add_articles(self, count: int) -> None:
        """Publish `count` new articles (they come first in the listing)."""
        self.n += count

    def stop(self) -> None:
        """Release everything and shut down."""
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "BulkSite":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def config(self, name: str = "bulk") -> dict:
        """The site as a config-mode site (crawler.sites.from_dict input)."""
        return {"name": name, "province": "Lâm Sơn", "site_name": "Sở Nội vụ tỉnh Lâm Sơn",
                "base_url": self.base_url, "cms": "unknown", "listings": ["/tin-tuc"],
                "article_url": r"/tin-tuc/bai-\d+\.html$",
                "pagination": {"style": "query", "param": "trang", "first": 1, "max_pages": 1000}}

    def article_urls(self) -> set[str]:
        """Every article URL the site publishes now."""
        return {self.base_url + article_path(n) for n in range(1, self.n + 1)}

    # -- pages ----------------------------------------------------------------------------------
    def listing(self, page: int) -> bytes:
        newest = self.n - (page - 1) * PER_PAGE
        numbers = [n for n in range(newest, newest - PER_PAGE, -1) if n >= 1]
        items = "".join(f'<li><a href="{article_path(n)}">{article(n).title}</a></li>' for n in numbers)
        pager = f'<a href="/tin-tuc?trang={page + 1}">Trang sau</a>' if numbers and newest - PER_PAGE >= 1 else ""
        return hostile._chrome(f"Tin tức - trang {page}", f'<ul class="news-list">{items}</ul>{pager}').encode()

    def article_body(self, n: int) -> bytes:
        html = hostile.article_html(article(n))
        if n in self.changed:
            html = html.replace('</div><div class="author">', f"<p>{self.changed[n]}</p></div><div class=\"author\">")
        return html.encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with site._lock:
                    site.requests.append((self.path, dict(self.headers.items())))
                    held = site._hold_after is not None and len(site.requests) > site._hold_after
                if held:
                    site._gate.wait()
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                body, conditional = None, False
                if parts.path == "/tin-tuc":
                    body = site.listing(int(query.get("trang", "1") or 1))
                elif parts.path.startswith("/tin-tuc/bai-") and parts.path.endswith(".html"):
                    digits = parts.path[len("/tin-tuc/bai-"):-len(".html")]
                    if digits.isdigit() and 1 <= int(digits) <= site.n:
                        body, conditional = site.article_body(int(digits)), True
                if body is None:
                    self.answer(404, b"<h1>404</h1>")
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if conditional and self.headers.get("If-None-Match") == etag:
                    self.answer(304, b"", {"ETag": etag})
                    return
                extra = {"ETag": etag, "Last-Modified": format_datetime(_MODIFIED, usegmt=True)} if conditional else {}
                if conditional and int(digits) % 2 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                    body = gzip.compress(body, mtime=0)  # odd articles come gzipped, as many portals send
                    extra["Content-Encoding"] = "gzip"
                    extra["Vary"] = "Accept-Encoding"
                self.answer(200, body, extra)

            def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
                try:
                    self.send_response(status)
                    if status != 304:
                        self.send_header("Content-Type", "text/html; charset=utf-8")
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def start_bulk(n_articles: int = 600) -> BulkSite:
    """Start a bulk site with `n_articles` articles on a free loopback port."""
    return BulkSite(n_articles)
