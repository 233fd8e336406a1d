"""Datasette's table search on articles (`/archive/articles.json?_search=`), run by the project
plugin: the query folded (đ→d) like the index, column search on the indexed columns, and bounded to
the newest TABLE_SEARCH_CAP matches when there are more (saying so), so a common word stays cheap."""
from __future__ import annotations

import sqlite3

import pytest

import publish_fixtures  # noqa: F401,E402  (puts tests/fixtures/publish on the path)
from publish_client import Client  # noqa: E402
from cchc.plugins.cchc_publish import TABLE_SEARCH_CAP
from store import Archive

CAP = TABLE_SEARCH_CAP


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    path = tmp_path_factory.mktemp("table-search") / "archive.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    with conn:  # the store's triggers index every row
        conn.executemany("INSERT INTO articles (id, url, title, text, relevant) VALUES (?, ?, ?, ?, 0)",
                         [(i, f"http://127.0.0.1/{i}", f"Tin số {i}", "Hội nghị tập huấn nghiệp vụ.")
                          for i in range(1, CAP + 11)])
        conn.execute("INSERT INTO articles (id, url, title, text, relevant) VALUES (?, ?, ?, ?, 1)",
                     [CAP + 20, "http://127.0.0.1/tien", "Đào tạo cán bộ", "Đồng chí Đỗ Quý Tiến phát biểu."])
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    c = Client(path)
    yield c
    c.close()


def test_diacritics_and_d_are_optional(many):
    for q in ("do quy tien", "Đỗ Quý Tiến", "ĐỖ QUÝ TIẾN"):
        data = many.json("/archive/articles.json?_search=" + q + "&_shape=objects&_sort=id")
        assert [r["url"] for r in data["rows"]] == ["http://127.0.0.1/tien"], q
        assert data["filtered_table_rows_count"] == 1


def test_column_search_and_unknown_columns(many):
    data = many.json("/archive/articles.json?_search_search_title=dao+tao&_shape=objects")
    assert [r["id"] for r in data["rows"]] == [CAP + 20]
    assert many.json("/archive/articles.json?_search_search_title=quy+tien&_shape=objects")["rows"] == []
    assert many.get("/archive/articles.json?_search_url=x").status_code == 400


def test_a_common_word_is_bounded_to_its_newest_matches(many):
    data = many.json("/archive/articles.json?_search=tap+huan&_shape=objects&_sort_desc=id&_facet=relevant")
    assert data["filtered_table_rows_count"] == CAP
    assert data["rows"][0]["id"] == CAP + 10  # the newest first
    assert "most recently archived" in data["human_description_en"]
    few = many.json("/archive/articles.json?_search=dao+tao&_shape=objects")
    assert "most recently archived" not in few["human_description_en"]


def test_the_search_box_is_still_offered(many):
    html = many.html("/archive/articles?_search=tap+huan&_sort=id")
    assert 'name="_search"' in html and "most recently archived" in html
