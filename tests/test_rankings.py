"""extract.rankings: PAR INDEX / SIPAS / PAPI / PCI rankings (fixtures: tests/fixtures/rankings_cases.json)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.rankings import find_rankings

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "rankings_cases.json").read_text(encoding="utf-8"))["cases"]
KEYS = ("index", "year", "rank", "total", "change", "subject")


SEEDS = seed_bodies()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    got = find_rankings(case["text"], case["published_year"], case["province"])
    assert [{k: r[k] for k in want} for r, want in zip(got, case["expect"])] == case["expect"]
    assert len(got) == len(case["expect"])
    for r in got:
        s, e = r["span"]
        assert case["text"][s:e] in r["evidence"]


@pytest.mark.skipif(not SEEDS, reason="../shared seeds not available")
@pytest.mark.parametrize("seed", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_gold(seed):
    _, gold, body = seed
    year = dt.date.fromisoformat(gold["published_date"]).year if gold["published_date"] else None
    got = find_rankings(body, year, gold["province"])
    assert [{k: r[k] for k in KEYS} for r in got] == [{k: r[k] for k in KEYS} for r in gold["rankings"]]


def test_enough_cases():
    assert len(CASES) >= 10


@pytest.mark.parametrize("junk", ["", "PCI PAPI SIPAS", "Ranked 3/63 in the PAR Index? no: rank unknown",
                                  os.urandom(4096).decode("latin-1")])
def test_bad_input_gives_nothing(junk):
    got = find_rankings(junk, 2020)
    assert all(r["index"] in ("PAR INDEX", "SIPAS", "PAPI", "PCI", "other") for r in got)
    if junk in ("", "PCI PAPI SIPAS"):
        assert got == []


def test_none_and_huge_input():
    assert find_rankings(None) == []  # type: ignore[arg-type]
    big = ("Phân tích Chỉ số PAPI và cải thiện Chỉ số SIPAS lần thứ 2 " * 100_000)[:5_000_000]
    assert find_rankings(big, 2020) == []


ANNOUNCEMENTS = json.loads((HERE / "fixtures" / "rankings_announcements.json").read_text(encoding="utf-8"))["texts"]
ENTRY_KEYS = ("index", "year", "subject", "rank", "total", "change")


def _entry_f1(texts) -> float:
    tp = fp = fn = 0
    for t in texts:
        want = [tuple(r[k] for k in ENTRY_KEYS) for r in t["expect"]]
        for got in find_rankings(t["text"], t["published_year"], t["province"]):
            key = tuple(got[k] for k in ENTRY_KEYS)
            if key in want:
                want.remove(key)
                tp += 1
            else:
                fp += 1
        fn += len(want)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_announcements_are_tables():
    """An index announcement ranks 10+ subjects; each is an entry (index, year, subject, rank, total, change)."""
    assert all(len(t["expect"]) >= 9 for t in ANNOUNCEMENTS) and sum(len(t["expect"]) for t in ANNOUNCEMENTS) >= 25
    assert _entry_f1(ANNOUNCEMENTS) >= 0.95
