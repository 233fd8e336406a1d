"""Shared fixtures: the demo archive, built once per test session from the replay over loopback."""
from __future__ import annotations

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
