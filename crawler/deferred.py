"""Extraction after the fetch: the crawl's reactor only fetches, follows links and preserves; the
article pages it preserved are extracted by every core once the fetch is over.

Why: extraction in the reactor process (a worker thread) held the GIL, so the reactor lagged by
seconds and the crawl fetched at a fifth of a bare spider's rate (benchmarks/RESULTS_NOTES.md).
Nothing the spider decides depends on an extraction: links are followed and pages classified
(crawler.discovery.classify) from the fetched page itself; soft 404s, same-content copies,
near-duplicate stories and canonical links are decisions about what to *store*, made here in the
order the pages were preserved, exactly as the pipeline makes them inline (`store_extraction`).

- While crawling, `ArchivePipeline` (with CCHC_EXTRACT_AFTER_CRAWL, set by crawler.run) writes
  each article page to `extract_queue` with what the crawl knew about it (its link context), in
  the same transaction as the page (`BatchWriter`: one commit per BATCH_PAGES pages or
  BATCH_SECONDS). A kill -9 loses only what was not yet committed, and then loses it whole: the
  page, its queue row and its frontier `done` mark go together, so a resumed job fetches it again.
- After the fetch (`extract_queued`): the queue is extracted in a process pool
  (`store.reextract.map_pages`, results in queue order) and stored by this process, one
  transaction per `store.reextract.BATCH` pages, each batch deleting its queue rows. A kill during
  this phase leaves the rest queued; the next crawl of the site extracts it first. An empty
  queue is dropped, so a finished crawl leaves no bookkeeping table in the published archive.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable

from store import content_hash

logger = logging.getLogger(__name__)

BATCH_PAGES = 200      # pages per crawl transaction
BATCH_SECONDS = 0.5    # ... or this long, whichever comes first
CHUNK_FOR_POOL = 128   # fewer queued pages are extracted in this process (a pool costs more)

SCHEMA = """
CREATE TABLE IF NOT EXISTS extract_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    page_id INTEGER NOT NULL,
    site TEXT,
    url TEXT NOT NULL,
    context TEXT,
    extract INTEGER NOT NULL DEFAULT 1,
    classify TEXT,
    site_lists INTEGER
);
CREATE TABLE IF NOT EXISTS extract_site_lists (id INTEGER PRIMARY KEY, lists TEXT NOT NULL);
"""


def classify_json(context: dict, lists_id: int | None) -> str:
    """The JSON of a config-mode article's classification context (what
    crawler.discovery.classify reads), without its site lists (stored once, `lists_id`)."""
    keep = {k: context[k] for k in ("link_text", "from_listing", "shared_shape", "site_title") if k in context}
    return json.dumps(keep, ensure_ascii=False)


def site_lists_json(lists: set) -> str:
    """The site's repeated link lists (a set of URL frozensets) as JSON."""
    return json.dumps(sorted(sorted(sig) for sig in lists), ensure_ascii=False)


def _classify_context(classify: str | None, lists: str | None) -> dict | None:
    if classify is None:
        return None
    context = json.loads(classify)
    context["site_lists"] = {frozenset(sig) for sig in json.loads(lists)} if lists else set()
    return context


def ensure_queue(conn) -> None:
    """Create the `extract_queue` table if the archive has none yet."""
    conn.executescript(SCHEMA)


class BatchWriter:
    """Holds the archive's writes in one open transaction and commits it every BATCH_PAGES pages
    or BATCH_SECONDS (a reactor timer), and on `close`."""

    def __init__(self, archive: Any):
        self.archive = archive
        self.pending = 0
        self.last = time.monotonic()
        self._cm = None
        self._loop = None
        self._begin()
        try:
            from twisted.internet import task

            self._loop = task.LoopingCall(self._tick)
            self._loop.start(BATCH_SECONDS, now=False)
        except Exception:  # no reactor (a unit test driving the pipeline by hand): count-based only
            self._loop = None

    def _begin(self) -> None:
        self._cm = self.archive.batch()
        self._cm.__enter__()

    def page_written(self) -> None:
        """One page is in the transaction; commit when the batch is full."""
        self.pending += 1
        if self.pending >= BATCH_PAGES:
            self.flush()

    def _tick(self) -> None:
        if self.pending and time.monotonic() - self.last >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Commit what was written so far and open the next batch."""
        self._cm.__exit__(None, None, None)
        self.pending = 0
        self.last = time.monotonic()
        self._begin()

    def close(self) -> None:
        """Commit and stop batching."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._cm is not None:
            self._cm.__exit__(None, None, None)
            self._cm = None


# -- worker side (a forked process of store.reextract.map_pages) -----------------------------------
def extract_chunk(state: dict, rows: list[tuple]) -> list[tuple]:
    """[(seq, outcome, kind)] for queued pages [(seq, page_id, url, final_url, site, content_type,
    context, extract?, classification context, site lists)]. Outcome: ("ok", record, encoding,
    encoding source, canonical link, digest), ("not article", message, digest), ("error",
    message, digest), or None for a page only to classify; kind: what
    crawler.discovery.classify takes the page for (None when it was not asked)."""
    from crawler.pipelines import NotAnArticle, canonical_link, decode_and_extract

    codec, extract, takes_context, configs = state["codec"], state["extract"], state["takes_context"], state["configs"]
    from crawler.discovery import classify

    out = []
    for seq, page_id, url, final_url, site, content_type, context, extract_it, classify_ctx, lists in rows:
        digest = None
        try:
            body = codec.read(page_id)
            digest = content_hash(body)
            kind = None
            if classify_ctx is not None:
                kind = classify(body, final_url or url, _classify_context(classify_ctx, lists)).kind
            if not extract_it:
                out.append((seq, None, kind))
                continue
            record, decoded = decode_and_extract(extract, takes_context, body, final_url or url, configs.get(site),
                                                 content_type, json.loads(context) if context else None)
            canonical = canonical_link(decoded.text, final_url or url)
            out.append((seq, ("ok", record, decoded.encoding, decoded.source, canonical, digest), kind))
        except NotAnArticle as exc:
            out.append((seq, ("not article", str(exc), digest), kind))
        except Exception as exc:  # one bad page must not stop the rest; it stays preserved
            out.append((seq, ("error", repr(exc), digest), kind))
    return out


def init_worker(state: dict, extractor: str, configs: dict) -> None:
    """Load the extractor into a worker's state."""
    from crawler.pipelines import load_extractor, takes_context

    state["extract"], _ = load_extractor(extractor)
    state["takes_context"] = takes_context(state["extract"])
    state["configs"] = configs


# -- the extraction phase --------------------------------------------------------------------------
class SiteStats:
    """The `inc_value` / errors of a finished crawler's stats dict (crawler.run's `collected`)."""

    def __init__(self, stats: dict):
        self.stats = stats

    def inc_value(self, key: str, n: int = 1) -> None:
        """Add `n` to a counter."""
        self.stats[key] = int(self.stats.get(key) or 0) + n

    def note_error(self, message: str, limit: int = 50) -> None:
        """Count an error and keep its message (the first `limit`), as PortalSpider.note_error."""
        self.inc_value("cchc/errors")
        messages = list(self.stats.get("cchc/messages") or [])
        if len(messages) < limit:
            messages.append(message)
        self.stats["cchc/messages"] = messages


def pending(conn, sites: list[str]) -> list[tuple]:
    """Queued pages of `sites` in crawl order: first the article pages an earlier crawl preserved
    without queueing or extracting them (no article row, no queue row), then the queue."""
    ensure_queue(conn)
    marks = ",".join("?" * len(sites))
    older = conn.execute(
        "SELECT NULL, p.id, p.url, p.final_url, p.site, p.content_type, NULL, 1, NULL, NULL FROM pages p "
        f"WHERE p.kind = 'article' AND p.site IN ({marks}) AND p.id IN "
        f"(SELECT max(id) FROM pages WHERE kind = 'article' AND site IN ({marks}) GROUP BY url) "
        "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.page_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM extract_queue q WHERE q.page_id = p.id) "
        "AND p.url NOT IN (SELECT url FROM article_links) ORDER BY p.id", [*sites, *sites]).fetchall()
    queued = conn.execute(
        "SELECT q.seq, q.page_id, q.url, p.final_url, q.site, p.content_type, q.context, q.extract, q.classify, "
        "l.lists FROM extract_queue q JOIN pages p ON p.id = q.page_id "
        "LEFT JOIN extract_site_lists l ON l.id = q.site_lists "
        f"WHERE q.site IN ({marks}) ORDER BY q.seq", sites).fetchall()
    return older + queued


def extract_queued(db_path: str, site_configs: dict[str, dict | None], site_stats: dict[str, dict],
                   extractor: str = "extract:extract_html", workers: int | None = None,
                   announce: Callable[[str], None] | None = None) -> dict:
    """Extract and store every queued page of the sites in `site_configs` ({name: config dict or
    None}); count into each site's stats dict in `site_stats` as the pipeline's inline path does.
    Returns {"pages": n queued, "articles": n stored, "seconds": s}."""
    from crawler.pipelines import link_same_content, load_extractor, store_extraction
    from store import Archive
    from store.reextract import BATCH, map_pages

    started = time.perf_counter()
    try:
        _, version = load_extractor(extractor)
    except (ImportError, AttributeError, ValueError) as exc:
        logger.error("extractor %s is not available (%s): queued pages stay queued", extractor, exc)
        return {"pages": 0, "articles": 0, "seconds": 0.0}
    archive = Archive(db_path)
    stored = 0
    try:
        rows = pending(archive.db.conn, list(site_configs))
        if not rows:
            return {"pages": 0, "articles": 0, "seconds": time.perf_counter() - started}
        to_extract = sum(1 for row in rows if row[7])
        if announce and to_extract:
            announce(f"extracting {to_extract} preserved pages")
        counted: dict[str, set] = {site: set() for site in site_configs}
        by_seq = {}
        done: list = []

        def store_batch(results: list[tuple]) -> None:
            nonlocal stored
            with archive.batch():
                for row, outcome, kind in results:
                    seq, page_id, url, final_url, site = row[:5]
                    stats = SiteStats(site_stats.setdefault(site, {}))
                    if kind is not None:  # PortalSpider.note_item_kind, deferred
                        stats.inc_value("cchc/item_pages")
                        stats.inc_value(f"cchc/item_pages/{kind}")
                    if outcome is None:
                        pass
                    elif link_same_content(archive, stats, outcome[-1], url, page_id) is not None:
                        stored += 1
                    elif store_extraction(archive, stats, counted.setdefault(site, set()), outcome, page_id=page_id,
                                        url=url, final_url=final_url or url, site=site, version=version) is not None:
                        stored += 1
                    if seq is not None:
                        archive.db.conn.execute("DELETE FROM extract_queue WHERE seq = ?", [seq])

        for i, row in enumerate(rows):
            by_seq[i] = row
        tasks = [(i, *row[1:]) for i, row in enumerate(rows)]
        for key, outcome, kind in map_pages(str(db_path), tasks, "crawler.deferred:extract_chunk",
                                      "crawler.deferred:init_worker", (extractor, site_configs),
                                              workers=workers if len(rows) > CHUNK_FOR_POOL else 1,
                                              start_method="spawn"):  # a fork would copy the reactor's threads' locks
            done.append((by_seq[key], outcome, kind))
            if len(done) >= BATCH:
                store_batch(done)
                done = []
        store_batch(done)
        return {"pages": to_extract, "articles": stored, "seconds": time.perf_counter() - started}
    finally:
        with archive.db.conn:
            conn = archive.db.conn
            if conn.execute("SELECT count(*) FROM extract_queue").fetchone()[0] == 0:
                # nothing left to extract: the published archive keeps no crawl bookkeeping
                conn.execute("DROP TABLE extract_queue")
                conn.execute("DROP TABLE extract_site_lists")
            else:  # the site lists no queued page refers to any more
                conn.execute("DELETE FROM extract_site_lists WHERE id NOT IN "
                             "(SELECT site_lists FROM extract_queue WHERE site_lists IS NOT NULL)")
        archive.close()


# -- what the crawl is doing, for `cchc crawl`'s progress line (cchc.progress reads it) --------------
PHASE_SCHEMA = "CREATE TABLE IF NOT EXISTS crawl_phase (id INTEGER PRIMARY KEY CHECK (id = 1), phase TEXT, since TEXT)"


def set_phase(db_path: str, phase: str) -> None:
    """Record the phase a crawl is in (e.g. "extracting 120 preserved pages")."""
    import sqlite3

    from store import utc_now

    conn = sqlite3.connect(db_path, timeout=30)
    try:
        with conn:
            conn.execute(PHASE_SCHEMA)
            conn.execute("INSERT OR REPLACE INTO crawl_phase (id, phase, since) VALUES (1, ?, ?)", [phase, utc_now()])
    finally:
        conn.close()


def clear_phase(db_path: str) -> None:
    """The crawl is no longer in a phase of its own."""
    import sqlite3

    conn = sqlite3.connect(db_path, timeout=30)
    try:
        with conn:
            conn.execute("DROP TABLE IF EXISTS crawl_phase")
    finally:
        conn.close()
