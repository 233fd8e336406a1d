"""extract.quantities: learner and venue counts (fixtures: tests/fixtures/learners_cases.json)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.quantities import find_learners, find_venues

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "learners_cases.json").read_text(encoding="utf-8"))["cases"]


SEEDS = seed_bodies()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    got = find_learners(case["text"])
    want = case["expect"]["learners"]
    if want is None:
        assert got is None
    else:
        assert {k: got[k] for k in ("count", "qualifier", "text")} == want
        s, e = got["span"]
        assert case["text"][s:e] == got["text"] and got["text"] in got["evidence"]
    venues = find_venues(case["text"])
    assert (venues["count"] if venues else None) == case["expect"]["venues"]


@pytest.mark.skipif(not SEEDS, reason="../shared seeds not available")
@pytest.mark.parametrize("seed", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_gold(seed):
    _, gold, body = seed
    got = find_learners(body)
    want = gold["learners"]
    assert (got and {k: got[k] for k in ("count", "qualifier", "text")}) == want
    venues = find_venues(body)
    assert (venues["count"] if venues else None) == gold["venues_count"]


def test_enough_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("junk", ["", "Hôm nay: 838\nĐã truy cập: 1307973", "About 200 people attended.",
                                  os.urandom(4096).decode("latin-1"), "\x00" * 100])
def test_bad_input_gives_nothing(junk):
    assert find_learners(junk) is None
    assert find_venues(junk) is None


def test_none_and_huge_input():
    assert find_learners(None) is None  # type: ignore[arg-type]
    big = ("Lượt xem: 4012 | 63 tỉnh, thành phố; 2 lớp; 100% cán bộ. " * 100_000)[:5_000_000]
    assert find_learners(big) is None
    assert find_venues(big) is None
