"""Bylines and source credits (extract/bylines.py), read through the record as production does:
labelled invented articles in tests/fixtures/bylines_cases.json, plus the line-level functions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import extract_text
from extract.bylines import source_of, split_byline, top_byline

HERE = Path(__file__).resolve().parent
CASES = json.loads((HERE / "fixtures" / "bylines_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    record = extract_text(case["text"])
    assert record["author"] == case["author"]
    if case["source"] is not None:
        assert record["source"] == case["source"]
    if "officials" in case:
        assert [o["name"] for o in record["officials"]] == case["officials"]
    if case.get("body_ends_with"):
        assert record["text"].endswith(case["body_ends_with"])
    if case["author"]:
        # the byline is cut out of the body: it names no official
        assert case["author"] not in record["text"]


def test_fixture_covers_every_author_rule_twice():
    prefixes = ["glued-", "byline-then-", "name-bar-date", "date-bar-name", "source-", "closing-caption-", "unit-signs-"]
    for prefix in prefixes:
        assert sum(c["id"].startswith(prefix) for c in CASES) >= (1 if "bar" in prefix else 2), prefix


@pytest.mark.parametrize("line, source", [
    ("Nguồn: Báo Lâm Đồng", "Báo Lâm Đồng"),
    ("(Theo TTXVN)", "TTXVN"),
    ("Theo baochinhphu.vn", "baochinhphu.vn"),
    ("Nguồn tin: Đài PT-TH tỉnh", "Đài PT-TH tỉnh"),
    ("Thu Trang", None),
    ("Theo đó, Sở Nội vụ đã tổ chức 3 lớp tập huấn cho cán bộ, công chức cấp xã trên địa bàn tỉnh trong năm 2024.", None),
])
def test_source_of(line, source):
    assert source_of(line) == source


def test_split_byline_keeps_captions_and_cuts_the_byline():
    kept, author = split_byline(["Ngày 3/4, Sở tổ chức lớp.", "Mai Anh", "Toàn cảnh lớp học - Ảnh: M.A"])
    assert author == "Mai Anh" and kept == ["Ngày 3/4, Sở tổ chức lớp.", "Toàn cảnh lớp học - Ảnh: M.A"]


def test_top_byline_on_the_date_line():
    assert top_byline(["Bảo Ngọc | 02/11/2022 16:45", "Ngày 1/11, Sở tổ chức lớp."], 0) == (0, "Bảo Ngọc")
    assert top_byline(["02/11/2022 16:45", "Ngày 1/11, Sở tổ chức lớp."], 0) == (None, None)
