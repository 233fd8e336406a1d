"""One crawl, one process tree: kill -9 of the crawl ends its crawler child, a second crawl on the
same archive refuses while one runs, and a relative --db means the caller's directory."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CRAWLER_FIXTURES, FAST_CRAWL, ROOT, db_rows
from crawler.run import crawl
from crawler.sites import from_dict
from replay.bulk import start_bulk

pytestmark = pytest.mark.e2e

SETTINGS = {**FAST_CRAWL, "LOG_LEVEL": "ERROR", "DOWNLOAD_TIMEOUT": 600}


def start(tmp_path: Path, site, db: Path) -> subprocess.Popen:
    config, settings = tmp_path / "site.json", tmp_path / "settings.json"
    config.write_text(json.dumps(site.config()), encoding="utf-8")
    settings.write_text(json.dumps(SETTINGS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(CRAWLER_FIXTURES)])}
    return subprocess.Popen([sys.executable, str(CRAWLER_FIXTURES / "crawl_site.py"), str(config), str(db), "-",
                             str(settings)], cwd=tmp_path, env=env)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for_pages(proc: subprocess.Popen, db: Path, n: int) -> None:
    """Poll the archive until `n` pages are committed (the site holds the rest, so the crawl waits)."""
    while proc.poll() is None:
        try:
            if db.exists() and db_rows(db, "SELECT count(*) FROM pages")[0][0] >= n:
                return
        except Exception:  # the schema is being created
            pass
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass
    raise AssertionError(f"the crawl ended early (exit {proc.returncode})")


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")


@needs_proc
def test_kill_9_of_the_crawl_ends_its_crawler_child(tmp_path):
    with start_bulk(100) as site:
        site.hold_after(15)  # the crawl is certainly still running when we look
        proc = start(tmp_path, site, tmp_path / "a.db")
        wait_for_pages(proc, tmp_path / "a.db", 5)
        [child] = children(proc.pid)
        assert alive(child)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # the child was told to die with its parent (PR_SET_PDEATHSIG): the kernel kills it at once;
        # the deadline only bounds a broken build, it is no synchronisation
        deadline = time.monotonic() + 60
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)


def test_a_second_crawl_on_the_same_archive_refuses_while_one_runs(tmp_path):
    db = tmp_path / "a.db"
    with start_bulk(100) as site:
        site.hold_after(15)
        proc = start(tmp_path, site, db)
        try:
            wait_for_pages(proc, db, 5)
            report = crawl(db, sites=[from_dict(site.config())], settings=SETTINGS)
            assert not report["ok"]
            assert "another crawl is writing to" in " ".join(report["messages"])
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            site.release()
        # the lock died with its holder: the next crawl runs
        assert crawl(db, sites=[from_dict(site.config())], settings=SETTINGS)["ok"]


def test_a_relative_db_is_in_the_callers_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with start_bulk(5) as site:
        report = crawl("relative.db", sites=[from_dict(site.config())], settings=SETTINGS)
    assert report["ok"]
    assert db_rows(tmp_path / "relative.db", "SELECT count(*) FROM articles")[0][0] == 5
    assert not (ROOT / "relative.db").exists()
