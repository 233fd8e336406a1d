"""The preserving pipeline: every response is written to archive.db as it arrives (in batched
transactions, crawler.deferred.BatchWriter); article pages are then extracted and their records
stored.

Two ways to extract, with the same decisions (`store_extraction`): `crawler.run` sets
CCHC_EXTRACT_AFTER_CRAWL, so article pages are queued in the archive with their crawl context and
extracted by every core once the fetch is over (crawler.deferred); a plain `scrapy crawl portal`
extracts each page in a worker thread as it arrives (twisted `deferToThread`). The SQLite connection
is used only from the reactor thread; only the pure extraction runs in a worker thread.
"""
from __future__ import annotations

import importlib
import inspect
import json
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
        if len(entry) > 2:
            entry[2].close()  # commit the last batch of pages before the connection goes
        entry[0].close()
        del _ARCHIVES[path]


def batch_writer(path: str):
    """The BatchWriter (crawler.deferred) holding the writes of the archive open for `path`: one
    per archive, shared by every site crawled into it, committed when it is released."""
    from crawler.deferred import BatchWriter

    entry = _ARCHIVES[path]
    if len(entry) == 2:
        entry.append(BatchWriter(entry[0]))
    return entry[2]


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


def takes_context(extract: Callable[..., dict]) -> bool:
    """Does the extractor accept the crawl's `context` keyword?"""
    try:
        return "context" in inspect.signature(extract).parameters
    except (TypeError, ValueError):
        return False


def decode_and_extract(extract: Callable[..., dict], with_context: bool, body: bytes, url: str,
                       site_config: dict | None, content_type: str | None, context: Any) -> tuple[dict, Any]:
    """Decode (extract.encoding), refuse what is no article, extract: (record, decoded page).
    Pure (no archive): run in a worker thread or a worker process."""
    decoded = decode_page(body, content_type)
    if decoded.replaced:
        raise NotAnArticle(f"not an article: {decoded.replaced} undecodable bytes in every encoding tried")
    kwargs: dict[str, Any] = {"url": url, "site": site_config}
    if with_context:
        kwargs["context"] = context
    record = extract(decoded.text, **kwargs)
    if isinstance(record, dict) and soft_404(record):
        raise NotAnArticle("not an article: the page says the article does not exist (soft 404)")
    return record, decoded


def store_extraction(archive: Archive, stats: Any, counted: set[str], outcome: tuple, *, page_id: int, url: str,
                     final_url: str, site: str, version: str) -> int | None:
    """Store one extraction outcome as the crawl does; return the article id it led to (None: no
    article). `outcome` is ("ok", record, encoding, encoding source, canonical link, content
    digest), ("not article", message, digest) or ("error", message, digest); `stats` has
    `inc_value` and `note_error`; `counted` holds the article URLs this crawl of the site counted.

    One article per story: a page with exactly the bytes of an article stored under another URL,
    naming another URL of the site as canonical, or telling a story another site's article already
    tells (a SimHash near duplicate, `store.stories`), is linked to that article (article_links)."""
    kind = outcome[0]
    if kind == "not article":
        archive.set_page_kind(page_id, "other")
        _log_failure(archive, stats, url, outcome[1], site)
        stats.inc_value("cchc/not_articles")
        return None
    if kind == "error":
        logger.error("extraction failed for %s: %s", final_url, outcome[1])
        stats.inc_value("cchc/extract_errors")
        _log_failure(archive, stats, url, f"extraction failed: {outcome[1]}", site)
        stats.note_error(f"extraction failed for {final_url}: {outcome[1]}")
        return None
    _, record, encoding, source, canonical, _ = outcome
    if not isinstance(record, dict):
        stats.inc_value("cchc/extract_errors")
        return None
    same = link_same_content(archive, stats, outcome[-1], url, page_id)  # stored while this one was extracted
    if same is not None:
        return same
    archive.set_page_charset(page_id, encoding, source)
    record["url"] = record.get("url") or final_url
    near = archive.near_duplicate(record, site)
    if near is not None:  # the same story already archived from another portal: linked, not stored twice
        archive.link_article(url, near, page_id, "near duplicate")
        stats.inc_value("cchc/near_duplicates_linked")
        return near
    if canonical and canonical != record["url"] and _same_origin(canonical, final_url):
        stats.inc_value("cchc/canonical_links")
        record["url"] = canonical
    article_id = archive.save_article(record, page_id=page_id, site=site, extractor_version=version)
    if record["url"] != url:
        archive.link_article(url, article_id, page_id, "canonical")
    if record["url"] not in counted:
        counted.add(record["url"])
        stats.inc_value("cchc/articles")
    return article_id


def link_same_content(archive: Archive, stats: Any, digest: str | None, url: str, page_id: int) -> int | None:
    """When an article was stored from exactly these bytes under another URL, link `url` to it
    ("same content") and return its id; else None."""
    same = archive.article_with_content(digest, url) if digest else None
    if same is not None:
        archive.link_article(url, same, page_id, "same content")
        stats.inc_value("cchc/duplicates_linked")
    return same


def _log_failure(archive: Archive, stats: Any, url: str, error: str, site: str | None,
                 status: int | None = None) -> None:
    """A page that was fetched but is no usable article: one fetch_log row, one failure counted."""
    archive.log_fetch(url, error, site=site, status=status)
    stats.inc_value("cchc/fetch_failures")


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
        # extract after the fetch, in a process pool (crawler.deferred): what crawler.run sets
        self.extract_after = crawler.settings.getbool("CCHC_EXTRACT_AFTER_CRAWL", False)
        self.writer = None
        self._site_lists: dict[frozenset, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ArchivePipeline":
        """Build the pipeline for a crawler."""
        return cls(crawler)

    async def open_spider(self) -> None:
        """Open the archive, record the site, load the extractor."""
        spider = self.crawler.spider
        self.archive = open_archive(self.db_path)
        self.archive.save_site(spider.site_record())
        if self.extract_after:
            from crawler.deferred import ensure_queue

            ensure_queue(self.archive.db.conn)
        self.writer = batch_writer(self.db_path)
        try:
            self.extract, self.extractor_version = load_extractor(self.extractor_spec)
            self.extractor_takes_context = takes_context(self.extract)
        except (ImportError, AttributeError, ValueError) as exc:
            logger.error("extractor %s is not available (%s): article pages are preserved but not "
                         "extracted; run `cchc reextract` later", self.extractor_spec, exc)
            self.crawler.stats.inc_value("cchc/extractor_missing")
            self.extract = None
            return
        if self.extract_after:
            return  # the earlier crawl's leftovers are extracted after the fetch, before this crawl's pages
        # pages preserved by an earlier crawl that was killed before their extraction was stored
        site_config = spider.config.as_dict() if spider.config is not None else None
        for page in self.archive.unextracted_article_pages(spider.site_name):
            await self.extract_and_save(self.archive.page_body(page["id"]), page["final_url"] or page["url"],
                                        site_config, page["id"], spider.site_name, url=page["url"])

    async def close_spider(self) -> None:
        """Release the archive connection (committing the last batch when it is the last user)."""
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
            if self.writer is not None:
                self.writer.page_written()

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
        unchanged = bool(item.get("not_modified")) and item["kind"] == "article" and self.extract is not None \
            and self.archive.has_article_from(page_id)
        if unchanged:
            stats.inc_value("cchc/articles_unchanged")  # 304: the stored extraction stands
        if self.extract_after:
            extract_it = item["kind"] == "article" and self.extract is not None and not unchanged
            if extract_it or item.get("classify_context") is not None:  # a binary body is still counted
                self._queue(item, page_id, extract_it)
            return summary
        if item["kind"] != "article" or self.extract is None or unchanged:
            return summary
        article_id = await self.extract_and_save(item["body"], item["final_url"], item.get("site_config"),
                                                 page_id, item["site"], url=item["url"],
                                                 headers=item["headers"], context=item.get("context"))
        if article_id is not None:
            summary["article_id"] = article_id
        return summary

    def _queue(self, item: dict, page_id: int, extract_it: bool) -> None:
        """Queue an article page for the extraction after the fetch (crawler.deferred), in the
        page's own transaction: a page preserved is a page queued."""
        from crawler.deferred import classify_json, site_lists_json

        assert self.archive is not None
        conn = self.archive.db.conn
        classify = item.get("classify_context")
        lists_id = None
        if classify is not None and classify.get("site_lists"):
            key = frozenset(classify["site_lists"])
            lists_id = self._site_lists.get(key)
            if lists_id is None:  # the site's repeated lists change rarely: stored once each
                lists_id = self._site_lists[key] = conn.execute(
                    "INSERT INTO extract_site_lists (lists) VALUES (?)", [site_lists_json(key)]).lastrowid
        context = item.get("context")
        conn.execute("INSERT INTO extract_queue (page_id, site, url, context, extract, classify, site_lists) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [page_id, item["site"], item["url"],
                      json.dumps(context, ensure_ascii=False, default=str) if context else None, int(extract_it),
                      classify_json(classify, lists_id) if classify is not None else None, lists_id])
        if extract_it:
            self.crawler.stats.inc_value("cchc/queued_for_extraction")

    def _log(self, url: str, error: str, site: str | None = None, status: int | None = None) -> None:
        """A page that was fetched but is no usable article: one fetch_log row, one failure counted."""
        assert self.archive is not None
        _log_failure(self.archive, self.crawler.stats, url, error, site, status)

    async def extract_and_save(self, body: bytes, final_url: str, site_config: dict | None, page_id: int,
                               site: str, url: str | None = None, headers: dict | None = None,
                               context: Any = None) -> int | None:
        """Extract one article page in a worker thread, store the record (`store_extraction`);
        return the article id (None when it is no article or extraction failed: the page stays
        preserved either way)."""
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
        same = link_same_content(self.archive, stats, digest, url, page_id)
        if same is not None:
            return same

        def work() -> tuple:
            try:
                record, decoded = decode_and_extract(self.extract, self.extractor_takes_context, body, final_url,
                                                     site_config, content_type, context)
            except NotAnArticle as exc:
                return ("not article", str(exc), None)
            except Exception as exc:  # one bad page must not stop the crawl; the page is preserved
                return ("error", repr(exc), None)
            return ("ok", record, decoded.encoding, decoded.source, canonical_link(decoded.text, final_url), digest)

        outcome = await maybe_deferred_to_future(deferToThread(work))
        return store_extraction(self.archive, _SpiderStats(self.crawler), self.counted, outcome, page_id=page_id,
                                url=url, final_url=final_url, site=site, version=self.extractor_version)


class _SpiderStats:
    """The crawler's stats with the spider's `note_error` (what `store_extraction` counts into)."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    def inc_value(self, key: str, n: int = 1) -> None:
        """Add `n` to a Scrapy stat."""
        self.crawler.stats.inc_value(key, n)

    def note_error(self, message: str) -> None:
        """An error for the crawl report."""
        self.crawler.spider.note_error(message)


def _declared_html(headers: dict | None) -> bool:
    for name, values in (headers or {}).items():
        if name.lower() == "content-type":
            return any("html" in str(v).lower() for v in (values if isinstance(values, list) else [values]))
    return False


def _same_origin(a: str, b: str) -> bool:
    from crawler.middlewares import same_site

    return same_site(a, b)
