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


def crawl_wall_compare(size: int = 10000, crawl_articles: int = 3000, repeats: int = 1, seed: int = 1) -> dict:
    """Bare spider, pipeline and no-op pipeline on the large replay (alternated `repeats` times),
    with both rates: the probe's (responses over the spiders' open-to-close time: the fetch) and
    the end-to-end one (responses over the wall time of the whole `crawl()` call, which since the
    crawl extracts after the fetch includes the extraction phase). Ratios are against the bare
    spider of the same run. `python -c "from benchmarks.probes import crawl_wall_compare as c; c()"`."""
    import sys
    import tempfile
    from pathlib import Path
    from statistics import median

    from benchmarks.run import LargeReplay, crawl_configs, run_bare, run_pipeline
    from replay.large import split_sizes

    replay = LargeReplay(size, seed)
    runs: dict[str, list[dict]] = {"bare": [], "pipeline": [], "pipeline_noop": []}
    try:
        configs = crawl_configs(replay, split_sizes(size), crawl_articles)
        with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
            for _ in range(repeats):
                runs["bare"].append(run_bare(configs, Path(tmp)))
                runs["pipeline"].append(run_pipeline(configs, Path(tmp)))
                runs["pipeline_noop"].append(run_pipeline(configs, Path(tmp), "benchmarks.probes:noop_extract"))
                print({k: (round(v[-1]["pages_per_s"], 1), round(v[-1]["wall_s"], 1)) for k, v in runs.items()},
                      file=sys.stderr, flush=True)
    finally:
        replay.stop()
    out: dict = {"runs": runs}
    for name, rs in runs.items():
        out[name] = {"fetch_pages_per_s": median(r["pages_per_s"] for r in rs),
                     "wall_pages_per_s": median(r["responses"] / r["wall_s"] for r in rs),
                     "lag_p95_ms": median(r["lag_p95_ms"] for r in rs)}
    for name in ("pipeline", "pipeline_noop"):
        out[f"ratio_{name}_fetch"] = out[name]["fetch_pages_per_s"] / out["bare"]["fetch_pages_per_s"]
        out[f"ratio_{name}_wall"] = out[name]["wall_pages_per_s"] / out["bare"]["wall_pages_per_s"]
    print(json.dumps({k: v for k, v in out.items() if k != "runs"}, indent=1))
    return out
