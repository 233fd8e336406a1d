"""extract.documents: cited documents (fixtures: tests/fixtures/documents_cases.json)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.documents import find_documents

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "documents_cases.json").read_text(encoding="utf-8"))["cases"]


SEEDS = seed_bodies()


def _date(s):
    return dt.date.fromisoformat(s) if s else None


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    got = find_documents(case["text"], _date(case.get("published")))
    assert [{k: d[k] for k in ("number", "kind", "date")} for d in got] == case["expect"]
    for d in got:
        s, e = d["span"]
        assert case["text"][s:e] in d["evidence"]


@pytest.mark.skipif(not SEEDS, reason="../shared seeds not available")
@pytest.mark.parametrize("seed", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_gold(seed):
    _, gold, body = seed
    got = find_documents(body, _date(gold["published_date"]))
    assert [{"number": d["number"], "date": d["date"]} for d in got] == gold["documents"]


def test_enough_cases():
    assert len(CASES) >= 10


@pytest.mark.parametrize("junk", ["", "km/h, 24/7, 3/4, COVID-19, 1/2 số", "See Decision 12/QD-ubnd? no",
                                  os.urandom(4096).decode("latin-1")])
def test_bad_input_gives_nothing(junk):
    got = find_documents(junk)
    if junk != junk.encode("latin-1", "ignore").decode("latin-1") or not junk or "COVID" in junk:
        assert got == [] or all("/" in d["number"] for d in got)
    assert isinstance(got, list)


def test_none_and_huge_input():
    assert find_documents(None) == []  # type: ignore[arg-type]
    big = ("xếp thứ 14/63 tỉnh, thành phố ngày 20/8/2013; mức độ 3, 4; 24/7. " * 80_000)[:5_000_000]
    assert find_documents(big) == []
