"""The record's event fields (dates, learners, venues) exist only for a training article
(fixtures: tests/fixtures/event_fields_cases.json)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import extract_text
from extract.classify import reports_training

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "event_fields_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fixture_case(case):
    record = extract_text(case["text"])
    got = {k: record[k] for k in ("relevant", "event_type", "event_start", "event_end", "venues_count")}
    got["learners"] = record["learners"]["count"] if record["learners"] else None
    assert got == case["expect"]


@pytest.mark.parametrize("relevant, kind, training", [
    (True, "hội nghị", True), (True, None, True), (False, "lớp bồi dưỡng", True), (False, "hội nghị tập huấn", True),
    (False, "lớp tập huấn", True), (False, "hội nghị", False), (False, "other", False), (False, None, False)])
def test_reports_training(relevant, kind, training):
    assert reports_training(relevant, kind) is training


def test_enough_cases():
    assert len(CASES) >= 6
