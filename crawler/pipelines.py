"""The preserving pipeline: every response is written to archive.db as it arrives; article pages are
then extracted in a worker thread and their records stored.

Threading: the SQLite connection is used only from the reactor thread (save_page, save_article);
only the pure extraction function runs in a worker thread (twisted `deferToThread`).
"""
from __future__ import annotations

import importlib
import logging
from typing import Any, Callable

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from store import Archive

logger = logging.getLogger(__name__)

# One connection per database path per process, shared by every site crawled in this process.
_ARCHIVES: dict[str, list] = {}


def open_archive(path: str) -> Archive:
    """The process-wide Archive for `path` (opened on first use, reference counted)."""
    entry = _ARCHIVES.get(path)
    if entry is None:
        entry = _ARCHIVES[path] = [Archive(path), 0]
    entry[1] += 1
    return entry[0]


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


class ArchivePipeline:
    """Preserve each page item (`Archive.save_page`), extract and store article pages."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.db_path = crawler.settings.get("CCHC_DB", "archive.db")
        self.extractor_spec = crawler.settings.get("CCHC_EXTRACTOR", "extract:extract_html")
        self.archive: Archive | None = None
        self.extract: Callable[..., dict] | None = None
        self.extractor_version = ""

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
                                        site_config, page["id"], spider.site_name)

    async def close_spider(self) -> None:
        """Release the archive connection."""
        if self.archive is not None:
            release_archive(self.db_path)
            self.archive = None

    async def process_item(self, item: dict) -> dict:
        """Save the page at once; for an article page, extract in a thread and save the record."""
        stats = self.crawler.stats
        assert self.archive is not None
        page_id = self.archive.save_page(
            url=item["url"], final_url=item["final_url"], status=item["status"], headers=item["headers"],
            body=item["body"], fetched_at=item["fetched_at"], site=item["site"], kind=item["kind"])
        stats.inc_value("cchc/pages")
        stats.inc_value(f"cchc/pages/{item['kind']}")
        summary = {k: item[k] for k in ("url", "final_url", "status", "kind", "site")}
        summary["page_id"] = page_id
        if item["kind"] != "article" or self.extract is None:
            return summary
        article_id = await self.extract_and_save(item["body"], item["final_url"], item.get("site_config"),
                                                 page_id, item["site"])
        if article_id is not None:
            summary["article_id"] = article_id
        return summary

    async def extract_and_save(self, body: bytes, url: str, site_config: dict | None, page_id: int,
                               site: str) -> int | None:
        """Extract one article page in a worker thread, store the record; return the article id
        (None when extraction failed: the page stays preserved for `cchc reextract`)."""
        stats = self.crawler.stats
        assert self.archive is not None and self.extract is not None
        try:
            record = await maybe_deferred_to_future(deferToThread(self.extract, body, url=url, site=site_config))
        except Exception as exc:  # one bad page must not stop the crawl; the page is preserved
            logger.error("extraction failed for %s: %r", url, exc)
            stats.inc_value("cchc/extract_errors")
            self.crawler.spider.note_error(f"extraction failed for {url}: {exc!r}")
            return None
        if not isinstance(record, dict):
            stats.inc_value("cchc/extract_errors")
            return None
        if not record.get("url"):
            record["url"] = url
        article_id = self.archive.save_article(record, page_id=page_id, site=site,
                                               extractor_version=self.extractor_version)
        stats.inc_value("cchc/articles")
        return article_id
