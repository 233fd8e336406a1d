"""Shared fixtures: the demo archive, built once per test session from the replay over loopback."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def free_port_block(count: int, start: int = 20000) -> int:
    """A base port such that base … base+count-1 are all free on 127.0.0.1 right now."""
    for base in range(start, 60000, count + 7):
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                sockets.append(sock)
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no block of free loopback ports")


@pytest.fixture(scope="session")
def replay_base_port() -> int:
    """The demo archive is keyed by URL, and replay URLs carry the port: tests that rebuild the
    same archive use the same ports, chosen free once per session."""
    from replay.server import SITE_NAMES

    return free_port_block(len(SITE_NAMES))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, replay_base_port) -> Path:
    """Path of an archive built by the real pipeline (replay → crawl → extract → store)."""
    from cchc.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "archive.db"
    build_demo(path, base_port=replay_base_port)
    return path


def seed_bodies() -> list[tuple[str, dict, str]]:
    """(file, gold, body text) for each shared seed, the body as production reads it
    (`extract.page.parse_text`: no title, date line, byline or trailing chrome). [] without ../shared."""
    from extract.page import parse_text

    gold_path = SHARED / "gold" / "seeds.json"
    if not gold_path.exists():
        return []
    return [(a["file"], a["gold"], parse_text((SHARED / "seeds" / a["file"]).read_text(encoding="utf-8")).text)
            for a in json.loads(gold_path.read_text(encoding="utf-8"))["articles"]]
