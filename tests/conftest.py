"""Shared fixtures: the demo archive, built once per test session from the replay over loopback."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CRAWLER_FIXTURES = ROOT / "tests" / "fixtures" / "crawler"
# Crawl settings for tests: no politeness delays against our own loopback servers.
FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
              "CCHC_CRAWL_DELAY_MAX": 0.01, "RETRY_TIMES": 0}


def free_port_block(count: int, start: int = 20000) -> int:
    """A base port such that base … base+count-1 are all free on 127.0.0.1 right now."""
    for base in range(start, 60000, count + 7):
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                sockets.append(sock)
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no block of free loopback ports")


@pytest.fixture(scope="session")
def replay_base_port() -> int:
    """The demo archive is keyed by URL, and replay URLs carry the port: tests that rebuild the
    same archive use the same ports, chosen free once per session."""
    from replay.server import SITE_NAMES

    return free_port_block(len(SITE_NAMES))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, replay_base_port) -> Path:
    """Path of an archive built by the real pipeline (replay → crawl → extract → store)."""
    from cchc.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "archive.db"
    build_demo(path, base_port=replay_base_port)
    return path


def seed_bodies() -> list[tuple[str, dict, str]]:
    """(file, gold, body text) for each shared seed, the body as production reads it
    (`extract.page.parse_text`: no title, date line, byline or trailing chrome). [] without ../shared."""
    from extract.page import parse_text

    gold_path = SHARED / "gold" / "seeds.json"
    if not gold_path.exists():
        return []
    return [(a["file"], a["gold"], parse_text((SHARED / "seeds" / a["file"]).read_text(encoding="utf-8")).text)
            for a in json.loads(gold_path.read_text(encoding="utf-8"))["articles"]]


def db_rows(db: Path, sql: str, args=()) -> list[tuple]:
    """Rows of one query on an archive file."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def stub_extractor():
    """Make tests/fixtures/crawler (the stub extractor, the minisite) importable here and in the
    crawl child process, which gets PYTHONPATH from the environment."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(CRAWLER_FIXTURES), old) if p)
    sys.path.insert(0, str(CRAWLER_FIXTURES))
    yield "stub_extract:extract_html"
    sys.path.remove(str(CRAWLER_FIXTURES))
    if old is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = old


@pytest.fixture(scope="module")
def truth() -> dict:
    """replay/truth.json: every replay article and site."""
    from replay import load_truth

    return load_truth()


@pytest.fixture(scope="module")
def replay():
    """The replay, running on free loopback ports for one test module."""
    from replay.server import start_replay

    with start_replay() as running:
        yield running
