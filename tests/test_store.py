"""The archive database: preservation, idempotent upserts, diacritic-free search, the people merge rule."""
import sqlite3

import pytest

from extract.normalize import fold
from store import CENTRAL_SCOPE, Archive, ArchiveError, person_scope


def record(url, province="Vĩnh Phúc", officials=(), title="Lớp bồi dưỡng nghiệp vụ cải cách hành chính",
           text="Sở Nội vụ mở lớp tập huấn."):
    return {"url": url, "title": title, "text": text, "published_date": "2019-11-29", "author": None,
            "relevant": True, "province": province, "event_type": "lớp bồi dưỡng", "event_start": "2019-11-13",
            "event_end": "2019-11-13", "learners": {"count": 1703, "qualifier": "exact", "text": "1.703 học viên"},
            "venues_count": 11, "officials": list(officials),
            "rankings": [{"index": "PAR INDEX", "year": 2018, "rank": 14, "total": 63, "change": 6,
                          "subject": province, "evidence": "xếp thứ 14/63"}],
            "documents": [{"number": "204/KH-UBND", "date": "2021-12-23", "evidence": "Kế hoạch số 204/KH-UBND"}]}


TIEN = {"name": "Đỗ Quý Tiến", "title": "Phó Vụ trưởng Vụ Cải cách hành chính, Bộ Nội vụ", "honorific": "đồng chí",
        "evidence": "đồng chí Đỗ Quý Tiến, Phó Vụ trưởng"}


@pytest.fixture
def archive(tmp_path):
    a = Archive(tmp_path / "archive.db")
    yield a
    a.close()


def test_page_is_preserved_as_fetched(archive):
    body = "<html><body>Tập huấn</body></html>".encode()
    pid = archive.save_page(url="http://127.0.0.1/a", body=body, status=200,
                            headers={"Content-Type": ["text/html; charset=utf-8"]}, site=None, kind="article")
    assert archive.page_body(pid) == body
    row = archive.db["pages"].get(pid)
    assert row["status"] == 200 and row["content_type"].startswith("text/html")
    assert len(row["content_hash"]) == 64 and row["content_length"] == len(body)


def test_same_page_twice_is_one_row_and_a_change_is_a_new_version(archive):
    a = archive.save_page(url="http://127.0.0.1/a", body=b"v1")
    assert archive.save_page(url="http://127.0.0.1/a", body=b"v1") == a
    b = archive.save_page(url="http://127.0.0.1/a", body=b"v2")
    assert b != a and archive.db["pages"].count == 2
    assert [p["id"] for p in archive.iter_pages(kind=None)] == [b]


def test_saving_an_article_twice_changes_no_counts(archive):
    archive.save_article(record("http://127.0.0.1/a", officials=[TIEN]))
    before = archive.counts()
    archive.save_article(record("http://127.0.0.1/a", officials=[TIEN]))
    assert archive.counts() == before
    assert before["articles"] == 1 and before["appearances"] == 1 and before["rankings"] == 1


@pytest.mark.parametrize("query", ["do quy tien", "Đỗ Quý Tiến", "DO QUY TIEN", "tap huan", "tập huấn"])
def test_search_ignores_diacritics_including_d(archive, query):
    # the index holds the text with đ→d: every reader (search page, canned queries, the table
    # search's escape_fts) looks it up with the folded query
    archive.save_article(record("http://127.0.0.1/a", text="Có đồng chí Đỗ Quý Tiến dự lớp tập huấn."))
    archive.save_article(record("http://127.0.0.1/b", text="Hội nghị tổng kết."))
    hits = archive.db.execute(
        "SELECT a.url FROM articles_fts f JOIN articles a ON a.id = f.rowid WHERE articles_fts MATCH ?",
        [f'"{fold(query)}"']).fetchall()
    assert hits == [("http://127.0.0.1/a",)]


def test_people_search_without_diacritics(archive):
    archive.save_article(record("http://127.0.0.1/a", officials=[TIEN]))
    hits = archive.db.execute("SELECT name FROM people_fts WHERE people_fts MATCH 'do quy tien'").fetchall()
    assert hits == [("Đỗ Quý Tiến",)]


def test_central_official_is_one_person_across_provinces(archive):
    archive.save_article(record("http://127.0.0.1/a", province="Vĩnh Phúc", officials=[TIEN]))
    archive.save_article(record("http://127.0.0.1/b", province="Hưng Yên", officials=[TIEN]))
    assert archive.db["people"].count == 1 and archive.db["appearances"].count == 2


def test_same_name_in_two_provinces_is_two_people(archive):
    local = {"name": "Nguyễn Văn Hùng", "title": "Phó Giám đốc Sở Nội vụ", "honorific": "ông"}
    archive.save_article(record("http://127.0.0.1/a", province="Vĩnh Phúc", officials=[local]))
    archive.save_article(record("http://127.0.0.1/b", province="Hưng Yên", officials=[local]))
    scopes = sorted(r["scope"] for r in archive.db["people"].rows)
    assert scopes == ["Hưng Yên", "Vĩnh Phúc"]


def test_tone_variants_are_one_person(archive):
    hoa1 = {"name": "Trần Văn Hòa", "title": "Phó Giám đốc Sở Nội vụ", "honorific": "đồng chí"}
    hoa2 = {"name": "Trần Văn Hoà", "title": "Phó Giám đốc Sở Nội vụ", "honorific": "ông"}
    archive.save_article(record("http://127.0.0.1/a", officials=[hoa1]))
    archive.save_article(record("http://127.0.0.1/b", officials=[hoa2]))
    assert archive.db["people"].count == 1


@pytest.mark.parametrize("title, scope", [
    ("Phó Vụ trưởng Vụ Cải cách hành chính, Bộ Nội vụ", CENTRAL_SCOPE),
    ("Viện trưởng viện Lãnh đạo học, Học viện chính trị quốc gia Hồ Chí Minh", CENTRAL_SCOPE),
    ("Phó Giám đốc Sở Nội vụ", "Hà Nội"),
    ("Trưởng phòng Tổ chức cán bộ", "Hà Nội"),
    (None, "Hà Nội"),
])
def test_person_scope(title, scope):
    assert person_scope(title, "Hà Nội") == scope


def test_records_round_trip(archive):
    archive.save_article(record("http://127.0.0.1/a", officials=[TIEN]))
    [rec] = list(archive.iter_records())
    assert rec["officials"][0]["name"] == "Đỗ Quý Tiến"
    assert rec["learners"] == {"count": 1703, "qualifier": "exact", "text": "1.703 học viên"}
    assert rec["documents"][0]["number"] == "204/KH-UBND" and rec["province_now"] == "Phú Thọ"


def test_corrupt_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a readable SQLite database"):
        Archive(bad)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(tmp_path / "none.db", create=False)


def test_foreign_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(ArchiveError, match="not a cchc archive"):
        Archive(other, create=False)


def test_a_name_dropped_by_reextraction_leaves_no_orphan_person(archive):
    archive.save_article(record("http://127.0.0.1/a", officials=[TIEN]))
    archive.save_article(record("http://127.0.0.1/a", officials=[]))
    assert archive.db["people"].count == 0 and archive.db["appearances"].count == 0


def test_saving_again_keeps_the_ids_of_facts_that_are_still_there(archive):
    first = record("https://a.example/1", officials=[TIEN])
    first["rankings"].append({"index": "SIPAS", "year": 2019, "rank": 3, "total": 63, "change": None,
                              "subject": "Vĩnh Phúc", "evidence": "SIPAS xếp thứ 3"})
    article_id = archive.save_article(first)
    ids = {t: [r[0] for r in archive.db.execute(f"SELECT id FROM {t} ORDER BY id")]
           for t in ("appearances", "rankings", "documents")}
    archive.save_article(first)  # a re-extraction that finds the same facts
    assert ids == {t: [r[0] for r in archive.db.execute(f"SELECT id FROM {t} ORDER BY id")] for t in ids}
    changed = {**first, "rankings": first["rankings"][:1]}  # the SIPAS ranking is no longer found
    assert archive.save_article(changed) == article_id
    assert [r[0] for r in archive.db.execute("SELECT id FROM rankings")] == ids["rankings"][:1]
    assert [r[0] for r in archive.db.execute("SELECT id FROM appearances")] == ids["appearances"]
