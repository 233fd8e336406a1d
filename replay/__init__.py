"""The replay: offline stand-ins for real Sở Nội vụ portals, served on 127.0.0.1.

    from replay import start_replay
    with start_replay() as replay:
        replay.sites["hungyen"]   # "http://127.0.0.1:41234"
"""
import json
from pathlib import Path

from .server import Replay, start_replay

TRUTH_FILE = Path(__file__).parent / "truth.json"


def load_truth() -> dict:
    """replay/truth.json: every replay article (site, url, title, date, author, relevance, seed)."""
    return json.loads(TRUTH_FILE.read_text(encoding="utf-8"))


__all__ = ["Replay", "start_replay", "load_truth", "TRUTH_FILE"]
