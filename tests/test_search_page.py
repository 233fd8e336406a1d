"""Search a journalist can trust (`/-/search?q=`): phrase hits before word hits, FTS5 snippets with
the match highlighted (escaped), diacritics optional (đ included), people and articles with counts,
and the table search box leading to the ranked page."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from publish_fixtures import client, published_db  # noqa: F401
from publish_client import Client, Elements, text_of  # noqa: E402
from cchc.web import search
from store import Archive

VINH_PHUC_TITLE = "Sở Nội vụ Vĩnh Phúc mở Lớp bồi dưỡng nghiệp vụ về công tác cách hành chính năm 2019"


def article(url: str, title: str, text: str) -> dict:
    return {"url": url, "title": title, "text": text, "relevant": False, "officials": [], "rankings": [],
            "documents": [], "province": "Hà Nội"}


@pytest.fixture(scope="module")
def words_archive(tmp_path_factory) -> Path:
    """Two articles: one with the words 'quy tiến' scattered many times (high bm25 for the words),
    one with the phrase 'Quý Tiến' once in a long text: the phrase must still come first."""
    path = tmp_path_factory.mktemp("search") / "archive.db"
    archive = Archive(path)
    archive.save_article(article("http://127.0.0.1/scattered", "Quy định tiến độ quy trình tiến hành",
                                 "Quy chế về tiến độ. " * 5 + "Quy trình tiến hành theo quy định."))
    archive.save_article(article("http://127.0.0.1/phrase", "Hội nghị tập huấn",
                                 "Sở Nội vụ tổ chức hội nghị. " * 30 + "Ông Quý Tiến phát biểu."))
    archive.save_article(article("http://127.0.0.1/d", "Đào tạo cán bộ <b>đoàn</b>",
                                 "Lớp đào tạo <script>x()</script> về Đảng và đoàn thể."))
    archive.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    return path


def test_phrase_hits_come_before_word_hits(words_archive):
    conn = sqlite3.connect(words_archive)
    result = search.search_articles(conn, "quy tien")
    conn.close()
    urls = [r["url"] for r in result["rows"]]
    assert urls == ["http://127.0.0.1/phrase", "http://127.0.0.1/scattered"]
    assert [r["tier"] for r in result["rows"]] == ["phrase", "words"]
    assert result["count"] == 2 and result["phrase_count"] == 1


def test_snippet_highlights_the_match_as_written(words_archive):
    c = Client(words_archive)
    try:
        html = c.html("/-/search?q=dao+tao")
        page = Elements(html)
        hits = page.select("mark", "cchc-hit")
        assert "Đào tạo" in [text_of(h) for h in hits]  # đ folded to d, the text shown as written
        assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
        assert "<b>đoàn</b>" not in html
    finally:
        c.close()


def test_people_and_articles_in_one_answer_with_counts(client):
    page = Elements(client.html("/-/search?q=do+quy+tien"))
    counts = text_of(page.select("p", "cchc-counts")[0])
    assert "1 official" in counts
    people = page.select("section", "search-search_people")[0]
    assert "Đỗ Quý Tiến" in text_of(people)
    titles = [text_of(a) for a in page.select("a", "cchc-hit-title")]
    assert titles[0] == VINH_PHUC_TITLE  # the only article naming him comes first
    snippets = page.select("p", "cchc-snippet")
    assert snippets and any(text_of(m) for m in page.select("mark", "cchc-hit"))
    # the first snippet shows why it matched: the name as written, highlighted (found through đ→d)
    first = page.found.index(snippets[0])
    marks = [e for e in page.found[first:first + 40] if e["tag"] == "mark"]
    assert "Đỗ Quý Tiến" in [text_of(m) for m in marks]


def test_table_search_leads_to_the_ranked_page(client):
    r = client.get("/archive/articles?_search=do+quy+tien")
    assert r.status_code == 302 and r.headers["location"] == "/-/search?q=do+quy+tien"
    assert client.get("/archive/articles?_search=do+quy+tien&province=V%C4%A9nh+Ph%C3%BAc").status_code == 200
    data = client.json("/archive/search_articles.json?q=do+quy+tien&_shape=objects")["rows"]
    assert data[0]["title"] == VINH_PHUC_TITLE and data[0]["matched_as"] == "phrase"


def test_empty_and_syntax_queries_are_harmless(client):
    for q in ("", '"', "AND OR NOT", "*", "title:x", "NEAR("):
        assert client.get("/-/search?q=" + q).status_code == 200, q
        assert client.get("/archive/search_articles.json?q=" + q).status_code == 200, q
