"""Re-extraction at archive scale: every core extracts, the parent writes in large transactions.

    from store.reextract import reextract
    result = reextract("archive.db", site_config=lambda name: None)

The page ids to rebuild are split into chunks; a pool of worker processes (fork: the extractor and
its lexicons are loaded once, before forking) reads each chunk's bodies through its own read
connection, runs the extractor and sends back records. The parent is the only writer: it stores
records `BATCH` at a time, each batch one transaction, so a kill loses at most one batch and a
second run resumes where the first stopped. Rows record the extractor package's `__version__`; each
run is a row of `reextract_runs` with a fingerprint of the extractor's source and data files, so a
resumed run (`everything=False`) skips only the articles its unfinished predecessor stored with the
same code, and changed extractors re-extract everything even when nobody bumped the version.
"""
from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import sqlite3
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

CHUNK = 64      # pages per task sent to a worker
BATCH = 1000    # records per write transaction in the parent


@dataclass
class ReextractResult:
    """What a run did: pages rebuilt, failed, skipped as already current; seconds taken."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def extractor_fingerprint(extractor: str = "extract:extract_html") -> tuple[str, str]:
    """(the package's `__version__`, 12 hex of a hash of its .py and data files)."""
    module_name = extractor.partition(":")[0]
    package = importlib.import_module(module_name.split(".")[0])
    root = Path(package.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".txt", ".json", ".csv", ".yaml")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return str(getattr(package, "__version__", "") or ""), digest.hexdigest()[:12]


def _begin_run(conn: sqlite3.Connection, fingerprint: str, resume: bool) -> tuple[int, str | None]:
    """(this run's id, the time since which stored articles count as done: None for a fresh run).
    A resumed run continues the latest unfinished run made with the same fingerprint."""
    conn.execute("CREATE TABLE IF NOT EXISTS reextract_runs (id INTEGER PRIMARY KEY, fingerprint TEXT, "
                 "started_at TEXT, finished_at TEXT, done INTEGER, failed INTEGER)")
    if resume:
        row = conn.execute("SELECT id, started_at FROM reextract_runs WHERE finished_at IS NULL AND fingerprint = ? "
                           "ORDER BY id DESC LIMIT 1", [fingerprint]).fetchone()
        if row:
            conn.commit()
            return row[0], row[1]
    from store.archive import utc_now

    run_id = conn.execute("INSERT INTO reextract_runs (fingerprint, started_at) VALUES (?, ?)",
                          [fingerprint, utc_now()]).lastrowid
    conn.commit()
    return run_id, None


def pages_to_extract(conn: sqlite3.Connection, since: str | None = None) -> tuple[array, int]:
    """(ids of the latest version of every article page still to extract, how many were skipped
    because their article was stored by this run since `since`). Only ids are held: memory stays
    small in N."""
    todo, skipped = array("q"), 0
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # another address of a stored article (same bytes, or naming it canonical) is no article of its own
    aliases = "AND p.url NOT IN (SELECT url FROM article_links)" if "article_links" in tables else ""
    cursor = conn.execute(
        "SELECT p.id, max(a.extracted_at >= ?) FROM pages p LEFT JOIN articles a ON a.page_id = p.id "
        f"WHERE p.id IN (SELECT max(id) FROM pages WHERE kind = 'article' GROUP BY url) {aliases} "
        "GROUP BY p.id ORDER BY p.id", [since or "9999"])
    for page_id, current in cursor:
        if current:
            skipped += 1
        else:
            todo.append(page_id)
    return todo, skipped


# -- worker side ---------------------------------------------------------------------------------
_WORKER: dict = {}


def _init_worker(db_path: str, extractor: str, configs: dict, version: str) -> None:
    from store.compress import BodyCodec

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=60)
    module_name, _, func_name = extractor.partition(":")
    _WORKER.update(conn=conn, codec=BodyCodec(conn), configs=configs, version=version,
                   extract=getattr(importlib.import_module(module_name), func_name))


def _extract_chunk(chunk: list[int]) -> list[tuple]:
    """[(page id, url, site, record | None, articles row | None, story print | None, error | None)]
    for one chunk."""
    from extract.encoding import decode_page
    from store.archive import article_row
    from store.stories import story_print

    codec, extract, configs = _WORKER["codec"], _WORKER["extract"], _WORKER["configs"]
    out = []
    marks = ",".join("?" * len(chunk))
    rows = _WORKER["conn"].execute(f"SELECT id, url, final_url, site, content_type FROM pages WHERE id IN ({marks})",
                                   list(chunk))
    for page_id, url, final_url, site, content_type in rows:
        try:
            # decoded as the crawl decoded it: the stored Content-Type's charset first (extract.encoding)
            text = decode_page(codec.read(page_id), content_type).text
            record = extract(text, url=final_url or url, site=configs.get(site))
            if not isinstance(record, dict):
                raise TypeError(f"extractor returned {type(record).__name__}")
            if not record.get("url"):
                record["url"] = final_url or url
            row = article_row(record, page_id, site, _WORKER["version"])
            # the SimHash here, not in the single writer (it was 0.42 of the writer's 0.72 ms an article)
            out.append((page_id, url, site, record, row, story_print(row["text"]), None))
        except Exception as exc:  # one bad page must not stop the rebuild; it stays preserved
            out.append((page_id, url, site, None, None, None, f"{url}: {exc!r}"))
    return out


def _chunks(items: array, size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size].tolist()


# -- parent side -----------------------------------------------------------------------------------
def reextract(db_path: str | os.PathLike, site_config: Callable[[str | None], dict | None] = lambda name: None,
              workers: int | None = None, everything: bool = False, extractor: str = "extract:extract_html",
              progress: Callable[[int, int], None] | None = None, batch: int = BATCH,
              chunk: int = CHUNK) -> ReextractResult:
    """Rebuild articles and facts from the preserved article pages of the archive at `db_path`.

    `site_config(name)` gives a site's config dict (selectors) or None; `workers` defaults to every
    core; `everything=False` resumes the latest unfinished run made with the same extractor code; `progress(done, total)`
    is called after each chunk of `chunk` pages arrives; `batch` records are written per transaction."""
    from store import Archive

    start = time.perf_counter()
    version, fingerprint = extractor_fingerprint(extractor)
    archive = Archive(db_path)
    result = ReextractResult()
    try:
        run_id, since = _begin_run(archive.db.conn, fingerprint, resume=not everything)
        todo, result.skipped = pages_to_extract(archive.db.conn, since)
        sites = [r[0] for r in archive.db.conn.execute("SELECT DISTINCT site FROM pages WHERE kind = 'article'")]
        configs = {site: site_config(site) for site in sites}
        workers = max(1, workers or os.cpu_count() or 1)
        total = len(todo)
        if progress:
            progress(0, total)
        if not todo:
            _finish_run(archive, run_id, result)
            return result
        _warm(extractor)
        pending: list[tuple] = []
        tasks = _chunks(todo, chunk)
        if workers == 1:
            _init_worker(str(db_path), extractor, configs, version)
            results = map(_extract_chunk, tasks)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(workers, _init_worker, (str(db_path), extractor, configs, version))
            results = pool.imap_unordered(_extract_chunk, tasks)
        try:
            for chunk in results:
                pending.extend(chunk)
                if len(pending) >= batch:
                    _store(archive, pending, version, result)
                    pending = []
                if progress:
                    progress(result.done + result.failed + len(pending), total)
            _store(archive, pending, version, result)
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
        if progress:
            progress(result.done + result.failed, total)
        _finish_run(archive, run_id, result)
        return result
    finally:
        archive.close()
        result.seconds = time.perf_counter() - start


def _finish_run(archive, run_id: int, result: ReextractResult) -> None:
    from store.archive import utc_now

    with archive.db.conn:
        archive.db.conn.execute("UPDATE reextract_runs SET finished_at = ?, done = ?, failed = ? WHERE id = ?",
                                [utc_now(), result.done, result.failed, run_id])


def _warm(extractor: str) -> None:
    """Import the extractor and run it once, so forked workers share its loaded lexicons."""
    module_name, _, func_name = extractor.partition(":")
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        func("<html><head><title>t</title></head><body><p>Ngày 1/1/2024, Sở Nội vụ tổ chức lớp bồi dưỡng.</p>"
             "</body></html>".encode(),
             url="http://127.0.0.1/warm", site=None)
    except Exception:
        pass


def _store(archive, items: list[tuple], version: str, result: ReextractResult) -> None:
    """Write one batch of worker results in one transaction."""
    with archive.batch():
        for page_id, url, site, record, row, print_value, error in items:
            if record is None:
                result.failed += 1
                if len(result.errors) < 20:
                    result.errors.append(error)
                continue
            archive.save_article(record, page_id=page_id, site=site, extractor_version=version, row=row,
                                 story_print=print_value)
            result.done += 1


# -- an ordered map over preserved pages (the crawl's extraction phase, crawler/deferred.py) --------
_MAP: dict = {}


def _load(spec: str) -> Callable:
    module_name, _, func_name = spec.partition(":")
    return getattr(importlib.import_module(module_name), func_name)


def _init_map(db_path: str, work: str, init: str | None, init_args: tuple) -> None:
    from store.compress import BodyCodec

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=60)
    state = {"conn": conn, "codec": BodyCodec(conn)}
    if init:
        _load(init)(state, *init_args)
    _MAP.update(state=state, work=_load(work))


def _map_chunk(chunk: list[tuple]) -> list[tuple]:
    return _MAP["work"](_MAP["state"], chunk)


def map_pages(db_path: str, tasks: list[tuple], work: str, init: str | None = None, init_args: tuple = (),
              workers: int | None = None, chunk: int = CHUNK, start_method: str = "fork") -> Iterator[tuple]:
    """Run `work(state, rows)` ("module:function") over `tasks` (tuples whose first item is a key)
    in chunks of `chunk`, on every core (forked workers, each with a read connection and a body
    codec in `state`, set up further by `init(state, *init_args)`); yield its (key, result) pairs
    in the order of `tasks`, so the caller stores them in that order. Few tasks run in-process.
    `start_method` "spawn" starts clean workers: needed where the caller's process has threads
    whose locks a fork would copy held (a process that ran Scrapy's reactor)."""
    workers = max(1, workers or os.cpu_count() or 1)
    chunks = [tasks[i:i + chunk] for i in range(0, len(tasks), chunk)]
    if workers == 1 or len(chunks) < 2:
        _init_map(db_path, work, init, init_args)
        try:
            for rows in chunks:
                yield from _map_chunk(rows)
        finally:
            _MAP["state"]["conn"].close()
            _MAP.clear()
        return
    pool = multiprocessing.get_context(start_method).Pool(workers, _init_map, (db_path, work, init, init_args))
    try:
        for results in pool.imap(_map_chunk, chunks):
            yield from results
    finally:
        pool.terminate()
        pool.join()
