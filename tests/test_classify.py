"""extract.classify: event type, relevance, organiser's province (fixtures: tests/fixtures/classify_cases.json)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.classify import event_type, find_province, is_relevant, load_provinces, province_mentions

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "classify_cases.json").read_text(encoding="utf-8"))["cases"]


SEEDS = seed_bodies()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    want = case["expect"]
    if "event_type" in want:
        assert event_type(case["title"], case["text"]) == want["event_type"]
    if "relevant" in want:
        assert is_relevant(case["title"], case["text"]) is want["relevant"]
    if "province" in want:
        assert find_province(case["title"], case["text"], case.get("url")) == want["province"]


@pytest.mark.skipif(not SEEDS, reason="../shared seeds not available")
@pytest.mark.parametrize("seed", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_gold(seed):
    _, gold, body = seed
    assert event_type(gold["title"], body) == gold["event_type"]
    assert is_relevant(gold["title"], body) is gold["relevant"]
    assert find_province(gold["title"], body) == gold["province"]


def test_enough_cases():
    assert len(CASES) >= 20


def test_lexicon():
    units = load_provinces()
    old = [u for u in units if u["era"] in ("old", "both")]
    new = [u for u in units if u["era"] in ("new", "both")]
    assert len(old) == 63 and len(new) == 34
    assert [p[0] for p in province_mentions("TP.HCM, Thừa Thiên - Huế, Đắc Nông, tỉnh Bắc Cạn")] == [
        "Hồ Chí Minh", "Thừa Thiên Huế", "Đắk Nông", "Bắc Kạn"]
    assert province_mentions("Tư tưởng Hồ Chí Minh, Học viện Chính trị quốc gia Hồ Chí Minh") == []


@pytest.mark.parametrize("junk", ["", "Lorem ipsum dolor sit amet.", os.urandom(4096).decode("latin-1")])
def test_bad_input(junk):
    assert event_type(junk, junk) is None
    assert is_relevant(junk, junk) is False
    assert find_province(junk, junk, "not a url ::") is None


def test_none_and_huge_input():
    assert event_type(None, None) is None
    assert is_relevant(None, None) is False
    assert find_province(None, None) is None
    big = "Sở Nội vụ tổ chức lớp tập huấn cải cách hành chính. " * 100_000
    assert event_type("", big) == "lớp tập huấn"
    assert isinstance(is_relevant("", big), bool)
