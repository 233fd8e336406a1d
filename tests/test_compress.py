"""Page bodies compressed with a per-site zstd dictionary come back byte for byte (SHA-256 checked);
old zlib rows stay readable; bodies take a small share of their raw size."""
from __future__ import annotations

import hashlib
import zlib

from replay.large import build_large_site, render
from store import Archive
from store.compress import TRAIN_PAGES


def _bodies(name: str, n: int) -> list[bytes]:
    site = build_large_site(name, n, seed=7)
    return [render(site, site.articles[i].path) for i in range(n)]


def test_bodies_round_trip_exactly_through_the_site_dictionary(tmp_path):
    archive = Archive(tmp_path / "a.db")
    stored = {}
    for name in ("hungyen", "vinhphuc"):
        archive.save_site({"name": name})
        for i, body in enumerate(_bodies(name, TRAIN_PAGES + 40)):
            page_id = archive.save_page(url=f"http://{name}/{i}", body=body, site=name, kind="article")
            stored[page_id] = hashlib.sha256(body).hexdigest()
    rows = archive.db.execute("SELECT id, body_encoding, dictionary_id, content_hash FROM pages").fetchall()
    assert {enc for _, enc, _, _ in rows} == {"zstd-dict"}  # the first pages were re-encoded too
    assert archive.db.execute("SELECT count(DISTINCT site) FROM dictionaries").fetchone()[0] == 2
    for page_id, _, _, digest in rows:
        assert hashlib.sha256(archive.page_body(page_id)).hexdigest() == digest == stored[page_id]
    archive.close()
    reopened = Archive(tmp_path / "a.db", create=False)  # a fresh connection reads the dictionaries
    assert all(hashlib.sha256(reopened.page_body(i)).hexdigest() == d for i, d in stored.items())


def test_bodies_are_a_small_share_of_raw_bytes(tmp_path):
    archive = Archive(tmp_path / "a.db")
    bodies = _bodies("dongthap", TRAIN_PAGES * 2)
    archive.save_site({"name": "dongthap"})
    for i, body in enumerate(bodies):
        archive.save_page(url=f"http://d/{i}", body=body, site="dongthap", kind="article")
    stored = archive.db.execute("SELECT sum(length(body)) FROM pages").fetchone()[0]
    dictionaries = archive.db.execute("SELECT sum(length(dict)) FROM dictionaries").fetchone()[0]
    zlib_size = sum(len(zlib.compress(b, 6)) for b in bodies)
    assert stored + dictionaries < zlib_size / 4


def test_old_zlib_rows_and_a_site_below_the_training_size_stay_readable(tmp_path):
    archive = Archive(tmp_path / "a.db")
    body = _bodies("hanoi", 1)[0]
    with archive.db.conn:
        archive.db["pages"].insert({"url": "http://old/1", "body": zlib.compress(body, 6), "body_encoding": "zlib",
                                    "content_hash": hashlib.sha256(body).hexdigest(), "site": None, "kind": "article"})
    old_id = archive.page_id("http://old/1")
    archive.save_site({"name": "small"})
    small_id = archive.save_page(url="http://small/1", body=body, site="small", kind="article")
    assert archive.page_body(old_id) == body == archive.page_body(small_id)
    assert archive.db.execute("SELECT body_encoding FROM pages WHERE id = ?", [small_id]).fetchone()[0] == "zstd"


def test_an_archive_made_before_dictionaries_gains_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, url TEXT, final_url TEXT, status INTEGER, headers TEXT, "
                 "body BLOB, body_encoding TEXT, content_type TEXT, content_length INTEGER, content_hash TEXT, "
                 "fetched_at TEXT, last_seen_at TEXT, site TEXT, kind TEXT)")
    conn.execute("INSERT INTO pages (url, body, body_encoding, kind) VALUES ('http://o/1', ?, 'zlib', 'article')",
                 [zlib.compress(b"<html>old</html>")])
    conn.commit()
    conn.close()
    assert Archive(path, create=False).page_body(1) == b"<html>old</html>"  # read-only open: no schema change
    archive = Archive(path)
    assert archive.page_body(1) == b"<html>old</html>"
    new_id = archive.save_page(url="http://o/2", body=b"<html>new</html>", site="o")
    assert archive.page_body(new_id) == b"<html>new</html>"
