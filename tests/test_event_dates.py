"""extract.dates: event start/end of a training (fixtures: tests/fixtures/event_dates_cases.json)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.dates import find_event_dates, parse_date

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "event_dates_cases.json").read_text(encoding="utf-8"))["cases"]


SEEDS = seed_bodies()


def _date(s):
    return dt.date.fromisoformat(s) if s else None


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    got = find_event_dates(case["text"], _date(case.get("published")), case.get("title"))
    assert (got["start"], got["end"]) == (case["expect"]["start"], case["expect"]["end"])
    if got["start"]:
        s, e = got["span"]
        assert got["evidence"] and case["text"][s:e] in got["evidence"]


@pytest.mark.skipif(not SEEDS, reason="../shared seeds not available")
@pytest.mark.parametrize("seed", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_gold(seed):
    _, gold, body = seed
    got = find_event_dates(body, _date(gold["published_date"]), gold["title"])
    assert (got["start"], got["end"]) == (gold["event_start"], gold["event_end"])


def test_enough_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("junk", ["", "   ", "The meeting is on 5/13/2020 at noon.", "ngày ngày ngày 99/99/9999",
                                  os.urandom(4096).decode("latin-1"), "\x00\xff" * 1000])
def test_bad_input_gives_nothing(junk):
    got = find_event_dates(junk, dt.date(2020, 1, 1))
    assert got["start"] is None and got["end"] is None


def test_none_and_huge_input():
    assert find_event_dates(None)["start"] is None  # type: ignore[arg-type]
    big = ("Sở Nội vụ thông báo lịch công tác 1/2/3/4 giai đoạn 2011- 2020. " * 80_000)[:5_000_000]
    assert find_event_dates(big, dt.date(2020, 1, 1))["start"] is None


def test_parse_date():
    assert parse_date("8/11/2011") == dt.date(2011, 11, 8)
    assert parse_date("ngày 03 tháng 6 năm 2023") == dt.date(2023, 6, 3)
    assert parse_date("2023-06-03") == dt.date(2023, 6, 3)
    assert parse_date("31/2/2020") is None
    assert parse_date("") is None
    assert parse_date("Ngày đăng 19/04/2019 | 05:20 | View count: 4012") == dt.date(2019, 4, 19)
    assert parse_date("Thứ năm - 30/05/2024 11:24") == dt.date(2024, 5, 30)
    assert parse_date("Cập nhật ngày: 30/07/2020 05:16:15") == dt.date(2020, 7, 30)
