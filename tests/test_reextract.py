"""`cchc reextract`: rebuilds articles from the preserved pages offline, records the extractor
version per row, and keeps article, appearance, ranking and document ids (publishing links to them)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import extract
from cchc.cli import cli
from conftest import FAST_CRAWL, db_rows
from crawler.run import crawl
from crawler.sites import from_dict
from replay.bulk import start_bulk

pytestmark = pytest.mark.e2e
TABLES = ("articles", "appearances", "rankings", "documents", "people")


def ids(db) -> dict[str, list[tuple]]:
    return {t: db_rows(db, f"SELECT * FROM {t} ORDER BY id") for t in TABLES if t != "articles"} | {
        "articles": db_rows(db, "SELECT id, url, page_id, title, text FROM articles ORDER BY id")}


def test_reextract_keeps_ids_and_records_the_extractor_version(tmp_path):
    db = tmp_path / "archive.db"
    with start_bulk(30) as site:
        crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL)
    before = ids(db)
    assert before["appearances"], "the bulk articles name officials"
    db_rows(db, "SELECT 1")  # the archive is closed by the crawl
    import sqlite3
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE articles SET extractor_version = 'old'")
    conn.close()
    result = CliRunner().invoke(cli, ["reextract", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Re-extracted 30 articles" in result.output
    assert ids(db) == before
    assert db_rows(db, "SELECT DISTINCT extractor_version FROM articles") == [(extract.__version__,)]
