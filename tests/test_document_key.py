"""Cited document numbers are searched by a stored key (store.archive.document_key): folded, no
spaces. articles_citing_document matches part of it with or without diacritics; archives made
before the key existed get it filled in when opened."""
from __future__ import annotations

import sqlite3

import publish_fixtures  # noqa: F401,E402  (puts tests/fixtures/publish on the path)
from publish_client import Client  # noqa: E402
from store import Archive
from store.archive import document_key


def article(url: str, numbers: list[str]) -> dict:
    return {"url": url, "title": "Kế hoạch", "text": "Thực hiện kế hoạch.", "relevant": True, "officials": [],
            "rankings": [], "province": "Hà Nội",
            "documents": [{"number": n, "kind": "QĐ", "date": None, "evidence": n} for n in numbers]}


def test_document_key():
    assert document_key("1294/QĐ-BNV") == "1294/qd-bnv"
    assert document_key("204 / KH-UBND") == "204/kh-ubnd"
    assert document_key(None) is None


def test_citing_query_folds_both_sides(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.save_article(article("http://127.0.0.1/a", ["1294/QĐ-BNV", "204/KH-UBND"]))
    archive.save_article(article("http://127.0.0.1/b", ["30c/NQ-CP"]))
    archive.close()
    c = Client(path)
    try:
        for q in ("1294/QD-BNV", "1294/qđ", "QĐ-BNV", "1294 / QD"):
            rows = c.json("/archive/articles_citing_document.json?_shape=objects&number=" + q)["rows"]
            assert [r["number"] for r in rows] == ["1294/QĐ-BNV"], q
        assert c.json("/archive/articles_citing_document.json?_shape=objects&number=nq-cp")["rows"][0]["url"] \
            == "http://127.0.0.1/b"
    finally:
        c.close()


def test_older_archives_get_the_key(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.save_article(article("http://127.0.0.1/a", ["1294/QĐ-BNV"]))
    archive.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("ALTER TABLE documents DROP COLUMN number_key")
    conn.close()
    archive = Archive(path)
    assert archive.db.execute("SELECT number_key FROM documents").fetchall() == [("1294/qd-bnv",)]
    archive.close()
