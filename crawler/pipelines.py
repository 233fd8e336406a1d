"""The preserving pipeline: every response is written to archive.db as it arrives; article pages are
then extracted in a worker thread and their records stored.

Threading: the SQLite connection is used only from the reactor thread (save_page, save_article);
only the pure extraction function runs in a worker thread (twisted `deferToThread`).
"""
from __future__ import annotations

import importlib
import inspect
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from extract.encoding import decode_page
from extract.normalize import fold
from store import Archive, content_hash
from store.lock import acquire as acquire_crawl_lock

logger = logging.getLogger(__name__)

# One connection per database path per process, shared by every site crawled in this process.
_ARCHIVES: dict[str, list] = {}


def open_archive(path: str) -> Archive:
    """The process-wide Archive for `path` (opened on first use, reference counted)."""
    entry = _ARCHIVES.get(path)
    if entry is None:
        acquire_crawl_lock(path)  # one crawl per archive (a no-op when crawler.run already holds it)
        entry = _ARCHIVES[path] = [Archive(path), 0]
    entry[1] += 1
    return entry[0]


def current_archive(path: str) -> Archive:
    """The Archive the pipeline has open for `path` (opened here if it is not yet)."""
    entry = _ARCHIVES.get(path)
    return entry[0] if entry is not None else open_archive(path)


def release_archive(path: str) -> None:
    """Drop one reference to the Archive for `path`; close it when nobody uses it."""
    entry = _ARCHIVES.get(path)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        entry[0].close()
        del _ARCHIVES[path]


def load_extractor(spec: str) -> tuple[Callable[..., dict], str]:
    """Import "module:function" (or "module.function"); return the function and its module's
    `__version__` (or the package's, or "")."""
    module_name, _, func_name = spec.partition(":") if ":" in spec else spec.rpartition(".")
    module = importlib.import_module(module_name)
    func = getattr(module, func_name)
    version = getattr(module, "__version__", None)
    if version is None and "." in module_name:
        version = getattr(importlib.import_module(module_name.split(".")[0]), "__version__", None)
    return func, str(version or "")


NOT_FOUND_PHRASES = Path(__file__).parent / "data" / "not_found_phrases.txt"
SOFT_404_MAX_TEXT = 600   # an article that merely quotes "không tồn tại" is longer than this
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"RIFF", b"\x1f\x8b")
_CANONICAL = re.compile(r"""<link\b[^>]*\brel=["']?canonical["']?[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref=["']?([^"'\s>]+)""", re.I)


@lru_cache(maxsize=1)
def not_found_phrases() -> tuple[str, ...]:
    """The folded soft-404 phrases (crawler/data/not_found_phrases.txt)."""
    lines = NOT_FOUND_PHRASES.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def binary_body(body: bytes) -> bool:
    """Is the body a file (image, PDF, archive …) whatever its Content-Type says?"""
    head = body[:1024]
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


def soft_404(record: dict) -> bool:
    """Does an extracted page say, in its title or opening, that the article does not exist?"""
    text = record.get("text") or ""
    if len(text) > SOFT_404_MAX_TEXT:
        return False
    head = fold(f"{record.get('title') or ''} {text[:300]}")
    return any(phrase in head for phrase in not_found_phrases())


def canonical_link(html: str, url: str) -> str | None:
    """The absolute <link rel=canonical> of a page (first 64 kB), or None."""
    m = _CANONICAL.search(html[:65536])
    href = _HREF.search(m.group(0)) if m else None
    return urljoin(url, href.group(1).strip()) if href else None


class NotAnArticle(Exception):
    """An article-shaped page that is not an article (binary, undecodable, a soft 404)."""


class ArchivePipeline:
    """Preserve each page item (`Archive.save_page`), extract and store article pages."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.db_path = crawler.settings.get("CCHC_DB", "archive.db")
        self.extractor_spec = crawler.settings.get("CCHC_EXTRACTOR", "extract:extract_html")
        self.archive: Archive | None = None
        self.extract: Callable[..., dict] | None = None
        self.extractor_version = ""
        self.extractor_takes_context = False
        self.counted: set[str] = set()   # article URLs stored by this crawl (a canonical copy is no second)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ArchivePipeline":
        """Build the pipeline for a crawler."""
        return cls(crawler)

    async def open_spider(self) -> None:
        """Open the archive, record the site, load the extractor."""
        spider = self.crawler.spider
        self.archive = open_archive(self.db_path)
        self.archive.save_site(spider.site_record())
        try:
            self.extract, self.extractor_version = load_extractor(self.extractor_spec)
            try:
                self.extractor_takes_context = "context" in inspect.signature(self.extract).parameters
            except (TypeError, ValueError):
                self.extractor_takes_context = False
        except (ImportError, AttributeError, ValueError) as exc:
            logger.error("extractor %s is not available (%s): article pages are preserved but not "
                         "extracted; run `cchc reextract` later", self.extractor_spec, exc)
            self.crawler.stats.inc_value("cchc/extractor_missing")
            self.extract = None
            return
        # pages preserved by an earlier crawl that was killed before their extraction was stored
        site_config = spider.config.as_dict() if spider.config is not None else None
        for page in self.archive.unextracted_article_pages(spider.site_name):
            await self.extract_and_save(self.archive.page_body(page["id"]), page["final_url"] or page["url"],
                                        site_config, page["id"], spider.site_name, url=page["url"])

    async def close_spider(self) -> None:
        """Release the archive connection."""
        if self.archive is not None:
            release_archive(self.db_path)
            self.archive = None

    async def process_item(self, item: dict) -> dict:
        """Save the page at once; for an article page, extract in a thread and save the record.
        Then tell a resumable crawl's frontier that the page is stored."""
        try:
            return await self._process_item(item)
        finally:
            frontier = getattr(self.crawler, "cchc_frontier", None)
            if frontier is not None:
                frontier.item_done(item.get("frontier_key"))

    async def _process_item(self, item: dict) -> dict:
        stats = self.crawler.stats
        assert self.archive is not None
        if item["kind"] in ("article", "listing") or _declared_html(item["headers"]):
            if binary_body(item["body"]):
                item = {**item, "kind": "other"}
                self._log(item["url"], "not an article: a binary body served as a page",
                                       site=item["site"], status=item["status"])
                stats.inc_value("cchc/not_articles")
        page_id = self.archive.save_page(
            url=item["url"], final_url=item["final_url"], status=item["status"], headers=item["headers"],
            body=item["body"], fetched_at=item["fetched_at"], site=item["site"], kind=item["kind"],
            wire_body=item.get("wire_body"), wire_headers=item.get("wire_headers"))
        stats.inc_value("cchc/pages")
        stats.inc_value(f"cchc/pages/{item['kind']}")
        summary = {k: item[k] for k in ("url", "final_url", "status", "kind", "site")}
        summary["page_id"] = page_id
        if item["kind"] != "article" or self.extract is None:
            return summary
        if item.get("not_modified") and self.archive.has_article_from(page_id):
            stats.inc_value("cchc/articles_unchanged")  # 304: the stored extraction stands
            return summary
        article_id = await self.extract_and_save(item["body"], item["final_url"], item.get("site_config"),
                                                 page_id, item["site"], url=item["url"],
                                                 headers=item["headers"], context=item.get("context"))
        if article_id is not None:
            summary["article_id"] = article_id
        return summary

    def _log(self, url: str, error: str, site: str | None = None, status: int | None = None) -> None:
        """A page that was fetched but is no usable article: one fetch_log row, one failure counted."""
        assert self.archive is not None
        self.archive.log_fetch(url, error, site=site, status=status)
        self.crawler.stats.inc_value("cchc/fetch_failures")

    def _decode_and_extract(self, body: bytes, url: str, site_config: dict | None, content_type: str | None,
                            context: Any) -> tuple[dict, Any]:
        """Worker thread: decode (extract.encoding), refuse what is no article, extract."""
        assert self.extract is not None
        decoded = decode_page(body, content_type)
        if decoded.replaced:
            raise NotAnArticle(f"not an article: {decoded.replaced} undecodable bytes in every encoding tried")
        kwargs: dict[str, Any] = {"url": url, "site": site_config}
        if self.extractor_takes_context:
            kwargs["context"] = context
        record = self.extract(decoded.text, **kwargs)
        if isinstance(record, dict) and soft_404(record):
            raise NotAnArticle("not an article: the page says the article does not exist (soft 404)")
        return record, decoded

    async def extract_and_save(self, body: bytes, final_url: str, site_config: dict | None, page_id: int,
                               site: str, url: str | None = None, headers: dict | None = None,
                               context: Any = None) -> int | None:
        """Extract one article page in a worker thread, store the record; return the article id
        (None when it is no article or extraction failed: the page stays preserved either way).

        One article per story: a page with exactly the bytes of an article stored under another URL,
        naming another URL of the site as canonical, or telling a story another site's article already
        tells (a SimHash near duplicate, `store.stories`), is linked to that article (article_links)."""
        stats = self.crawler.stats
        assert self.archive is not None and self.extract is not None
        url = url or final_url
        content_type = None
        for name, values in (headers or {}).items():
            if name.lower() == "content-type" and values:
                content_type = values[0] if isinstance(values, list) else values
        if headers is None:
            content_type = self.archive.page_content_type(page_id)
        digest = content_hash(body)
        same = self.archive.article_with_content(digest, url)
        if same is not None:
            self.archive.link_article(url, same, page_id, "same content")
            stats.inc_value("cchc/duplicates_linked")
            return same
        try:
            record, decoded = await maybe_deferred_to_future(deferToThread(
                self._decode_and_extract, body, final_url, site_config, content_type, context))
        except NotAnArticle as exc:
            self.archive.set_page_kind(page_id, "other")
            self._log(url, str(exc), site=site)
            stats.inc_value("cchc/not_articles")
            return None
        except Exception as exc:  # one bad page must not stop the crawl; the page is preserved
            logger.error("extraction failed for %s: %r", final_url, exc)
            stats.inc_value("cchc/extract_errors")
            self._log(url, f"extraction failed: {exc!r}", site=site)
            self.crawler.spider.note_error(f"extraction failed for {final_url}: {exc!r}")
            return None
        if not isinstance(record, dict):
            stats.inc_value("cchc/extract_errors")
            return None
        same = self.archive.article_with_content(digest, url)  # stored while this one was extracted
        if same is not None:
            self.archive.link_article(url, same, page_id, "same content")
            stats.inc_value("cchc/duplicates_linked")
            return same
        self.archive.set_page_charset(page_id, decoded.encoding, decoded.source)
        record["url"] = record.get("url") or final_url
        near = self.archive.near_duplicate(record, site)
        if near is not None:  # the same story already archived from another portal: linked, not stored twice
            self.archive.link_article(url, near, page_id, "near duplicate")
            stats.inc_value("cchc/near_duplicates_linked")
            return near
        canonical = canonical_link(decoded.text, final_url)
        if canonical and canonical != record["url"] and _same_origin(canonical, final_url):
            stats.inc_value("cchc/canonical_links")
            record["url"] = canonical
        article_id = self.archive.save_article(record, page_id=page_id, site=site,
                                               extractor_version=self.extractor_version)
        if record["url"] != url:
            self.archive.link_article(url, article_id, page_id, "canonical")
        if record["url"] not in self.counted:
            self.counted.add(record["url"])
            stats.inc_value("cchc/articles")
        return article_id


def _declared_html(headers: dict | None) -> bool:
    for name, values in (headers or {}).items():
        if name.lower() == "content-type":
            return any("html" in str(v).lower() for v in (values if isinstance(values, list) else [values]))
    return False


def _same_origin(a: str, b: str) -> bool:
    from crawler.middlewares import same_site

    return same_site(a, b)
