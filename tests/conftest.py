"""Shared fixtures: the demo archive, built once per test session from the replay over loopback."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of an archive built by the real pipeline (replay → crawl → extract → store)."""
    from cchc.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "archive.db"
    build_demo(path)
    return path
