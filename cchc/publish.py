"""Publish the archive with Datasette, read-only (`cchc serve`).

What the served site guarantees:
- Immutable: the database is opened with `-i` (read-only, no locking); it is always served under
  the name `archive` (`/archive/...`), whatever the file is called: a file not named archive.db is
  reached through a symlink named archive.db in a private temporary directory.
- Safe: `sql_time_limit_ms` 1000, at most 1000 rows per page, no write route (Datasette 0.65 has no
  write API; the project plugin only reads). Arbitrary SQL stays allowed, read-only: researchers
  need it and the dashboards fetch their charts through `?sql=`; SQLite refuses anything but SELECT
  on an immutable database, and the time limit stops runaway queries.
- Crawled text is always shown as text: Datasette escapes every cell; no plugin renders crawled
  columns as HTML.
- The project plugin (cchc/plugins), templates (cchc/templates) and static files (cchc/static,
  served under /cchc/) are passed explicitly, with metadata.yml from the repository root.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
METADATA = ROOT / "metadata.yml"
PLUGINS_DIR = PACKAGE_DIR / "plugins"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
DATABASE_NAME = "archive"

SETTINGS: dict[str, str] = {
    "sql_time_limit_ms": "1000",
    "max_returned_rows": "1000",
    "default_page_size": "50",
    "truncate_cells_html": "300",
    "facet_time_limit_ms": "500",
    "allow_download": "off",  # the raw .db download: exports go through JSON/CSV instead
    "default_cache_ttl": "60",
}


def served_path(db_path: str | Path) -> Path:
    """A path to `db_path` whose stem is `archive`, so Datasette names the database `archive`.

    Returns `db_path` itself when it is already called archive.db; otherwise a symlink (or, where
    links are not allowed, a copy) in a new temporary directory."""
    db_path = Path(db_path).resolve()
    if db_path.stem == DATABASE_NAME:
        return db_path
    link = Path(tempfile.mkdtemp(prefix="cchc-serve-")) / f"{DATABASE_NAME}.db"
    try:
        link.symlink_to(db_path)
    except OSError:
        shutil.copyfile(db_path, link)
    return link


def datasette_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """Command-line arguments for `datasette serve` on the archive (without the program name).

    Example: ``subprocess.run([sys.executable, "-m", "datasette", *datasette_args("archive.db")])``"""
    args = [
        "serve", "-i", str(served_path(db_path)),
        "--metadata", str(METADATA),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
        "--static", f"cchc:{STATIC_DIR}",
        "--host", host, "--port", str(port),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    return args


def datasette_command(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The full command that runs Datasette with this Python (no reliance on PATH)."""
    return [sys.executable, "-m", "datasette", *datasette_args(db_path, host, port)]


def child_env() -> dict[str, str]:
    """Environment for a Datasette subprocess: the repository importable (for cchc/ and extract/)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def checkpoint(db_path: str | Path) -> None:
    """Fold a leftover write-ahead log into the database file.

    An immutable database is read without its -wal file, so rows a crawler committed to the WAL
    would be invisible; this moves them into the main file first (it changes no data)."""
    conn = sqlite3.connect(str(db_path), timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Serve the archive until interrupted; return Datasette's exit status."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no archive at {db_path}")
    checkpoint(db_path)
    try:
        return subprocess.call(datasette_command(db_path, host, port), env=child_env())
    except KeyboardInterrupt:
        return 0


def datasette_app(db_path: str | Path):
    """An in-process `Datasette` configured exactly like `serve` (for tests and scripts)."""
    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    settings = {k: _setting_value(v) for k, v in SETTINGS.items()}
    return Datasette(
        immutables=[str(served_path(db_path))],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        static_mounts=[("cchc", str(STATIC_DIR))],
        settings=settings,
    )


def _setting_value(value: str) -> object:
    if value in ("on", "off"):
        return value == "on"
    return int(value) if value.isdigit() else value
