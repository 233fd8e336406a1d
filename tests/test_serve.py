"""`cchc serve`: says what to open once it listens, and notices a rebuilt archive (reloads it)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cchc import publish
from store import Archive

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_S = 120  # an upper bound for a slow machine, never a synchronisation


def record(n: int) -> dict:
    return {"url": f"http://127.0.0.1/serve/{n}", "title": f"Tập huấn số {n}", "text": "Ngày 1/1/2020 tập huấn.",
            "relevant": True, "officials": [], "rankings": [], "documents": []}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(base: str) -> int | None:
    try:
        with urllib.request.urlopen(base + "/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array",
                                    timeout=5) as r:
            return json.loads(r.read())[0]["n"]
    except OSError:
        return None


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def test_signature_changes_when_the_archive_is_written(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.close()
    before = publish.archive_signature(path)
    assert publish.archive_signature(path) == before
    archive = Archive(path)
    archive.save_article(record(1))
    archive.close()
    assert publish.archive_signature(path) != before


def test_serve_reloads_a_rebuilt_archive(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    archive.save_article(record(1))
    archive.close()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "cchc.cli", "serve", "--db", str(path), "--port", str(port)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        line = wait_for(lambda: next((l for l in iter(proc.stderr.readline, "") if "Open http" in l), None),
                        "the address line")
        assert line.strip().endswith(f"Open {base}/")
        assert count(base) == 1
        archive = Archive(path)  # a crawl or reextract writes while the server runs
        archive.save_article(record(2))
        archive.close()
        assert wait_for(lambda: count(base) == 2, "the server to show the rebuilt archive")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    with pytest.raises(OSError):  # the Datasette child stopped with it: nothing answers any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
