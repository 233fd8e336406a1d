"""kill -9 in the middle of a 600-article crawl, several times, then resume with the same --jobdir:
the archive ends exactly as after an uninterrupted crawl (same (URL, SHA-256) pages and articles),
nothing lost, nothing twice, integrity ok. Kill points are counts of rows written, polled."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from conftest import CRAWLER_FIXTURES, FAST_CRAWL, ROOT, db_rows
from crawler.run import crawl
from crawler.sites import from_dict
from replay.bulk import start_bulk

pytestmark = pytest.mark.e2e

N_ARTICLES = 600
KILL_AT_PAGES = (60, 260, 470)   # pages preserved when each kill lands (several buffers' worth each)
SETTINGS = {**FAST_CRAWL, "LOG_LEVEL": "ERROR"}


def rows(db, sql):
    return set(db_rows(db, sql))


def page_set(db):
    return rows(db, "SELECT url, content_hash FROM pages")


def article_set(db):
    return rows(db, "SELECT a.url, p.content_hash FROM articles a JOIN pages p ON p.id = a.page_id")


def count_pages(db) -> int:
    try:
        return db_rows(db, "SELECT count(*) FROM pages")[0][0]
    except sqlite3.Error:  # not created yet, or busy for a moment
        return 0


def start(tmp_path, site, db, jobdir) -> subprocess.Popen:
    config, settings = tmp_path / "site.json", tmp_path / "settings.json"
    config.write_text(json.dumps(site.config()), encoding="utf-8")
    settings.write_text(json.dumps(SETTINGS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(CRAWLER_FIXTURES)])}
    return subprocess.Popen([sys.executable, str(CRAWLER_FIXTURES / "crawl_site.py"), str(config), str(db),
                             str(jobdir), str(settings)], cwd=tmp_path, env=env)


def kill_when(proc: subprocess.Popen, db, pages: int) -> None:
    """SIGKILL the crawl (parent; its child dies with it) once `pages` pages are committed."""
    while proc.poll() is None and count_pages(db) < pages:
        try:
            proc.wait(timeout=0.05)  # poll the row count; the crawl's progress is what we wait for
        except subprocess.TimeoutExpired:
            pass
    assert proc.poll() is None, "the crawl ended before the kill point"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_several_times_then_resume_equals_an_uninterrupted_crawl(tmp_path):
    with start_bulk(N_ARTICLES) as site:
        reference = tmp_path / "reference.db"
        report = crawl(reference, sites=[from_dict(site.config())], settings=SETTINGS)
        assert report["ok"] and report["articles"] == N_ARTICLES

        db, jobdir = tmp_path / "resumed.db", tmp_path / "job"
        for point in KILL_AT_PAGES:
            # the site answers a few dozen requests past the kill point, then holds the rest: the
            # crawl cannot finish before it is killed, whatever the machine's speed
            site.hold_after(point - count_pages(db) + 40)
            kill_when(start(tmp_path, site, db, jobdir), db, point)
            site.release()
            assert db_rows(db, "SELECT count(*) FROM frontier WHERE state = 'queued'")[0][0] > 0
        final = crawl(db, sites=[from_dict(site.config())], settings=SETTINGS, jobdir=jobdir)

    assert final["ok"], final
    assert final["sites"]["bulk"]["resumed"] > 0  # the crawl says what it picked up
    assert page_set(db) == page_set(reference)
    assert article_set(db) == article_set(reference)
    assert len(article_set(db)) == N_ARTICLES
    assert db_rows(db, "SELECT count(*) FROM pages")[0][0] == db_rows(reference, "SELECT count(*) FROM pages")[0][0]
    assert db_rows(db, "SELECT count(*) - count(DISTINCT url) FROM articles")[0][0] == 0
    orphans = ("SELECT count(*) FROM pages p WHERE kind = 'article' AND NOT EXISTS "
               "(SELECT 1 FROM articles a WHERE a.page_id = p.id)")
    assert db_rows(db, orphans)[0][0] == 0
    assert db_rows(db, "PRAGMA integrity_check")[0][0] == "ok"
    assert db_rows(db, "SELECT count(*) FROM frontier")[0][0] == 0  # the finished job is cleared


def test_a_page_preserved_without_its_extraction_is_extracted_on_the_next_crawl(tmp_path):
    with start_bulk(40) as site:
        db = tmp_path / "archive.db"
        crawl(db, sites=[from_dict(site.config())], settings=SETTINGS)
        conn = sqlite3.connect(db)
        with conn:  # as if the crawl had been killed between preserving the pages and storing their records
            for table in ("appearances", "rankings", "documents", "article_links", "articles"):
                conn.execute(f"DELETE FROM {table}")
        conn.close()
        crawl(db, sites=[from_dict(site.config())], settings=SETTINGS, incremental=True)
    assert db_rows(db, "SELECT count(*) FROM articles")[0][0] == 40
