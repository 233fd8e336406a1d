"""Probes run inside a Scrapy crawl: reactor lag, responses, peak RSS (one JSON line per crawler)."""
from __future__ import annotations

import json
import resource
import time

from scrapy import signals
from twisted.internet import task

TICK = 0.05  # seconds between reactor-lag samples


class BenchProbe:
    """Scrapy extension: every TICK s, how late the reactor ran a timer (its lag); at close, write
    {site, opened, closed, responses, lag_ms: [p50, p95, p99, max], maxrss_mb} to BENCH_PROBE_FILE."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("BENCH_PROBE_FILE")
        self.lags: list[float] = []
        self.loop = None
        self.expected = 0.0
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        """Build the probe for a crawler."""
        return cls(crawler)

    def opened(self, spider) -> None:
        """Start the lag timer."""
        self.started = time.time()
        self.expected = time.perf_counter() + TICK
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK, now=False)

    def tick(self) -> None:
        """One sample: how long after its due time this call ran."""
        now = time.perf_counter()
        self.lags.append(max(0.0, now - self.expected))
        self.expected = now + TICK

    def closed(self, spider, reason) -> None:
        """Stop the timer and append this crawler's line to the probe file."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        lags = sorted(self.lags) or [0.0]
        pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))] * 1000  # noqa: E731
        stats = self.crawler.stats
        line = {"site": getattr(spider, "site_name", spider.name), "opened": self.started, "closed": time.time(),
                "responses": int(stats.get_value("downloader/response_count") or 0),
                "response_bytes": int(stats.get_value("downloader/response_bytes") or 0),
                "lag_ms": [pick(0.5), pick(0.95), pick(0.99), lags[-1] * 1000],
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "reason": reason}
        if self.path:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")


def noop_extract(body: bytes, url: str | None = None, site: dict | None = None) -> dict:
    """An extractor that does nothing (the pipeline's cost without extraction)."""
    return {"url": url, "title": None, "text": "", "relevant": False}


_POOL = None


def pooled_extract(body: bytes, url: str | None = None, site: dict | None = None) -> dict:
    """extract_html in a process pool (spawned, one worker per core): the pipeline's worker thread
    only waits, so extraction no longer holds the crawl process's GIL. An experiment for the crawl
    stage (`CCHC_EXTRACTOR=benchmarks.probes:pooled_extract`), not the project's default. Since
    the crawl extracts after the fetch, in a pool of its own, this adds nothing there."""
    global _POOL
    import multiprocessing

    if multiprocessing.current_process().daemon:
        # already in a pool worker (the crawl's extraction after the fetch, crawler.deferred),
        # which may not start processes of its own: extraction is parallel there already
        import extract

        return extract.extract_html(body, url=url, site=site)
    if _POOL is None:
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        _POOL = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"))
    import extract

    return _POOL.submit(extract.extract_html, body, url=url, site=site).result()
