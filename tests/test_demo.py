"""Acceptance of the demo build: the replay crawled into an archive over loopback.

The five seed articles are in it with the right title and date and marked relevant, every
non-training article is marked not relevant, no body carries page chrome, and a second build
changes no row counts."""
import json
import re
import sqlite3
from urllib.parse import urlsplit

import jsonschema
import pytest
from click.testing import CliRunner

from cchc.cli import cli
from store import Archive
from conftest import SHARED
from replay import load_truth

pytestmark = pytest.mark.e2e

# Text that only page chrome carries (calendars, counters, forms, related lists, print bars).
CHROME = [r"Tháng \d{1,2}, \d{4}", r"\bCN T2 T3\b", r"Hôm nay:\s*\d", r"Đã truy cập", r"Lượt xem",
          r"View count", r"Gửi bình luận", r"Các tin khác", r"Tin liên quan", r"Cỡ chữ", r"In bài viết",
          r"Tổng lượt truy cập", r"Đang truy cập", r"Thống kê truy cập", r"Tìm kiếm theo chuyên mục",
          r"Xem tiếp", r"Trang sau", r"Những tin (mới|cũ) hơn", r"Từ khóa:"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def articles(demo_db):
    db = sqlite3.connect(demo_db)
    db.row_factory = sqlite3.Row
    return {(r["site"], path_of(r["url"])): dict(r) for r in db.execute("SELECT * FROM articles")}


def test_every_replay_article_is_archived_and_nothing_else(articles):
    truth = load_truth()["articles"]
    assert {(a["site"], a["url"]) for a in truth} == set(articles)


def test_seeds_have_title_date_and_relevance(articles):
    seeds = [a for a in load_truth()["articles"] if a["seed"]]
    assert len(seeds) == 5
    for seed in seeds:
        row = articles[(seed["site"], seed["url"])]
        assert row["title"] == seed["title"]
        assert row["published_date"] == seed["published_date"]
        assert row["relevant"] == 1, seed["title"]


def test_relevance_titles_dates_and_authors_match_the_truth(articles):
    for a in load_truth()["articles"]:
        row = articles[(a["site"], a["url"])]
        assert bool(row["relevant"]) == a["relevant"], a["title"]
        assert row["title"] == a["title"]
        assert row["published_date"] == a["published_date"], a["title"]
        assert row["author"] == a["author"], a["title"]


def test_no_body_contains_chrome(articles):
    for key, row in articles.items():
        for pattern in CHROME:
            assert not re.search(pattern, row["text"], re.I), (key, pattern)
        assert len(row["text"]) > 300, key


def test_second_build_changes_no_row_counts(demo_db, replay_base_port):
    from cchc.demo import build_demo

    before = Archive(demo_db).counts()
    build_demo(demo_db, base_port=replay_base_port)
    assert Archive(demo_db).counts() == before


def test_reextract_changes_no_row_counts(demo_db):
    before = Archive(demo_db).counts()
    result = CliRunner().invoke(cli, ["reextract", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert Archive(demo_db).counts() == before


@pytest.mark.skipif(not (SHARED / "schema").exists(), reason="../shared is not beside the project")
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_validates_against_the_shared_schema(demo_db, fmt):
    schema = json.loads((SHARED / "schema" / "article.schema.json").read_text())
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--format", fmt])
    assert result.exit_code == 0
    records = json.loads(result.output) if fmt == "json" else [json.loads(l) for l in result.output.splitlines()]
    assert len(records) == len(load_truth()["articles"])
    for record in records:
        jsonschema.validate(record, schema)


def test_csv_export_with_bom_for_excel(demo_db, tmp_path):
    out = tmp_path / "a.csv"
    result = CliRunner().invoke(cli, ["export", "--db", str(demo_db), "--format", "csv", "--bom", "-o", str(out)])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "Đỗ Quý Tiến".encode() in data
