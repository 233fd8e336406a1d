"""Publish the archive with Datasette, read-only (`cchc serve`).

What the served site guarantees:
- Immutable: the database is opened with `-i` (read-only, no locking); it is always served under
  the name `archive` (`/archive/...`), whatever the file is called: a file not named archive.db is
  reached through a symlink named archive.db in a private temporary directory.
- Safe: every query stops after 1 s (`sql_time_limit_ms`), a page holds at most 1000 rows, a facet
  gives up after 300 ms, facet suggestions are off, a CSV stream stops at 50 MB; no write route
  (Datasette 0.65 has no write API; the project plugin only reads). Arbitrary SQL stays allowed,
  read-only: researchers need it (the canned queries cannot foresee every question) and the
  dashboards fetch their charts through `?sql=`; SQLite refuses anything but SELECT on an immutable
  database, and the time and row limits bound what one query can cost. No file path is shown
  (`/-/databases` is answered without paths).
- Crawled text is always shown as text: Datasette escapes every cell; no plugin renders crawled
  columns as HTML.
- The project plugin (cchc/plugins), templates (cchc/templates) and static files (cchc/static,
  served under /cchc/) are passed explicitly, with metadata.yml from the repository root.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
METADATA = ROOT / "metadata.yml"
PLUGINS_DIR = PACKAGE_DIR / "plugins"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
DATABASE_NAME = "archive"
WATCH_SECONDS = 2.0  # how often `serve` looks whether the archive was rebuilt

# Bounds on what one request may cost (time and memory), for a public read-only server:
SETTINGS: dict[str, str] = {
    "sql_time_limit_ms": "1000",  # any query, canned or typed, is interrupted after 1 s
    "max_returned_rows": "1000",  # rows per JSON/HTML page; CSV streams go through `_stream`
    "default_page_size": "50",
    "truncate_cells_html": "300",  # long bodies are clipped in tables; the article page shows them
    "facet_time_limit_ms": "300",  # each facet count gives up after 300 ms (shown as timed out)
    "facet_suggest_time_limit_ms": "100",
    "suggest_facets": "off",  # suggesting facets runs a query per column on every table page
    "default_facet_size": "20",
    "max_csv_mb": "50",  # a streamed CSV stops at 50 MB
    "num_sql_threads": "3",
    # 32 MB of SQLite page cache per connection (the default is 2 MB): a search reads up to a
    # thousand scattered article rows once for its count, rows and each facet
    "cache_size_kb": "32768",
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


class ServeError(Exception):
    """The archive cannot be served as asked (port taken or out of range, server failed to start)."""


def check_port(host: str, port: int) -> None:
    """Raise ServeError unless `port` is a valid TCP port that is free on `host`."""
    if not 1 <= int(port) <= 65535:
        raise ServeError(f"port {port} is out of range (1-65535)")
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, int(port)))
        except OSError as exc:
            reason = "is already in use" if exc.errno in (errno.EADDRINUSE, errno.EACCES) else f"cannot be used ({exc.strerror})"
            raise ServeError(f"port {port} on {host} {reason}: stop the other server or pick another --port") from None


def archive_signature(db_path: str | Path) -> tuple:
    """What changes when the archive is rewritten: size and modification time of the file and its WAL."""
    out = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(f"{db_path}{suffix}")
            out.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _wait_until_listening(proc: subprocess.Popen, host: str, port: int) -> bool:
    """True once the server accepts connections; False if it exited first."""
    while proc.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop `serve` like Ctrl-C does (so the Datasette child is stopped too)."""
    if threading.current_thread() is threading.main_thread():
        def interrupt(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupt)


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, watch: bool = True,
          prepare=None, say=print) -> int:
    """Serve the archive until interrupted; return the exit status (non-zero when it failed).

    With `watch`, a rebuilt archive (a crawl or `cchc reextract` wrote to it) is noticed: once the
    file has stopped changing, Datasette is restarted on it, so the pages show the new data.
    `prepare(db_path)` runs before each (re)start (views of this version); `say` prints a line."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no archive at {db_path}")
    check_port(host, port)
    _stop_on_sigterm()
    address = f"http://{host}:{port}/"
    first = True
    while True:
        if prepare:
            prepare(db_path)
        checkpoint(db_path)
        signature = archive_signature(db_path)
        proc = subprocess.Popen(datasette_command(db_path, host, port), env=child_env())
        try:
            if not _wait_until_listening(proc, host, port):
                return proc.returncode or 1
            say(f"Serving {db_path} read-only. Open {address}" if first else f"Reloaded: open {address}")
            first = False
            pending = None
            while True:
                try:
                    return proc.wait(timeout=WATCH_SECONDS if watch else None)
                except subprocess.TimeoutExpired:
                    pass
                now = archive_signature(db_path)
                if now == signature:
                    pending = None
                elif now == pending:  # changed, then quiet for one interval: the rebuild is done
                    say(f"{db_path} changed on disk: reloading the archive …")
                    break
                else:
                    pending = now
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            return 0
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# What a server needs beside Datasette, pinned to the versions this checkout runs and tests with.
DEPLOY_PACKAGES = ["datasette", "datasette-search-all", "datasette-dashboards", "datasette-render-markdown",
                   "datasette-leaflet", "sqlite-utils", "pyyaml"]


def pinned_packages() -> list[str]:
    """`name==version` for every package a deployed archive needs, as installed here."""
    from importlib.metadata import PackageNotFoundError, version

    pins = []
    for name in DEPLOY_PACKAGES:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return pins


def package_command(db_path: str | Path, project: str, tag: str = "cchc-archive",
                    tool: str = "package") -> list[str]:
    """The `datasette package` (or `datasette publish <target>`) command that deploys the archive
    read-only, configured like `cchc serve`: metadata, plugin, templates, static files, settings,
    the pinned plugins, and `project` (a pip requirement for this project, e.g.
    "cchc-archive @ git+https://…/cchc-archive@<commit>", because the plugin imports it).

    `tool` is "package" (a Docker image, run anywhere) or a `datasette publish` target
    ("cloudrun", "heroku", "vercel" with its plugin …)."""
    command = ["datasette", *(["package"] if tool == "package" else ["publish", tool]), str(db_path),
               "--metadata", str(METADATA.relative_to(ROOT)),
               "--plugins-dir", str(PLUGINS_DIR.relative_to(ROOT)),
               "--template-dir", str(TEMPLATES_DIR.relative_to(ROOT)),
               "--static", f"cchc:{STATIC_DIR.relative_to(ROOT)}"]
    if Path(db_path).stem != DATABASE_NAME:
        raise ServeError(f"the deployed file must be called {DATABASE_NAME}.db (its pages live under /{DATABASE_NAME}/)")
    for requirement in [project, *pinned_packages()]:
        command += ["--install", requirement]
    command += ["--extra-options", " ".join(f"--setting {k} {v}" for k, v in SETTINGS.items())]
    if tool == "package":
        command += ["--tag", tag]
    return command


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
