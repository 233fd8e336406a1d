"""Every stage at archive size, each measured against its peer in the same run.

    .venv/bin/python -m benchmarks.run --size 10000            # about 15 min on 2 cores
    .venv/bin/python -m benchmarks.run --size 200000 --full    # the issue's full sizes (hours)

Stages (each prints its figures and ratios, then benchmarks/RESULTS.md is rewritten from every
result file in benchmarks/results/):
- server:   the large replay (replay/large.py) alone, keep-alive clients: it must not be the limit;
- crawl:    `crawler.run.crawl` (fetch + preserve, then extract + store) vs a bare Scrapy spider (CSS
            only) on the same loopback sites, settings and concurrency, end to end and fetch phase alone,
            plus the pipeline with a no-op extractor;
            reactor lag and peak RSS from a probe extension;
- extract:  `extract.extract_html` vs `trafilatura.extract` on the same pages (pages/s, ratio), with
            the title/date/relevance agreement against the replay's truth and a profile;
- preserve: every page of the replay saved through `Archive.save_page`; the same bytes as zlib per
            page, WARC.gz (warcio) and one solid zstd stream, for the size ratios;
- reextract: `store.reextract` on every core over the whole archive (pages/s, peak RSS);
- bytes:    archive.db after VACUUM per table (dbstat) / raw HTML bytes; FTS variants measured;
- serve:    Datasette on the re-extracted archive over HTTP from this process: latency and peak RSS;
- search:   publish's benchmarks/bench_search.py at the same N (its synthetic archive), if present.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"
sys.path.insert(0, str(ROOT))

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "CCHC_CRAWL_DELAY_MAX": 0.01, "RETRY_TIMES": 0,
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spread(values: list[float]) -> dict:
    """{median, min, max, n} of repeated measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(s: dict, digits: int = 1) -> str:
    if s["n"] == 1:
        return f"{s['median']:.{digits}f}"
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f}, n={s['n']})"


# -- machine -----------------------------------------------------------------------------------------
def machine() -> dict:
    """What the figures were measured on."""
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    load = os.getloadavg()
    packages = {}
    for name in ("scrapy", "twisted", "lxml", "trafilatura", "zstandard", "sqlite-utils", "datasette", "warcio"):
        try:
            packages[name] = version(name)
        except Exception:
            packages[name] = "?"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_mb": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "packages": packages, "commit": commit,
            "loadavg_at_start": [round(x, 2) for x in load], "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


# -- the replay ----------------------------------------------------------------------------------------
class LargeReplay:
    """`python -m replay.large` in a child process."""

    def __init__(self, size: int, seed: int):
        self.proc = subprocess.Popen([sys.executable, "-m", "replay.large", "--size", str(size), "--seed", str(seed)],
                                     cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.urls: dict[str, str] = json.loads(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def stage_server(replay: LargeReplay, sites: dict, seconds: float, connections: int = 8) -> dict:
    """Article pages/s the replay serves to keep-alive clients in this process."""
    import http.client

    done, stop = [0], time.perf_counter() + seconds

    def client(k: int) -> None:
        name = list(replay.urls)[k % len(replay.urls)]
        parts = urlsplit(replay.urls[name])
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        rng = random.Random(k)
        site = sites[name]
        while time.perf_counter() < stop:
            conn.request("GET", site.articles[rng.randrange(len(site.articles))].path)
            conn.getresponse().read()
            done[0] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = done[0] / (time.perf_counter() - start)
    log(f"server alone: {rate:.0f} pages/s ({connections} keep-alive clients)")
    return {"pages_per_s": rate, "connections": connections}


# -- crawl ---------------------------------------------------------------------------------------------
def _probe_summary(path: Path) -> dict:
    lines = [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []
    if not lines:
        return {"responses": 0, "seconds": 0, "pages_per_s": 0, "lag_p95_ms": None, "lag_max_ms": None, "maxrss_mb": None}
    responses = sum(l["responses"] for l in lines)
    seconds = max(l["closed"] for l in lines) - min(l["opened"] for l in lines)
    return {"responses": responses, "seconds": seconds, "pages_per_s": responses / seconds if seconds else 0,
            "lag_p50_ms": max(l["lag_ms"][0] for l in lines), "lag_p95_ms": max(l["lag_ms"][1] for l in lines),
            "lag_p99_ms": max(l["lag_ms"][2] for l in lines), "lag_max_ms": max(l["lag_ms"][3] for l in lines),
            "maxrss_mb": max(l["maxrss_mb"] for l in lines)}


def crawl_configs(replay: LargeReplay, sizes: dict, crawl_articles: int) -> list[dict]:
    """The sites' configs with a listing budget that covers about `crawl_articles` articles."""
    from replay.large import PAGE_SIZE, site_configs

    configs = site_configs(replay.urls, sizes)
    per_site = -(-crawl_articles // len(configs))
    for config in configs:
        config["pagination"]["max_pages"] = max(1, -(-per_site // PAGE_SIZE))
    return configs


def run_pipeline(configs: list[dict], workdir: Path, extractor: str | None = None) -> dict:
    """One `crawler.run.crawl` into a fresh archive with the probe; its summary."""
    from crawler.run import crawl
    from crawler.sites import from_dict

    db, probe = workdir / f"crawl-{time.time_ns()}.db", workdir / f"probe-{time.time_ns()}.jsonl"
    settings = {**FAST, "EXTENSIONS": {"benchmarks.probes.BenchProbe": 500}, "BENCH_PROBE_FILE": str(probe)}
    if extractor:
        settings["CCHC_EXTRACTOR"] = extractor
    started = time.perf_counter()
    report = crawl(db, sites=[from_dict(c) for c in configs], settings=settings, timeout=6 * 3600)
    out = _probe_summary(probe)
    out.update(wall_s=time.perf_counter() - started, ok=report["ok"], pages=report["pages"], articles=report["articles"],
               errors=report["errors"])
    for path in (db, probe):
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    return out


def run_bare(configs: list[dict], workdir: Path) -> dict:
    """The bare Scrapy spider over the same configs and settings."""
    probe, spec = workdir / f"probe-{time.time_ns()}.jsonl", workdir / f"bare-{time.time_ns()}.json"
    settings = {**FAST, "EXTENSIONS": {"benchmarks.probes.BenchProbe": 500}, "BENCH_PROBE_FILE": str(probe)}
    spec.write_text(json.dumps({"sites": configs, "settings": settings}), encoding="utf-8")
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    subprocess.run([sys.executable, "-m", "benchmarks.bare_spider", str(spec)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    out = _probe_summary(probe)
    out["wall_s"] = time.perf_counter() - started
    probe.unlink(missing_ok=True)
    spec.unlink(missing_ok=True)
    return out


def stage_crawl(replay: LargeReplay, sizes: dict, crawl_articles: int, repeats: int, workdir: Path) -> dict:
    """Bare spider, pipeline and pipeline without extraction, alternated `repeats` times. The crawl
    fetches and preserves first and extracts after (crawler/deferred.py), so each run has two rates:
    the fetch (responses over spider open to close, the probe's) and end to end (responses over the
    whole `crawl()` call, extraction included) -- the figure the target is about."""
    configs = crawl_configs(replay, sizes, crawl_articles)
    runs: dict[str, list[dict]] = {"bare": [], "pipeline": [], "pipeline_noop": []}
    for r in range(repeats):
        runs["bare"].append(run_bare(configs, workdir))
        log(f"crawl {r + 1}/{repeats} bare: {runs['bare'][-1]['pages_per_s']:.0f} pages/s")
        runs["pipeline"].append(run_pipeline(configs, workdir))
        log(f"crawl {r + 1}/{repeats} pipeline: fetch {runs['pipeline'][-1]['pages_per_s']:.1f} pages/s, "
            f"{runs['pipeline'][-1]['wall_s']:.0f} s end to end ({runs['pipeline'][-1]['articles']} articles)")
        runs["pipeline_noop"].append(run_pipeline(configs, workdir, "benchmarks.probes:noop_extract"))
        log(f"crawl {r + 1}/{repeats} pipeline, no-op extractor: fetch {runs['pipeline_noop'][-1]['pages_per_s']:.0f} pages/s, "
            f"{runs['pipeline_noop'][-1]['wall_s']:.0f} s end to end")
    for rs in runs.values():
        for x in rs:
            x["wall_pages_per_s"] = x["responses"] / x["wall_s"] if x.get("responses") and x.get("wall_s") else None
    out = {"configs_articles": crawl_articles, "runs": runs}
    for name, rs in runs.items():
        out[name] = {k: spread([x[k] for x in rs]) for k in ("pages_per_s", "wall_pages_per_s", "lag_p95_ms", "lag_max_ms",
                                                              "maxrss_mb", "responses")
                     if all(x.get(k) is not None for x in rs)}
    bare = out["bare"]
    for name in ("pipeline", "pipeline_noop"):
        short = "pipeline" if name == "pipeline" else "noop"
        out[f"ratio_{short}_vs_bare"] = out[name]["wall_pages_per_s"]["median"] / bare["wall_pages_per_s"]["median"]
        out[f"ratio_{short}_fetch_vs_bare"] = out[name]["pages_per_s"]["median"] / bare["pages_per_s"]["median"]
    return out


# -- extraction ----------------------------------------------------------------------------------------
def sample_pages(sites: dict, n: int) -> list[tuple[str, str, bytes, object]]:
    """[(site, url, body, article)] spread evenly over every site's articles."""
    from replay.large import render

    out = []
    per_site = -(-n // len(sites))
    for name, site in sites.items():
        step = max(1, len(site.articles) // per_site)
        for i in range(0, len(site.articles), step)[:per_site]:
            a = site.articles[i]
            out.append((name, "http://127.0.0.1" + a.path, render(site, a.path), a))
    return out


def stage_extract(sites: dict, n_pages: int, rounds: int) -> dict:
    """extract_html (config mode, as the crawl runs it, and generic) vs trafilatura.extract."""
    import cProfile
    import pstats

    import trafilatura

    import extract
    from crawler.sites import load_site

    pages = sample_pages(sites, n_pages)
    configs = {name: load_site(name).for_replay("http://127.0.0.1").as_dict() for name in sites}
    runners = {
        "extract_html (site config)": lambda s, u, b: extract.extract_html(b, url=u, site=configs[s]),
        "extract_html (generic)": lambda s, u, b: extract.extract_html(b, url=u),
        "trafilatura.extract": lambda s, u, b: trafilatura.extract(b, url=u),
    }
    for run in runners.values():  # warm-up: lexicons, regexes, trafilatura's own caches
        run(*pages[0][:3])
    rates: dict[str, list[float]] = {k: [] for k in runners}
    for r in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            for s, u, b, _ in pages:
                run(s, u, b)
            rates[name].append(len(pages) / (time.perf_counter() - start))
        log(f"extract round {r + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.1f}/s" for k, v in rates.items()))
    agree = {"title": 0, "published_date": 0, "relevant": 0}
    for s, u, b, a in pages:
        rec = extract.extract_html(b, url=u, site=configs[s])
        agree["title"] += rec.get("title") == a.title
        agree["published_date"] += rec.get("published_date") == a.date.date().isoformat()
        agree["relevant"] += bool(rec.get("relevant")) == a.relevant
    profiler = cProfile.Profile()
    profiler.enable()
    for s, u, b, _ in pages[:100]:
        extract.extract_html(b, url=u, site=configs[s])
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(18)
    profile = [l for l in text.getvalue().splitlines() if l.strip()][-19:]
    out = {"pages": len(pages), "rounds": rounds, "rates": {k: spread(v) for k, v in rates.items()},
           "agreement": {k: v / len(pages) for k, v in agree.items()}, "profile": profile}
    peer = out["rates"]["trafilatura.extract"]["median"]
    out["ratio_config_vs_trafilatura"] = out["rates"]["extract_html (site config)"]["median"] / peer
    out["ratio_generic_vs_trafilatura"] = out["rates"]["extract_html (generic)"]["median"] / peer
    log(f"extract: ratio {out['ratio_config_vs_trafilatura']:.2f} (config), {out['ratio_generic_vs_trafilatura']:.2f} (generic)"
        f"; agreement {out['agreement']}")
    return out


# -- preserve + the size peers ---------------------------------------------------------------------------
def stage_preserve(sites: dict, urls: dict, db: Path, workdir: Path) -> dict:
    """Every article and listing page of every site through Archive.save_page, as the crawl would
    store it; the same bytes as zlib per page, WARC.gz and one solid zstd stream."""
    import zstandard
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from replay.large import answer
    from store import Archive
    from crawler.sites import load_site

    archive = Archive(db)
    for name in sites:
        archive.save_site(load_site(name).for_replay(urls[name]).as_dict())
    warc_path = workdir / "same-bytes.warc.gz"
    raw = zl = 0
    counter = _Counter()
    solid = zstandard.ZstdCompressor(level=10, write_content_size=False).stream_writer(counter, closefd=False)
    pages = 0
    save_s = 0.0
    started = time.perf_counter()
    with open(warc_path, "wb") as warc_file:
        writer = WARCWriter(warc_file, gzip=True)
        for name, site in sites.items():
            # in crawl order: a listing page, then its articles (the dictionary trains on both kinds)
            targets = []
            for n in range(1, site.pages + 1):
                targets.append(("listing", site.listing_path(n)))
                targets += [("article", a.path) for a in site.articles[(n - 1) * site.page_size:n * site.page_size]]
            for kind, target in targets:
                response = answer(site, "GET", target, urlsplit(urls[name]).netloc)
                head, _, body = response.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = [tuple(l.split(": ", 1)) for l in lines[1:]]
                url = urls[name] + target
                t = time.perf_counter()
                archive.save_page(url=url, body=body, status=200, headers={k: [v] for k, v in headers},
                                  site=name, kind=kind)
                save_s += time.perf_counter() - t
                raw += len(body)
                zl += len(zlib.compress(body, 6))
                solid.write(body)
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   http_headers=StatusAndHeaders(lines[0].split(" ", 1)[1], headers,
                                                                                 protocol="HTTP/1.1"))
                writer.write_record(record)
                pages += 1
                if pages % 20000 == 0:
                    log(f"preserve: {pages} pages …")
    solid.flush(zstandard.FLUSH_FRAME)
    archive.close()
    out = {"pages": pages, "raw_bytes": raw, "zlib_bytes": zl, "warc_gz_bytes": warc_path.stat().st_size,
           "solid_zstd10_bytes": counter.n, "save_page_per_s": pages / save_s,
           "wall_s": time.perf_counter() - started}
    warc_path.unlink()
    log(f"preserve: {pages} pages, {raw / 1e6:.0f} MB raw, save_page {out['save_page_per_s']:.0f} pages/s")
    return out


class _Counter(io.RawIOBase):
    """A sink that counts the bytes written to it."""

    def __init__(self):
        self.n = 0

    def write(self, b) -> int:
        self.n += len(b)
        return len(b)

    def writable(self) -> bool:
        return True


# -- reextract -----------------------------------------------------------------------------------------
def stage_reextract(db: Path, extractor: str = "extract:extract_html") -> dict:
    """`store.reextract` on every core, in a child process (its own peak RSS and its workers');
    with `extractor="benchmarks.probes:noop_extract"` it measures the engine without extraction."""
    code = ("import json, resource, sys; from crawler.sites import load_site; from store.reextract import reextract; "
            "site_config = lambda name: load_site(name).for_replay('http://127.0.0.1').as_dict(); "
            "last = [0.0]\n"
            "def progress(done, total):\n"
            "    import time\n"
            "    if time.time() - last[0] > 30: last[0] = time.time(); print(f'reextract {done}/{total}', file=sys.stderr, flush=True)\n"
            f"r = reextract({str(db)!r}, site_config=site_config, everything=True, progress=progress, extractor={extractor!r})\n"
            "print(json.dumps({'done': r.done, 'failed': r.failed, 'seconds': r.seconds, "
            "'parent_maxrss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
            "'worker_maxrss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["pages_per_s"] = out["done"] / out["seconds"] if out["seconds"] else 0
    out["workers"] = os.cpu_count()
    out["minutes_for_100k"] = 100000 / out["pages_per_s"] / 60 if out["pages_per_s"] else None
    log(f"reextract: {out['done']} pages in {out['seconds']:.0f} s = {out['pages_per_s']:.1f} pages/s "
        f"(100k would take {out['minutes_for_100k']:.1f} min)")
    return out


# -- bytes ---------------------------------------------------------------------------------------------
def stage_bytes(db: Path, preserve: dict) -> dict:
    """archive.db after VACUUM, per table, against the raw bytes and their peers; FTS variants."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    total = db.stat().st_size
    tables: dict[str, int] = {}
    try:
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            tables[name] = size
    except sqlite3.OperationalError:
        pass
    body_bytes = conn.execute("SELECT sum(length(body)) FROM pages").fetchone()[0] or 0
    dict_bytes = conn.execute("SELECT coalesce(sum(length(dict)), 0) FROM dictionaries").fetchone()[0]
    # stored columns only: generated ones (hidden 2/3 in table_xinfo, e.g. the FTS's đ→d columns) take no bytes
    stored = [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)") if row[6] in (0, 1)]
    column_bytes = dict(zip(stored, conn.execute(
        "SELECT " + ", ".join(f"coalesce(sum(length(CAST([{c}] AS BLOB))), 0)" for c in stored) + " FROM articles").fetchone()))
    generated = [row[1] for row in conn.execute("PRAGMA table_xinfo(articles)") if row[6] in (2, 3)]
    variants = {}
    fts_now = sum(v for k, v in tables.items() if k.startswith("articles_fts"))
    for label, sql in (
        ("the same columns, detail=column (no phrase queries)",
         "CREATE VIRTUAL TABLE alt_fts USING fts5(search_title, search_text, content='articles', content_rowid='id', detail=column, tokenize='unicode61 remove_diacritics 2')"),
        ("the same columns, detail=none (no phrases, no column filters)",
         "CREATE VIRTUAL TABLE alt_fts USING fts5(search_title, search_text, content='articles', content_rowid='id', detail=none, tokenize='unicode61 remove_diacritics 2')"),
    ):
        conn.execute("DROP TABLE IF EXISTS alt_fts")
        conn.execute(sql)
        conn.execute("INSERT INTO alt_fts(alt_fts) VALUES ('rebuild')")
        conn.commit()
        try:
            size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'alt_fts%'").fetchone()[0]
        except sqlite3.OperationalError:
            size = None
        variants[label] = size
        conn.execute("DROP TABLE alt_fts")
        conn.commit()
    conn.execute("VACUUM")
    conn.close()
    raw = preserve["raw_bytes"]
    out = {"archive_bytes": total, "raw_bytes": raw, "bodies_bytes": body_bytes + dict_bytes,
           "dictionaries_bytes": dict_bytes, "tables": tables, "articles_column_bytes": column_bytes,
           "articles_generated_columns": generated, "fts_bytes": fts_now, "fts_variants": variants,
           "ratio_archive": total / raw, "ratio_bodies": (body_bytes + dict_bytes) / raw,
           "ratio_zlib": preserve["zlib_bytes"] / raw, "ratio_warc_gz": preserve["warc_gz_bytes"] / raw,
           "ratio_solid_zstd": preserve["solid_zstd10_bytes"] / raw}
    log(f"bytes: archive {out['ratio_archive']:.3f} of raw, bodies {out['ratio_bodies']:.4f}; zlib {out['ratio_zlib']:.3f}, "
        f"WARC.gz {out['ratio_warc_gz']:.3f}, solid zstd {out['ratio_solid_zstd']:.4f}")
    return out


# -- serve ---------------------------------------------------------------------------------------------
def stage_serve(db: Path, repeats: int) -> dict:
    """Datasette on the archive (as `cchc serve` runs it): latency of publish's request list over
    HTTP from this process, and the server's peak RSS (VmHWM)."""
    import socket
    import urllib.error
    import urllib.request

    try:
        from benchmarks.bench_search import REQUESTS
    except Exception:
        REQUESTS = [("search page", "fts", "/-/search?q=tap+huan")]
    try:
        from cchc import publish

        command, env = publish.datasette_command(db, port=0), publish.child_env()
        uses_publish = True
    except Exception:
        command, env, uses_publish = None, dict(os.environ), False
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if uses_publish:
        command = publish.datasette_command(db, port=port)
    else:
        command = [str(Path(sys.executable).parent / "cchc"), "serve", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        for label, kind, path in REQUESTS:
            timings, status = [], None
            for attempt in range(repeats + 1):
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path, timeout=60) as r:
                        r.read()
                        status = r.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                if attempt:
                    timings.append((time.perf_counter() - start) * 1000)
            ordered = sorted(timings)
            results.append({"label": label, "kind": kind, "status": status, "p50": statistics.median(timings),
                            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]})
        status_text = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(int(l.split()[1]) for l in status_text.splitlines() if l.startswith("VmHWM")) / 1024
    finally:
        proc.terminate()
        proc.wait()
    log(f"serve: peak RSS {hwm:.0f} MB; slowest p95 {max(r['p95'] for r in results):.0f} ms")
    return {"maxrss_mb": hwm, "requests": results}


def stage_search(n: int, repeats: int) -> dict:
    """publish's bench_search.py at N articles (its own synthetic archive), parsed."""
    script = Path(__file__).resolve().parent / "bench_search.py"
    if "over HTTP" not in script.read_text(encoding="utf-8"):
        return {"skipped": "benchmarks/bench_search.py does not measure over HTTP in this checkout"}
    proc = subprocess.run([sys.executable, str(script), "--n", str(n), "--repeats", str(repeats)], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    lines = proc.stdout.strip().splitlines()
    log("search (bench_search.py): " + (lines[-1] if lines else proc.stderr[-300:]))
    return {"output": lines, "returncode": proc.returncode}


# -- report --------------------------------------------------------------------------------------------
STAGE_KEYS = ("server", "crawl", "extract", "preserve", "reextract_noop", "reextract", "bytes", "serve", "search")


def merge_results(old: dict, new: dict) -> dict:
    """`old` with the stages measured in `new` replaced; every stage records the run it came from
    (command, commit, date, load), so a table assembled from parts says which part is which."""
    def runs_of(result: dict) -> dict:
        recorded = dict(result.get("stage_runs") or {})
        for key in STAGE_KEYS:
            if key in result and key not in recorded:
                m = result["machine"]
                recorded[key] = {"command": result["command"], "commit": m["commit"], "date": m["date"],
                                 "loadavg_at_start": m["loadavg_at_start"]}
        return recorded

    merged = dict(old)
    merged_runs = runs_of(old)
    new_runs = runs_of(new)
    for key in STAGE_KEYS:
        if key in new:
            merged[key] = new[key]
            merged_runs[key] = new_runs[key]
    merged["machine"], merged["command"] = new["machine"], new["command"]
    merged["stage_runs"] = merged_runs
    return merged


def write_results_md(results_dir: Path = RESULTS_DIR, out_path: Path = RESULTS_MD) -> None:
    """benchmarks/RESULTS.md from every results/*.json (largest size first)."""
    runs = [json.loads(p.read_text()) for p in sorted(results_dir.glob("size-*.json"))]
    runs.sort(key=lambda r: -r["size"])
    out = ["# Benchmark results", "",
           "Written by `python -m benchmarks.run` (see benchmarks/README.md). Every figure is measured "
           "against its peer in the same run, on the machine described with each run. Medians, with "
           "min–max and the number of runs when repeated.", ""]
    for r in runs:
        m = r["machine"]
        in_parts = len({run["command"] for run in (r.get("stage_runs") or {}).values()}) > 1
        out += [f"## {r['size']:,} articles ({'in parts, listed below' if in_parts else r['command']})", "",
                f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_mb']:,} MB RAM, Python {m['python']}, "
                f"SQLite {m['sqlite']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
                + f"; commit {m['commit']}; {m['date']}; load average at start {m['loadavg_at_start']} "
                "(the 2 cores are shared with other sessions: absolute rates move between runs, ratios less).", ""]
        parts = {}
        for key, run in (r.get("stage_runs") or {}).items():
            parts.setdefault((run["command"], run["commit"], run["date"], str(run["loadavg_at_start"])), []).append(key)
        if len(parts) > 1:
            out += ["Assembled from runs in parts (a figure and its peer always come from the same part):", ""]
            out += [f"- {', '.join(keys)}: `{cmd}` at commit {commit}, {date}, load average at start {load}"
                    for (cmd, commit, date, load), keys in parts.items()]
            out.append("")
        out += ["| figure | ours | peer / target | ratio | target met |", "|---|---|---|---|---|"]
        rows = []
        if "server" in r:
            rows.append(("replay server alone (keep-alive clients)", f"{r['server']['pages_per_s']:.0f} pages/s",
                         "must exceed the bare spider", f"{r['server']['pages_per_s'] / r['crawl']['bare']['pages_per_s']['median']:.1f}× bare" if "crawl" in r else "", ""))
        if "crawl" in r:
            c = r["crawl"]
            if "wall_pages_per_s" in c["pipeline"]:  # fetch, then extraction: both rates
                rows.append((f"crawl + preserve + extract + store, end to end ({c['pipeline']['responses']['median']:.0f} responses)",
                             f"{fmt(c['pipeline']['wall_pages_per_s'])} pages/s",
                             f"bare Scrapy (CSS only) {fmt(c['bare']['wall_pages_per_s'])} pages/s (process wall time); target ≥ 0.90×",
                             f"**{c['ratio_pipeline_vs_bare']:.2f}**", "✔" if c["ratio_pipeline_vs_bare"] >= 0.9 else "✘"))
                rows.append(("its fetch phase alone (fetch, classify links, preserve; extraction after)",
                             f"{fmt(c['pipeline']['pages_per_s'])} pages/s",
                             f"bare Scrapy {fmt(c['bare']['pages_per_s'])} pages/s (spider open to close)",
                             f"{c['ratio_pipeline_fetch_vs_bare']:.2f}", ""))
                rows.append(("the same with a no-op extractor, end to end / fetch",
                             f"{fmt(c['pipeline_noop']['wall_pages_per_s'])} / {fmt(c['pipeline_noop']['pages_per_s'])} pages/s",
                             "bare Scrapy", f"{c['ratio_noop_vs_bare']:.2f} / {c['ratio_noop_fetch_vs_bare']:.2f}", ""))
            else:  # result files from before the crawl deferred extraction
                rows.append((f"crawl + preserve + extract + store ({c['pipeline']['responses']['median']:.0f} responses)",
                             f"{fmt(c['pipeline']['pages_per_s'])} pages/s",
                             f"bare Scrapy (CSS only) {fmt(c['bare']['pages_per_s'])} pages/s; target ≥ 0.90×",
                             f"**{c['ratio_pipeline_vs_bare']:.2f}**", "✔" if c["ratio_pipeline_vs_bare"] >= 0.9 else "✘"))
                rows.append(("the same with a no-op extractor", f"{fmt(c['pipeline_noop']['pages_per_s'])} pages/s",
                             "bare Scrapy", f"{c['ratio_noop_vs_bare']:.2f}", ""))
            if "pipeline_pooled" in c:
                rows.append(("the same, extraction in a process pool (experiment)", f"{fmt(c['pipeline_pooled']['pages_per_s'])} pages/s",
                             "bare Scrapy", f"{c['ratio_pooled_vs_bare']:.2f}", ""))
                rows.append(("reactor lag p95 / max (pooled)", f"{fmt(c['pipeline_pooled']['lag_p95_ms'])} / {fmt(c['pipeline_pooled']['lag_max_ms'])} ms", "", "", ""))
            rows.append(("reactor lag p95 / max (pipeline)", f"{fmt(c['pipeline']['lag_p95_ms'])} / {fmt(c['pipeline']['lag_max_ms'])} ms",
                         f"bare {fmt(c['bare']['lag_p95_ms'])} / {fmt(c['bare']['lag_max_ms'])} ms", "", ""))
        if "extract" in r:
            e = r["extract"]
            rates = e["rates"]
            rows.append((f"`extract_html`, site config, {e['pages']} pages × {e['rounds']}", f"{fmt(rates['extract_html (site config)'])} pages/s",
                         f"`trafilatura.extract` {fmt(rates['trafilatura.extract'])} pages/s; target ≥ 2×",
                         f"**{e['ratio_config_vs_trafilatura']:.2f}**", "✔" if e["ratio_config_vs_trafilatura"] >= 2 else "✘"))
            rows.append(("`extract_html`, generic mode", f"{fmt(rates['extract_html (generic)'])} pages/s",
                         "`trafilatura.extract`", f"{e['ratio_generic_vs_trafilatura']:.2f}", "✔" if e["ratio_generic_vs_trafilatura"] >= 2 else "✘"))
            rows.append(("agreement with the replay's truth (config mode)",
                         ", ".join(f"{k} {v:.3f}" for k, v in e["agreement"].items()), "1.000", "", ""))
        if "preserve" in r:
            p = r["preserve"]
            rows.append((f"`Archive.save_page` ({p['pages']:,} pages, zstd + site dictionary)", f"{p['save_page_per_s']:.0f} pages/s", "", "", ""))
        if "reextract" in r:
            x = r["reextract"]
            rows.append((f"`cchc reextract` engine, {x['done']:,} pages, {x['workers']} workers",
                         f"{x['pages_per_s']:.1f} pages/s ({x['seconds'] / 60:.1f} min)",
                         "100k pages in ≤ 3 min (≈ 550 pages/s)",
                         f"**{x['pages_per_s'] / 555.6:.2f}** (100k: {x['minutes_for_100k']:.0f} min)",
                         "✔" if x["pages_per_s"] >= 555.6 else "✘"))
        if "reextract_noop" in r:
            x = r["reextract_noop"]
            rows.append(("the same engine with a no-op extractor (read, decode, write)", f"{x['pages_per_s']:.0f} pages/s",
                         "≈ 550 pages/s", f"{x['pages_per_s'] / 555.6:.2f}", ""))
        if "bytes" in r:
            b = r["bytes"]
            rows.append(("archive.db bytes / raw HTML bytes (after VACUUM)", f"{b['ratio_archive']:.3f}",
                         f"target ≤ 0.10; WARC.gz of the same responses {b['ratio_warc_gz']:.3f}", "",
                         "✔" if b["ratio_archive"] <= 0.10 else "✘"))
            rows.append(("page bodies (+ dictionaries) / raw", f"{b['ratio_bodies']:.4f}",
                         f"target ≤ 0.05; zlib per page {b['ratio_zlib']:.3f}; solid zstd of all bodies {b['ratio_solid_zstd']:.4f}",
                         f"{b['ratio_bodies'] / b['ratio_zlib']:.3f}× zlib", "✔" if b["ratio_bodies"] <= 0.05 else "✘"))
        if "serve" in r:
            s = r["serve"]
            worst_fts = max((q["p95"] for q in s["requests"] if q["kind"] == "fts"), default=0)
            worst_canned = max((q["p95"] for q in s["requests"] if q["kind"] == "canned"), default=0)
            rows.append(("Datasette on this archive: worst p95, FTS / canned", f"{worst_fts:.0f} / {worst_canned:.0f} ms",
                         "≤ 20 / ≤ 50 ms", "", "✔" if worst_fts <= 20 and worst_canned <= 50 else "✘"))
        for row in rows:
            out.append("| " + " | ".join(row) + " |")
        out.append("")
        if "bytes" in r:
            b = r["bytes"]
            big = sorted(b["tables"].items(), key=lambda kv: -kv[1])[:12]
            out += ["Where the archive's bytes are (dbstat, after VACUUM):", "",
                    "| table or index | MB | share |", "|---|---|---|"]
            out += [f"| {k} | {v / 1e6:.1f} | {v / b['archive_bytes']:.1%} |" for k, v in big]
            if "articles_column_bytes" in b:
                columns = sorted(b["articles_column_bytes"].items(), key=lambda kv: -kv[1])
                out += ["", "Stored columns of `articles` (bytes of the values): "
                        + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in columns[:8] if v) + "; generated, not stored: "
                        + (", ".join(b.get("articles_generated_columns") or []) or "none")
                        + f". articles_fts is external-content over articles, its index {b['fts_bytes'] / 1e6:.1f} MB. "
                        "Measured alternatives of the index: "
                        + "; ".join(f"{k}: {v / 1e6:.1f} MB" for k, v in b["fts_variants"].items() if v) + ".", ""]
            else:  # a result file written before the FTS lost its stored folded copy
                out += ["", f"articles.text {b['articles_text_bytes'] / 1e6:.1f} MB and articles.search_text (its folded copy, "
                        f"only for FTS) {b['articles_search_text_bytes'] / 1e6:.1f} MB; articles_fts is external-content "
                        f"(content=articles) already, its index {b['fts_bytes'] / 1e6:.1f} MB. Measured alternatives: "
                        + "; ".join(f"{k}: {v / 1e6:.1f} MB" for k, v in b["fts_variants"].items() if v) + ".", ""]
        if "serve" in r:
            out += ["Datasette on the re-extracted archive (publish's request list, over HTTP from a second process):", "",
                    "| request | status | p50 ms | p95 ms |", "|---|---|---|---|"]
            out += [f"| {q['label']} | {q['status']} | {q['p50']:.1f} | {q['p95']:.1f} |" for q in r["serve"]["requests"]]
            out.append("")
        if r.get("search", {}).get("output"):
            out += [f"publish's `benchmarks/bench_search.py --n {r['size']}` (its synthetic archive), same run:", "", "```"]
            out += r["search"]["output"] + ["```", ""]
        if "extract" in r:
            out += ["Where extraction time goes (cProfile, 100 pages, cumulative):", "", "```"] + r["extract"]["profile"] + ["```", ""]
    mem = [(r["size"], r.get("crawl", {}).get("pipeline", {}).get("maxrss_mb", {}).get("median"),
            r.get("reextract", {}).get("parent_maxrss_mb"), r.get("reextract", {}).get("worker_maxrss_mb"),
            r.get("reextract_noop", {}).get("parent_maxrss_mb"), r.get("serve", {}).get("maxrss_mb"))
           for r in sorted(runs, key=lambda r: r["size"])]
    out += ["## Peak RSS by archive size (flat in N is the target)", "",
            "| articles | crawl (pipeline child) MB | reextract parent MB | reextract largest worker MB | "
            "reextract parent, no-op extractor MB | serve MB |", "|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(f"{v:,.0f}" if isinstance(v, (int, float)) else "—" for v in row) + " |" for row in mem]
    notes = Path(__file__).resolve().parent / "RESULTS_NOTES.md"
    if notes.exists():
        out += ["", notes.read_text(encoding="utf-8").strip()]
    out_path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Run the stages, print the ratios, write benchmarks/results/size-N.json and RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="articles in the large replay (default 10000)")
    parser.add_argument("--full", action="store_true", help="the issue's sizes: crawl 20k articles, 1,000 extraction pages, 3 crawl repeats")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crawl-articles", type=int, help="articles per crawl (default min(size, 3000); --full 20000)")
    parser.add_argument("--extract-pages", type=int, help="pages for the extraction comparison (default 300; --full 1000)")
    parser.add_argument("--repeats", type=int, help="crawl repeats (default 1; --full 3); extraction runs 3 rounds")
    parser.add_argument("--stages", default="server,crawl,extract,preserve,reextract-noop,reextract,bytes,serve,search",
                        help="comma-separated subset of the default list")
    parser.add_argument("--keep", type=Path, help="keep the built archive here")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results/ and RESULTS.md alone")
    parser.add_argument("--merge", action="store_true",
                        help="replace only this run's stages in results/size-N.json and keep the others "
                             "(a full-size run in parts; each stage keeps the commit and load it ran at)")
    args = parser.parse_args(argv)
    stages = set(args.stages.split(","))
    crawl_articles = args.crawl_articles or (min(args.size, 20000) if args.full else min(args.size, 3000))
    extract_pages = args.extract_pages or (1000 if args.full else 300)
    repeats = args.repeats or (3 if args.full else 1)

    from replay.large import build_large_site, split_sizes

    sizes = split_sizes(args.size)
    sites = {name: build_large_site(name, n, args.seed) for name, n in sizes.items()}
    result: dict = {"size": args.size, "seed": args.seed, "machine": machine(),
                    "command": "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])}
    log(f"machine: {result['machine']['nproc']} cores, {result['machine']['cpu']}, load {result['machine']['loadavg_at_start']}")
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    db = args.keep or workdir / "archive.db"
    replay = None
    try:
        if stages & {"server", "crawl", "preserve"}:
            replay = LargeReplay(args.size, args.seed)
        if "server" in stages:
            result["server"] = stage_server(replay, sites, seconds=8)
        if "crawl" in stages:
            result["crawl"] = stage_crawl(replay, sizes, crawl_articles, repeats, workdir)
        if "extract" in stages:
            result["extract"] = stage_extract(sites, extract_pages, rounds=3)
        if "preserve" in stages:
            if db.exists():
                db.unlink()
            result["preserve"] = stage_preserve(sites, replay.urls, db, workdir)
        if replay is not None:
            replay.stop()
            replay = None
        if "reextract-noop" in stages:
            result["reextract_noop"] = stage_reextract(db, "benchmarks.probes:noop_extract")
        if "reextract" in stages:
            result["reextract"] = stage_reextract(db)
        if "bytes" in stages and "preserve" in result:
            result["bytes"] = stage_bytes(db, result["preserve"])
        if "serve" in stages and db.exists():
            result["serve"] = stage_serve(db, repeats=10)
        if "search" in stages:
            result["search"] = stage_search(args.size, repeats=20)
    finally:
        if replay is not None:
            replay.stop()
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, ensure_ascii=False, indent=1, default=str)[:20000])
    if not args.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"size-{args.size}.json"
        if args.merge and path.exists():
            result = merge_results(json.loads(path.read_text(encoding="utf-8")), result)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        write_results_md()
        log(f"wrote {RESULTS_MD}")


if __name__ == "__main__":
    main()
