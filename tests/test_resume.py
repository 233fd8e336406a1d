"""kill -9 in the middle of a crawl, then resume with the same JOBDIR: nothing lost, nothing twice."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import FAST_CRAWL, ROOT, db_rows
from crawler.run import crawl
from crawler.sites import load_site

pytestmark = pytest.mark.e2e


def crawl_command(site: str, base_url: str, db, jobdir) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={site}", "-a", f"base_url={base_url}",
            "-s", f"CCHC_DB={db}", "-s", f"JOBDIR={jobdir}", "-s", "DOWNLOAD_DELAY=0.3",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=ERROR"]


def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path, replay, truth):
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    command = crawl_command("hanoi", replay.sites["hanoi"], db, jobdir)
    crawl = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some articles are in, then kill without warning
        if db.exists() and db_rows(db, "SELECT count(*) FROM pages WHERE kind = 'article'")[0][0] >= 2:
            break
        time.sleep(0.1)
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    before = db_rows(db, "SELECT count(*) FROM articles")[0][0]
    assert 0 < before < 7, "the kill should land in the middle of the crawl"

    subprocess.run(command, cwd=ROOT, check=True, timeout=120)

    want = {a["url"] for a in truth["articles"] if a["site"] == "hanoi"}
    urls = [u for (u,) in db_rows(db, "SELECT url FROM articles")]
    assert sorted(u.replace(replay.sites["hanoi"], "") for u in urls) == sorted(want)
    assert db_rows(db, "SELECT count(*), count(DISTINCT url) FROM pages")[0] == \
        db_rows(db, "SELECT count(DISTINCT url), count(DISTINCT url) FROM pages")[0]
    orphans = "SELECT count(*) FROM pages p WHERE kind = 'article' AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.page_id = p.id)"
    assert db_rows(db, orphans)[0][0] == 0


def test_a_page_preserved_without_its_extraction_is_extracted_on_the_next_crawl(tmp_path, replay, truth):
    db = tmp_path / "archive.db"
    site = load_site("hanoi").with_base_url(replay.sites["hanoi"])
    crawl(db, sites=[site], settings=FAST_CRAWL)
    conn = sqlite3.connect(db)
    with conn:  # as if the crawl had been killed between preserving the pages and storing their records
        conn.execute("DELETE FROM appearances")
        conn.execute("DELETE FROM rankings")
        conn.execute("DELETE FROM documents")
        conn.execute("DELETE FROM articles")
    conn.close()
    crawl(db, sites=[site], settings=FAST_CRAWL, incremental=True)  # fetches no known article again
    assert db_rows(db, "SELECT count(*) FROM articles")[0][0] == sum(1 for a in truth["articles"] if a["site"] == "hanoi")
