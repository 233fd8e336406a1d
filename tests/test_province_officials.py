"""The officials on a province page (cchc/web/province.py), aggregated in SQL: most articles first,
then the most recently seen; each with the title of its latest dated appearance that has one."""
from __future__ import annotations

import sqlite3

from cchc.web import province
from store import Archive


def event(url: str, date: str, officials: list[dict]) -> dict:
    return {"url": url, "title": "Lớp bồi dưỡng", "text": "Sở Nội vụ mở lớp. " + " ".join(o["name"] for o in officials),
            "relevant": True, "province": "Vĩnh Phúc", "published_date": date, "event_start": date,
            "officials": officials, "rankings": [], "documents": []}


def test_officials_ranked_with_their_latest_title(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    lan, hoa = {"name": "Nguyễn Thị Lan"}, {"name": "Trần Văn Hòa"}
    archive.save_article(event("http://x/1", "2019-01-05", [{**lan, "title": "Phó Giám đốc Sở Nội vụ"}, hoa]))
    archive.save_article(event("http://x/2", "2021-03-01", [{**lan, "title": "Giám đốc Sở Nội vụ"}]))
    archive.save_article(event("http://x/3", "2023-06-01", [lan]))  # no title stated: the 2021 one stays
    archive.save_article(event("http://x/4", "2024-01-01", [{**hoa, "title": "Chánh Văn phòng Sở"}]))
    archive.save_article(event("http://x/5", "2018-01-01", [{"name": "Lê Văn Nam"}, {"name": "Lê Văn Nam"}]))
    archive.close()
    conn = sqlite3.connect(path)
    officials = province.province_context(conn, "Vĩnh Phúc")["officials"]
    conn.close()
    got = [(o["name"], o["articles"], o["last_seen"], o["latest_title"]) for o in officials]
    assert got == [("Nguyễn Thị Lan", 3, "2023-06-01", "Giám đốc Sở Nội vụ"),
                   ("Trần Văn Hòa", 2, "2024-01-01", "Chánh Văn phòng Sở"),
                   ("Lê Văn Nam", 1, "2018-01-01", None)]
