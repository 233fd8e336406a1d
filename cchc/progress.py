"""What the terminal shows while a crawl runs and after it: live per-site counts and a summary table.

The crawl runs in a child process (crawler/run.py) and writes each page to the archive as it
arrives, so progress is read from the archive itself: pages preserved, articles extracted and HTTP
errors per site, counted in the database the crawl is filling (WAL mode lets us read while it
writes). The final table is drawn from the crawl's own summary (`crawl()`'s per-site stats).
"""
from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Callable, TextIO

POLL_SECONDS = 1.0


def site_counts(db_path: str | Path) -> dict[str, dict[str, int]]:
    """{site: {pages, articles, errors}} in the archive right now ({} when it cannot be read yet)."""
    try:
        conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return {}
    try:
        counts: dict[str, dict[str, int]] = {}
        for site, pages, errors in conn.execute(
                "SELECT coalesce(site, '?'), count(*), sum(status >= 400) FROM pages GROUP BY site"):
            counts[site] = {"pages": pages, "articles": 0, "errors": errors or 0}
        for site, articles in conn.execute("SELECT coalesce(site, '?'), count(*) FROM articles GROUP BY site"):
            counts.setdefault(site, {"pages": 0, "articles": 0, "errors": 0})["articles"] = articles
        return counts
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def crawl_phase(db_path: str | Path) -> str | None:
    """The phase the crawl says it is in after fetching (crawler.deferred.set_phase), or None."""
    try:
        conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT phase FROM crawl_phase WHERE id = 1").fetchone()
        return row[0] if row else None
    except sqlite3.Error:  # no such table: an archive no crawl has extracted into yet
        return None
    finally:
        conn.close()


def progress_line(counts: dict[str, dict[str, int]], phase: str | None = None) -> str:
    """One line: every site's pages/articles/errors so far (prefixed by the crawl's phase, such as
    "extracting 120 preserved pages", once the fetch is over)."""
    parts = [f"{site} {c['pages']}p {c['articles']}a" + (f" {c['errors']}×HTTP≥400" if c["errors"] else "")
             for site, c in sorted(counts.items())]
    total = sum(c["pages"] for c in counts.values())
    head = f"{phase} ({total} pages fetched)" if phase else f"crawling: {total} pages"
    return f"{head} · " + (" · ".join(parts) if parts else "starting …")


def run_with_progress(work: Callable[[], dict], db_path: str | Path, out: TextIO | None = None) -> dict:
    """Run `work()` (a crawl into `db_path`) while printing live per-site progress; return its result.

    On a terminal the progress line is redrawn in place; otherwise a line is printed only when the
    counts change (so logs stay short)."""
    out = out or sys.stderr
    tty = hasattr(out, "isatty") and out.isatty()
    result: dict = {}
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.update(work())
        except BaseException as exc:  # handed back to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="crawl", daemon=True)
    thread.start()
    last = None
    while thread.is_alive():
        thread.join(POLL_SECONDS)
        line = progress_line(site_counts(db_path), crawl_phase(db_path))
        if line != last:
            out.write(("\r\x1b[2K" + line) if tty else line + "\n")
            out.flush()
            last = line
    if tty and last is not None:
        out.write("\n")
    if failure:
        raise failure[0]
    return result


def summary_table(stats: dict) -> str:
    """The crawl's per-site summary as an aligned text table (site, status, pages, articles, errors, note)."""
    header = ("site", "status", "pages", "articles", "errors", "note")
    rows = []
    for name, s in sorted((stats.get("sites") or {}).items()):
        messages = [m for m in (s.get("messages") or []) if m]
        rows.append((name, str(s.get("status", "?")), str(s.get("pages", 0)), str(s.get("articles", 0)),
                     str(s.get("errors", 0)), messages[0] if messages and s.get("status") != "ok" else ""))
    if not rows:
        return "no site was crawled"
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {2, 3, 4}

    def fmt(row) -> str:
        cells = [c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(row)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    totals = ("total", "", str(sum(int(r[2]) for r in rows)), str(sum(int(r[3]) for r in rows)),
              str(sum(int(r[4]) for r in rows)), "")
    return "\n".join([fmt(header), rule, *map(fmt, rows), rule, fmt(totals)])
