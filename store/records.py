"""Archived articles as records of the shared schema (officials, rankings, documents nested).

One shape for every export: `cchc export --format json|jsonl` and the Datasette routes
`/-/export.json` and `/-/export.jsonl` (cchc/plugins/cchc_publish.py) both go through
`iter_records` and `dumps_json`/`dumps_jsonl`, so a file downloaded from the browser is the same as
one written by the command line. The nesting works on any connection (Datasette hands plugins
a plain sqlite3 connection, read-only).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Iterator

import sqlite_utils

# Filters the export accepts, as (query-string name, SQL condition on the articles table).
FILTERS: dict[str, str] = {
    "province": "province = :province",
    "province_now": "province_now = :province_now",
    "year": "event_year = CAST(:year AS INTEGER)",
    "event_type": "event_type = :event_type",
    "site": "site = :site",
}


def _database(conn: sqlite3.Connection | sqlite_utils.Database) -> sqlite_utils.Database:
    return conn if isinstance(conn, sqlite_utils.Database) else sqlite_utils.Database(conn)


def article_record(conn: sqlite3.Connection | sqlite_utils.Database, row: dict) -> dict:
    """The nested record of one `articles` row (a dict of all its columns): officials merged from
    their appearances (fullest title wins), rankings and documents in the order found."""
    db = _database(conn)
    article_id = row["id"]
    officials: dict[int, dict] = {}
    for a in db.query(
            "SELECT a.*, p.name FROM appearances a JOIN people p ON p.id = a.person_id "
            "WHERE a.article_id = ? ORDER BY a.id", [article_id]):
        entry = officials.setdefault(a["person_id"], {"name": a["name"], "title": a["title"],
                                                      "honorific": a["honorific"], "evidence": a["evidence"]})
        if a["title"] and len(a["title"]) > len(entry["title"] or ""):
            entry["title"] = a["title"]
            entry["evidence"] = a["evidence"]
        if not entry["honorific"] and a["honorific"]:
            entry["honorific"] = a["honorific"]
    learners = None
    if row["learners_count"] is not None:
        learners = {"count": row["learners_count"], "qualifier": row["learners_qualifier"] or "exact",
                    "text": row["learners_text"] or ""}
    return {
        "id": article_id, "url": row["url"], "title": row["title"], "published_date": row["published_date"],
        "author": row["author"], "text": row["text"], "relevant": bool(row["relevant"]),
        "province": row["province"], "province_now": row["province_now"], "site": row["site"],
        "event_type": row["event_type"], "event_start": row["event_start"], "event_end": row["event_end"],
        "learners": learners, "venues_count": row["venues_count"],
        "officials": list(officials.values()),
        "rankings": [{"index": r["index_name"], "year": r["year"], "rank": r["rank"], "total": r["total"],
                      "change": r["change"], "subject": r["subject"], "score": r["score"],
                      "evidence": r["evidence"]}
                     for r in db.query("SELECT * FROM rankings WHERE article_id = ? ORDER BY id", [article_id])],
        "documents": [{"number": d["number"], "kind": d["kind"], "date": d["date"], "evidence": d["evidence"]}
                      for d in db.query("SELECT * FROM documents WHERE article_id = ? ORDER BY id", [article_id])],
    }


def iter_records(conn: sqlite3.Connection | sqlite_utils.Database, relevant_only: bool = False,
                 **filters: Any) -> Iterator[dict]:
    """Every article (optionally only relevant ones, optionally filtered by FILTERS) as a record,
    in id order: the same order as `Archive.iter_records`."""
    db = _database(conn)
    where = ["relevant = 1"] if relevant_only else []
    params = {}
    for name, value in filters.items():
        if value in (None, ""):
            continue
        if name not in FILTERS:
            raise ValueError(f"unknown export filter: {name}")
        where.append(FILTERS[name])
        params[name] = value
    sql = "SELECT * FROM articles" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    for row in db.query(sql, params):
        yield article_record(db, row)


def dumps_json(records: Iterable[dict]) -> str:
    """A JSON array of records, UTF-8 text as written (no \\u escapes), one-space indent (as `cchc export`)."""
    return json.dumps(list(records), ensure_ascii=False, indent=1) + "\n"


def dumps_jsonl(records: Iterable[dict]) -> str:
    """Newline-delimited JSON: one record per line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
