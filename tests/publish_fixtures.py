"""Fixtures shared by the reading-page tests: the published archive and an in-process client."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "publish"))
import publish_archives  # noqa: E402
from publish_client import Client  # noqa: E402


@pytest.fixture(scope="module")
def published_db(request, tmp_path_factory) -> Path:
    """The demo archive (real pipeline) plus the script-injection article and its two page versions."""
    demo = publish_archives.demo_or_none(request)
    return publish_archives.published_archive(tmp_path_factory.mktemp("published") / "archive.db", demo)


@pytest.fixture(scope="module")
def client(published_db):
    """Datasette configured like `cchc serve`, in-process."""
    c = Client(published_db)
    yield c
    c.close()
