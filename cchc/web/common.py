"""Small helpers shared by the reading pages: rows as dicts, links, province names."""
from __future__ import annotations

import sqlite3
import urllib.parse
from functools import lru_cache
from typing import Any

from store import provinces
from extract.normalize import fold


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict]:
    """Every row of `sql` as a dict."""
    cursor = conn.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def one(conn: sqlite3.Connection, sql: str, params: Any = ()) -> dict | None:
    """The first row of `sql` as a dict, or None."""
    found = rows(conn, sql, params)
    return found[0] if found else None


def article_path(article_id: int) -> str:
    """Address of an article's reading page."""
    return f"/archive/articles/{article_id}"


def person_path(person_id: int) -> str:
    """Address of a person's page."""
    return f"/archive/people/{person_id}"


def province_path(name: str | None) -> str | None:
    """Address of a province's page (old or post-2025 name), or None for no name."""
    if not name:
        return None
    return "/-/province/" + urllib.parse.quote(name)


def archived_path(page_id: int) -> str:
    """Address of the preserved copy of a page (served sandboxed: no script runs)."""
    return f"/-/archived/{page_id}"


@lru_cache(maxsize=1)
def old_names() -> list[str]:
    """The 63 provinces as they were before 1 July 2025."""
    return [r["old_name"] for r in provinces.mapping_rows()]


@lru_cache(maxsize=1)
def new_names() -> list[str]:
    """The 34 provinces since 1 July 2025."""
    return sorted({r["new_name"] for r in provinces.mapping_rows()})


@lru_cache(maxsize=4096)
def resolve_province(name: str) -> tuple[str, str] | None:
    """(canonical name, 'then' | 'now') for a province typed any way (diacritics optional).

    A name that was a province before the merger is read as that old province; a name that only
    exists after it (e.g. "Huế") as the new one."""
    wanted = fold(name)
    for old in old_names():
        if fold(old) == wanted:
            return old, "then"
    for new in new_names():
        if fold(new) == wanted:
            return new, "now"
    row = provinces.lookup(name)  # "tỉnh Vĩnh Phúc", "TP HCM", "TT Huế" …
    return (row["old_name"], "then") if row else None
