"""Shared fixtures: the demo archive, built once per test session from the replay over loopback."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The demo archive is keyed by URL, and replay URLs carry the port: tests that rebuild the same
# archive use fixed ports (away from the demo's own 18410+).
TEST_REPLAY_PORT = 18610


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of an archive built by the real pipeline (replay → crawl → extract → store)."""
    from cchc.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "archive.db"
    build_demo(path, base_port=TEST_REPLAY_PORT)
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
