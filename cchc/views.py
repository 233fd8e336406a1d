"""SQL views that make the archive read naturally in Datasette (events, people, rankings …)."""
from __future__ import annotations

import sqlite_utils


def create_views(db: sqlite_utils.Database) -> None:
    """Create (or replace) the archive's views."""
