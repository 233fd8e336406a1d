"""Archived articles as records of the shared schema (officials, rankings, documents nested).

One shape for every export: `cchc export --format json|jsonl` and the Datasette routes
`/-/export.json` and `/-/export.jsonl` (cchc/plugins/cchc_publish.py) both go through
`iter_records` and `dumps_json`/`dumps_jsonl`, so a file downloaded from the browser is the same as
one written by the command line. The nesting itself is `Archive._record` in cchc/store.py, reused
here on any connection (Datasette hands plugins a plain sqlite3 connection, read-only).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Iterator

import sqlite_utils

from cchc.store import Archive

# Filters the export accepts, as (query-string name, SQL condition on the articles table).
FILTERS: dict[str, str] = {
    "province": "province = :province",
    "province_now": "province_now = :province_now",
    "year": "event_year = CAST(:year AS INTEGER)",
    "event_type": "event_type = :event_type",
    "site": "site = :site",
}


class _Reader:
    """The part of `Archive` that `Archive._record` needs: a sqlite-utils database."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db


def _database(conn: sqlite3.Connection | sqlite_utils.Database) -> sqlite_utils.Database:
    return conn if isinstance(conn, sqlite_utils.Database) else sqlite_utils.Database(conn)


def article_record(conn: sqlite3.Connection | sqlite_utils.Database, row: dict) -> dict:
    """The nested record of one `articles` row (a dict of all its columns)."""
    return Archive._record(_Reader(_database(conn)), row)  # type: ignore[arg-type]


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
