"""SQL views that make the archive read naturally in Datasette (events, people, rankings …).

`create_views(db)` runs whenever `cchc` opens an archive (registered with the store through
`store.register_schema_extension`). It is idempotent: a view is dropped and recreated only when its
SQL changed, and the `provinces` table (the 2025 merger mapping from
`store/data/provinces_2025.csv`) is reloaded only when the mapping file changed, so opening an
archive normally writes nothing.

Views (all read-only, derived from the tables of the store, `store/archive.py`):

- `events`: one row per relevant article with its facts (province then and now, year, type, dates,
  learners, venues, officials, title, URL, evidence).
- `people_appearances`: every mention of a person, with the article, its province and date.
- `ranking_history`: every ranking an article stated (index, year, rank/total), with the article.
- `document_citations`: every legal document number an article cites, with the article.
- `learners_per_province_year`: learners and events per (old) province and event year.
- `pages_meta`: the preserved responses without their bodies.
"""
from __future__ import annotations

import sqlite_utils

from store import provinces

# The date an event is placed on a timeline: its first day, else the publication date.
_EVENT_DATE = "coalesce(a.event_start, a.published_date)"

VIEWS: dict[str, str] = {
    "events": """
SELECT
    a.title,
    a.province,
    a.province_now,
    a.event_year AS year,
    a.event_start,
    a.event_end,
    a.event_type,
    a.learners_count,
    a.learners_qualifier,
    a.learners_text,
    a.venues_count,
    (SELECT group_concat(entry, '; ') FROM (
        SELECT p.name || coalesce(', ' || (
                   SELECT ap2.title FROM appearances ap2
                   WHERE ap2.article_id = a.id AND ap2.person_id = p.id AND ap2.title IS NOT NULL
                   ORDER BY length(ap2.title) DESC LIMIT 1), '') AS entry
        FROM appearances ap JOIN people p ON p.id = ap.person_id
        WHERE ap.article_id = a.id
        GROUP BY ap.person_id ORDER BY min(ap.id))) AS officials,
    a.published_date,
    a.url,
    a.event_evidence,
    a.learners_evidence,
    a.venues_evidence,
    a.id AS article_id
FROM articles a
WHERE a.relevant = 1
""",
    "people_appearances": f"""
SELECT
    p.name AS person,
    {_EVENT_DATE} AS date,
    a.title AS article_title,
    ap.title,
    a.province,
    a.province_now,
    ap.name_as_written,
    ap.honorific,
    p.scope,
    a.published_date,
    a.event_type,
    a.relevant,
    ap.evidence,
    a.url,
    p.id AS person_id,
    a.id AS article_id,
    ap.id AS appearance_id
FROM appearances ap
JOIN people p ON p.id = ap.person_id
JOIN articles a ON a.id = ap.article_id
""",
    "ranking_history": """
SELECT
    r.subject AS province,
    r.index_name,
    r.year,
    r.rank,
    r.total,
    CAST(r.rank AS TEXT) || coalesce('/' || r.total, '') AS rank_of_total,
    r.change,
    r.score,
    a.id AS article_id,
    a.title AS article_title,
    a.province AS article_province,
    a.published_date,
    r.evidence,
    a.url,
    r.id AS ranking_id
FROM rankings r
JOIN articles a ON a.id = r.article_id
""",
    "document_citations": """
SELECT
    d.number,
    d.kind,
    d.date AS document_date,
    a.id AS article_id,
    a.title AS article_title,
    a.province,
    a.province_now,
    a.published_date,
    d.evidence,
    a.url,
    d.id AS citation_id
FROM documents d
JOIN articles a ON a.id = d.article_id
""",
    "learners_per_province_year": """
SELECT
    a.province,
    a.province_now,
    a.event_year AS year,
    count(*) AS events,
    count(a.learners_count) AS events_with_learner_count,
    sum(a.learners_count) AS learners,
    sum(CASE WHEN a.learners_qualifier IN ('over', 'about', 'under') THEN 1 ELSE 0 END)
        AS approximate_counts
FROM articles a
WHERE a.relevant = 1
GROUP BY a.province, a.province_now, a.event_year
""",
    "pages_meta": """
SELECT id, url, final_url, status, content_type, content_length, content_hash, fetched_at,
       last_seen_at, site, kind
FROM pages
""",
}


def _view_sql(name: str, body: str) -> str:
    return f"CREATE VIEW [{name}] AS {body.strip()}"


def create_views(db: sqlite_utils.Database) -> None:
    """Create (or replace when changed) the archive's views and load the `provinces` table."""
    load_provinces(db)
    existing = {name: sql for name, sql in
                db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()}
    changed = [name for name, body in VIEWS.items() if existing.get(name) != _view_sql(name, body)]
    if not changed:
        return
    with db.conn:
        for name in changed:
            db.execute(f"DROP VIEW IF EXISTS [{name}]")
            db.execute(_view_sql(name, VIEWS[name]))


def province_rows() -> list[dict]:
    """The merger mapping as rows of the `provinces` table."""
    return [{
        "name": r["old_name"], "code": r["old_code"], "province_now": r["new_name"],
        "code_now": r["new_code"], "mapping_version": provinces.MAPPING_VERSION,
        "source": provinces.MAPPING_SOURCE,
    } for r in provinces.mapping_rows()]


def load_provinces(db: sqlite_utils.Database) -> None:
    """(Re)load the `provinces` table from the mapping file when it is missing or out of date."""
    rows = province_rows()
    if "provinces" in db.table_names():
        current = [dict(r) for r in db.query("SELECT * FROM provinces ORDER BY code, name")]
        if current == sorted(rows, key=lambda r: (r["code"], r["name"])):
            return
    with db.conn:
        db["provinces"].drop(ignore=True)
        db["provinces"].create({"name": str, "code": str, "province_now": str, "code_now": str,
                                "mapping_version": str, "source": str}, pk="name")
        db["provinces"].insert_all(rows)
