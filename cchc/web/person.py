"""A person's page (`/archive/people/<id>`): headed by the name; the articles they appear in, by date,
each with its mentions and sentences; the titles they held over time; the provinces."""
from __future__ import annotations

import sqlite3

from cchc.web import common
from extract.normalize import person_key


def person_context(conn: sqlite3.Connection, person_id: int) -> dict | None:
    """Everything the person page shows, or None when there is no such person."""
    person = common.one(conn, "SELECT id, name, scope FROM people WHERE id = ?", [person_id])
    if person is None:
        return None
    mentions = common.rows(conn, """
        SELECT ap.id, ap.article_id, ap.name_as_written, ap.title, ap.honorific, ap.evidence,
               a.title AS article_title, a.province, a.province_now, a.url, a.event_type, a.relevant,
               coalesce(a.event_start, a.published_date) AS date
        FROM appearances ap JOIN articles a ON a.id = ap.article_id
        WHERE ap.person_id = ?
        ORDER BY date IS NULL, date, ap.article_id, coalesce(ap.span_start, 1e18), ap.id""", [person_id])
    articles: dict[int, dict] = {}
    titles: dict[str, dict] = {}
    places: dict[tuple, dict] = {}
    for m in mentions:
        entry = articles.setdefault(m["article_id"], {
            "article_id": m["article_id"], "title": m["article_title"], "date": m["date"],
            "province": m["province"], "province_now": m["province_now"], "url": m["url"],
            "href": common.article_path(m["article_id"]), "event_type": m["event_type"],
            "province_href": common.province_path(m["province"]), "mentions": []})
        entry["mentions"].append(m)
        if m["title"]:
            seen = titles.setdefault(person_key(m["title"]), {
                "title": m["title"], "first": m["date"], "last": m["date"], "articles": set()})
            seen["articles"].add(m["article_id"])
            if m["date"]:
                seen["first"] = min(filter(None, (seen["first"], m["date"])))
                seen["last"] = max(filter(None, (seen["last"], m["date"])))
        place = places.setdefault((m["province"], m["province_now"]), {
            "province": m["province"], "province_now": m["province_now"], "articles": set(),
            "href": common.province_path(m["province"])})
        place["articles"].add(m["article_id"])
    for entry in articles.values():
        entry["evidence"] = list(dict.fromkeys(m["evidence"] for m in entry["mentions"] if m["evidence"]))
        entry["titles"] = list(dict.fromkeys(m["title"] for m in entry["mentions"] if m["title"]))
    title_list = sorted(titles.values(), key=lambda t: (t["first"] is None, t["first"] or "", t["title"]))
    for t in title_list:
        t["articles"] = len(t["articles"])
    place_list = sorted(places.values(), key=lambda p: (-len(p["articles"]), p["province"] or ""))
    for p in place_list:
        p["articles"] = len(p["articles"])
    dated = [a["date"] for a in articles.values() if a["date"]]
    return {
        "person": person,
        "articles": list(articles.values()),
        "mention_count": len(mentions),
        "titles": title_list,
        "places": place_list,
        "first_seen": min(dated) if dated else None,
        "last_seen": max(dated) if dated else None,
        "scope_href": common.province_path(person["scope"]) if person["scope"] != "trung ương" else None,
    }
