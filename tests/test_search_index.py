"""The articles' full-text index (store/archive.py): title and text with đ→d in generated columns
(nothing stored twice), diacritics optional through the tokenizer, phrases kept, the index in step
with every insert, re-extraction and delete, older archives migrated, snippets as written."""
from __future__ import annotations

import sqlite3

import sqlite_utils

from cchc.web import search
from extract.normalize import fold
from store import Archive


def article(url: str, title: str, text: str) -> dict:
    return {"url": url, "title": title, "text": text, "relevant": False, "officials": [], "rankings": [],
            "documents": [], "province": "Hà Nội"}


def matches(conn: sqlite3.Connection, query: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid",
                                       [query])]


def integrity(conn: sqlite3.Connection) -> None:
    # rank 1: also compares the index with what the content table (articles) holds now
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_folded_words_and_phrases_match_the_text_as_written(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    a = archive.save_article(article("http://x/a", "Đào tạo cán bộ", "Đồng chí Đỗ Quý Tiến dự lớp đào tạo về cải cách hành chính."))
    b = archive.save_article(article("http://x/b", "Tin khác", "Hành chính công; cải cách thể chế; Đỗ Văn Tiến."))
    conn = archive.db.conn
    assert matches(conn, search.fts_phrase("dao tao")) == [a]
    assert matches(conn, search.fts_phrase("Đào tạo")) == [a]  # accents typed: folded the same way
    assert matches(conn, search.fts_phrase("do quy tien")) == [a]
    assert matches(conn, search.fts_phrase("cai cach hanh chinh")) == [a]  # b has the words, not the phrase
    assert matches(conn, search.fts_words("cai cach hanh chinh")) == [a, b]
    assert matches(conn, "{search_title} : " + search.fts_phrase("dao tao")) == [a]
    integrity(conn)
    archive.close()


def test_the_text_is_stored_once(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.save_article(article("http://x/a", "Đào tạo", "Đỗ Quý Tiến"))
    conn = archive.db.conn
    hidden = {r[1]: r[6] for r in conn.execute("PRAGMA table_xinfo(articles)")}
    assert hidden["search_title"] == 2 and hidden["search_text"] == 2  # virtual generated columns
    assert conn.execute("SELECT search_title, search_text FROM articles").fetchone() == ("Dào tạo", "Dỗ Quý Tiến")
    assert "content='articles'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    archive.close()


def test_reextraction_and_delete_keep_the_index_in_step(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    a = archive.save_article(article("http://x/a", "Lớp đào tạo", "Bồi dưỡng nghiệp vụ."))
    conn = archive.db.conn
    archive.save_article(article("http://x/a", "Lớp tập huấn", "Đối thoại chính sách."))  # same URL: an update
    assert matches(conn, search.fts_phrase("dao tao")) == []
    assert matches(conn, search.fts_phrase("doi thoai")) == [a]
    conn.execute("UPDATE articles SET extractor_version = 'x'")  # not indexed: no re-indexing
    integrity(conn)
    with conn:
        conn.execute("DELETE FROM articles WHERE id = ?", [a])
    assert matches(conn, search.fts_phrase("doi thoai")) == []
    integrity(conn)
    archive.close()


def test_an_older_archive_is_migrated(tmp_path):
    """An archive indexed the earlier way (title, text and a stored folded copy, sqlite-utils
    triggers) loses the copy and gets the new index, its articles searchable at once."""
    path = tmp_path / "archive.db"
    Archive(path).close()
    db = sqlite_utils.Database(path)
    with db.conn:  # back to the earlier layout
        for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            db.conn.execute(f"DROP TRIGGER {name}")
        db.conn.execute("DROP TABLE articles_fts")
        db.conn.execute("ALTER TABLE articles DROP COLUMN search_title")
        db.conn.execute("ALTER TABLE articles DROP COLUMN search_text")
        db.conn.execute("ALTER TABLE articles ADD COLUMN search_text TEXT")
    db["articles"].enable_fts(["title", "text", "search_text"], tokenize="unicode61 remove_diacritics 2",
                              create_triggers=True)
    db["articles"].insert({"id": 7, "url": "http://x/old", "title": "Đào tạo", "text": "Đỗ Quý Tiến phát biểu",
                           "search_text": fold("Đào tạo\nĐỗ Quý Tiến phát biểu")})
    db.conn.close()
    archive = Archive(path)
    conn = archive.db.conn
    stored = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "search_text" not in stored  # generated now, not stored
    assert matches(conn, search.fts_phrase("do quy tien")) == [7]
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert not {"articles_ai", "articles_ad", "articles_au"} & names
    integrity(conn)
    archive.close()
    Archive(path).close()  # opening again changes nothing


def test_snippet_shows_the_text_as_written_around_the_query():
    text = ("Mở đầu bài viết dài. " * 20 + "Đồng chí Đỗ Quý Tiến phát biểu tại lớp đào tạo. " + "Kết thúc. " * 20)
    fragment = search.snippet(text, search.query_words("do quy tien"))
    assert "Đỗ Quý Tiến" in fragment and fragment.startswith("… ") and fragment.endswith(" …")
    marked = search.highlight(fragment, search.query_words("do quy tien"))
    assert '<mark class="cchc-hit">Đỗ Quý Tiến</mark>' in marked
    # words apart: the stretch holding most of them
    words = search.query_words("tien dao tao")
    assert "Tiến" in search.snippet(text, words) and "đào tạo" in search.snippet(text, words)
    assert search.snippet("Không có gì.", ["xyz"]) == "Không có gì."

