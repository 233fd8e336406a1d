"""A crawl frontier kept in the archive itself, so a killed crawl resumes without losing a URL.

Scrapy's JOBDIR writes "seen" (requests.seen) and "queued" (the disk queues) to different files at
different moments: after kill -9, a URL can be seen but no longer queued, and is then never fetched.
Here both states are rows of one table, `frontier`, on the archive's own SQLite connection:

- a request is scheduled: a `queued` row (the request serialised) — the same row is what makes
  the URL "seen";
- its response has been preserved (the page item went through the pipeline) and its links were
  scheduled: the row becomes `done`.

Rows reach the disk with the transaction that commits the next page, so the order on disk is the
order of events: a page's links are committed no later than the page's own `done` mark. Killed at
any instant, the archive holds either a request still `queued` (fetched again on resume; pages and
articles are idempotent, so nothing is stored twice) or `done` with everything it led to queued.

`FrontierScheduler` is the Scrapy scheduler for it (crawler.run sets it for `--jobdir`); the job is
named by CCHC_JOB. A job that finishes cleanly is cleared, so the next run crawls afresh.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import pickle
from typing import Any

from scrapy import Request
from scrapy.utils.request import request_from_dict

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    url TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued',
    request BLOB,
    UNIQUE (job, fingerprint)
);
CREATE INDEX IF NOT EXISTS frontier_job_state ON frontier (job, state);
"""


class FrontierScheduler:
    """Scrapy scheduler: a priority queue in memory, mirrored row by row in the archive's
    `frontier` table (see the module docstring). Duplicate filtering is by request fingerprint
    against every row of the job, queued or done."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.job = crawler.settings.get("CCHC_JOB") or ""
        self.db_path = crawler.settings.get("CCHC_DB", "archive.db")
        self.fingerprinter = crawler.request_fingerprinter
        self.archive = None
        self.seen: set[str] = set()
        self.heap: list[tuple[int, int, Request]] = []
        self.counter = itertools.count()
        self.resumed = 0
        self._waiting: dict[str, int] = {}
        self._requests: dict[str, Request] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "FrontierScheduler":
        """Build the scheduler for a crawler."""
        return cls(crawler)

    # -- life cycle ---------------------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        """Load the job's queued requests (what an interrupted run left) and its seen fingerprints."""
        from crawler.pipelines import open_archive

        self.spider = spider
        self.archive = open_archive(self.db_path)
        conn = self.archive.db.conn
        conn.executescript(SCHEMA)
        crawler = self.crawler
        crawler.cchc_frontier = self
        for fingerprint, state, blob, priority in conn.execute(
                "SELECT fingerprint, state, request, priority FROM frontier WHERE job = ? ORDER BY seq", [self.job]):
            self.seen.add(fingerprint)
            if state != "queued" or blob is None:
                continue
            try:
                request = request_from_dict(pickle.loads(blob), spider=spider)
            except Exception as exc:  # a callback renamed since: fetch it fresh from the listings instead
                logger.warning("cannot resume a queued request (%r); it is dropped", exc)
                continue
            request.meta["cchc_fp"] = fingerprint
            heapq.heappush(self.heap, (-priority, next(self.counter), request))
            self.resumed += 1
        self.stats.set_value("cchc/resumed", self.resumed)
        self.stats.set_value("cchc/resumed_seen", len(self.seen))
        if self.resumed:
            logger.info("resuming job %s: %d queued requests, %d URLs seen", self.job, self.resumed, len(self.seen))

    def close(self, reason: str) -> None:
        """Commit; a job that finished cleanly is cleared (its work is in the archive)."""
        from crawler.pipelines import release_archive

        if self.archive is None:
            return
        conn = self.archive.db.conn
        if reason == "finished" and not self.heap:
            conn.execute("DELETE FROM frontier WHERE job = ?", [self.job])
        conn.commit()
        release_archive(self.db_path)
        self.archive = None

    # -- queue ----------------------------------------------------------------------------------------
    def has_pending_requests(self) -> bool:
        """Are requests waiting?"""
        return bool(self.heap)

    def __len__(self) -> int:
        return len(self.heap)

    def enqueue_request(self, request: Request) -> bool:
        """Queue a request unless its fingerprint was seen (dont_filter requests always queue)."""
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        if fingerprint in self.seen and not request.dont_filter:
            self.stats.inc_value("dupefilter/filtered")
            return False
        request.meta.setdefault("cchc_fp", fingerprint)
        if fingerprint not in self.seen:
            self.seen.add(fingerprint)
            try:
                blob = pickle.dumps(request.to_dict(spider=self.spider), protocol=4)
            except Exception:  # an unpicklable meta value: queued in memory only
                blob = None
            assert self.archive is not None
            self.archive.db.conn.execute(
                "INSERT OR IGNORE INTO frontier (job, fingerprint, url, priority, state, request) "
                "VALUES (?, ?, ?, ?, 'queued', ?)", [self.job, fingerprint, request.url, request.priority, blob])
        heapq.heappush(self.heap, (-request.priority, next(self.counter), request))
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        """The highest-priority queued request (first come, first served within a priority)."""
        if not self.heap:
            return None
        self.stats.inc_value("scheduler/dequeued")
        return heapq.heappop(self.heap)[2]

    # Scrapy processes a callback's output in parallel tasks: the callback's generator is exhausted
    # before its item has passed the pipeline. A request is done only when both happened: its
    # output was produced (its links are then being scheduled; request scheduling is synchronous
    # and the page item waits on the pipeline, so the links are in before the item is through) and
    # its page item was stored.
    def output_done(self, request: Request, items: int) -> None:
        """The callback of `request` has produced all its output, `items` page items among it."""
        key = self._key(request)
        waiting = self._waiting.pop(key, 0) + items
        if waiting <= 0:
            self._mark_done(request)
        else:
            self._waiting[key] = waiting
            self._requests[key] = request

    def item_done(self, key: str | None) -> None:
        """A page item of the request keyed `key` (see `item_key`) has been stored."""
        if not key:
            return
        waiting = self._waiting.get(key, 0) - 1
        if waiting == 0 and key in self._requests:
            del self._waiting[key]
            self._mark_done(self._requests.pop(key))
        else:
            self._waiting[key] = waiting

    def item_key(self, request: Request) -> str:
        """The key a page item carries back to `item_done`."""
        return self._key(request)

    def _key(self, request: Request) -> str:
        return request.meta.get("cchc_fp") or self.fingerprinter.fingerprint(request).hex()

    def _mark_done(self, request: Request) -> None:
        """Mark a request (and the one it was redirected or retried from) done; written with the
        next commit, after the page and the links it led to."""
        if self.archive is None:
            return
        fingerprints = {self.fingerprinter.fingerprint(request).hex(), request.meta.get("cchc_fp")}
        self.archive.db.conn.executemany(
            "UPDATE frontier SET state = 'done', request = NULL WHERE job = ? AND fingerprint = ?",
            [[self.job, fp] for fp in fingerprints if fp])
