"""A province's page (`/-/province/<name>`): its training events over time, learners per year, the
rankings its own articles stated (per index, year by year) and the officials named in them.

A name that was a province before 1 July 2025 shows that province's articles (its `province`); a
name that exists only after the merger shows every article now belonging to it (`province_now`)."""
from __future__ import annotations

import sqlite3

from store import provinces
from cchc.web import common
from extract.normalize import fold

EVENT_LIMIT = 200
OFFICIAL_LIMIT = 200
RANKING_LIMIT = 400


def province_context(conn: sqlite3.Connection, name: str, era: str | None = None) -> dict | None:
    """Everything the province page shows, or None for a name that is no province.

    `era` "now" asks for the post-2025 province of that name (e.g. Phú Thọ with Vĩnh Phúc and Hòa
    Bình) where the name also was an old province."""
    resolved = common.resolve_province(name)
    if resolved is None:
        return None
    province, found_era = resolved
    if era == "now" and province in common.new_names():
        found_era = "now"
    era = found_era
    column = "province" if era == "then" else "province_now"
    ordered = [r[0] for r in conn.execute(f"""
        SELECT id FROM articles WHERE {column} = ? AND relevant = 1
        ORDER BY coalesce(event_start, published_date) DESC, id DESC LIMIT {EVENT_LIMIT}""", [province])]
    marks = ",".join("?" * len(ordered)) or "NULL"
    details = {e["article_id"]: e for e in common.rows(conn, f"""
        SELECT id AS article_id, title, province, province_now, event_type, event_start, event_end,
               published_date, coalesce(event_start, published_date) AS date, event_year AS year,
               learners_count, learners_qualifier, venues_count, url
        FROM articles WHERE id IN ({marks})""", ordered)}
    events = [details[i] for i in ordered]
    for e in events:
        e["href"] = common.article_path(e["article_id"])
    per_year = common.rows(conn, f"""
        SELECT event_year AS year, count(*) AS events, count(learners_count) AS counted,
               sum(learners_count) AS learners,
               sum(learners_qualifier IN ('over', 'about', 'under')) AS approximate
        FROM articles WHERE {column} = ? AND relevant = 1 AND event_year IS NOT NULL
        GROUP BY event_year ORDER BY event_year""", [province])
    most = max([y["learners"] or 0 for y in per_year] or [0])
    for y in per_year:
        y["bar"] = round(100 * (y["learners"] or 0) / most) if most else 0
    members = [province] if era == "then" else [r["old_name"] for r in provinces.mapping_rows()
                                                  if r["new_name"] == province]
    folded_members = {fold(m) for m in members}
    ranking_rows = common.rows(conn, f"""
        SELECT r.index_name, r.year, r.rank, r.total, r.change, r.score, r.subject, r.evidence,
               a.id AS article_id, a.title AS article_title, a.published_date
        FROM rankings r JOIN articles a ON a.id = r.article_id
        WHERE r.subject IN ({",".join("?" * len(members))}) AND a.{column} = ?
        ORDER BY r.index_name, r.year, a.published_date LIMIT {RANKING_LIMIT}""", [*members, province])
    rankings: dict[str, list[dict]] = {}
    for r in ranking_rows:
        if fold(r["subject"] or "") not in folded_members:
            continue  # the province's articles also rank others (districts, neighbours)
        r["href"] = common.article_path(r["article_id"])
        rankings.setdefault(r["index_name"] or "other", []).append(r)
    # officials named in its training events, aggregated in SQL in one pass (a province has
    # thousands of appearances; both sides come from covering indexes): most articles first, then
    # the most recently seen, each with the title of its latest dated appearance that has one
    top = common.rows(conn, f"""
        SELECT ap.person_id, count(DISTINCT ap.article_id) AS articles,
               max(coalesce(a.event_start, a.published_date)) AS last_seen,
               max(CASE WHEN ap.title IS NOT NULL
                        THEN coalesce(a.event_start, a.published_date, '') || char(31) || ap.title END) AS titled
        FROM articles a JOIN appearances ap ON ap.article_id = a.id
        WHERE a.{column} = ? AND a.relevant = 1
        GROUP BY ap.person_id ORDER BY articles DESC, last_seen DESC, ap.person_id LIMIT {OFFICIAL_LIMIT}""",
                      [province])
    names = {}
    if top:
        marks = ",".join("?" * len(top))
        names = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"SELECT id, name, scope FROM people WHERE id IN ({marks})", [e["person_id"] for e in top])}
    officials = [{"person_id": e["person_id"], "name": names.get(e["person_id"], ("?", None))[0],
                  "scope": names.get(e["person_id"], ("?", None))[1], "articles": e["articles"],
                  "last_seen": e["last_seen"], "latest_title": e["titled"].split("\x1f", 1)[1] if e["titled"] else None} for e in top]
    for o in officials:
        o["href"] = common.person_path(o["person_id"])
    now = provinces.province_now(province) if era == "then" else province
    siblings = [r["old_name"] for r in provinces.mapping_rows() if r["new_name"] == now and r["old_name"] != province]
    return {
        "province": province,
        "era": era,
        "province_now": now,
        "province_now_href": (common.province_path(now) + "?now=1") if now and era == "then" else None,
        "then_href": common.province_path(province) if era == "now" and province in common.old_names() else None,
        "members": [{"name": m, "href": common.province_path(m)} for m in members if era == "now"],
        "siblings": [{"name": s, "href": common.province_path(s)} for s in siblings],
        "events": events,
        "events_truncated": len(events) == EVENT_LIMIT,
        "per_year": per_year,
        "rankings": rankings,
        "officials": officials,
        "feed_href": "/-/feed/" + common.province_path(province).rsplit("/", 1)[-1] + ".atom",
    }
