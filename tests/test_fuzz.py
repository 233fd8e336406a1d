"""Extraction on any input: no exception, bounded work, every output valid against the shared schema,
no implausible date. Inputs are built by hypothesis from the pieces that broke real extractors:
Vietnamese prose with dates, counts and document numbers, numbers of thousands of digits, deep
nesting, odd <meta charset> values, control characters, broken markup, random bytes.

CI runs FUZZ_EXAMPLES (default 60) inputs per test. The longer run (10,000 inputs, documented):

    CCHC_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""
from __future__ import annotations

import datetime as dt
import json
import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
jsonschema = pytest.importorskip("jsonschema")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

import extract  # noqa: E402
from conftest import SHARED  # noqa: E402
from extract.guard import FIRST_PLAUSIBLE_YEAR, cap_nesting  # noqa: E402

SCHEMA_PATH = SHARED / "schema" / "article.schema.json"
FUZZ_EXAMPLES = int(os.environ.get("CCHC_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=FUZZ_EXAMPLES <= 200,
                suppress_health_check=list(HealthCheck))

WORDS = ("Sở Nội vụ", "tổ chức", "lớp bồi dưỡng", "hội nghị tập huấn", "cải cách hành chính", "học viên",
         "đồng chí", "Nguyễn Văn Hùng", "Phó Giám đốc", "xếp thứ", "Chỉ số CCHC", "PAR INDEX", "năm",
         "Kế hoạch số", "/KH-UBND", "ngày", "tháng", "khoảng", "hơn", "điểm cầu", "tỉnh", "Hà Nội", ",", ".", ":")
number = st.one_of(st.integers(-10, 100_000).map(str), st.integers(1, 9).map(lambda n: "9" * (4000 + n * 300)),
                   st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 14), st.integers(1, 3000)),
                   st.builds(lambda a, b: f"{a}/{b}", st.integers(0, 100), st.integers(0, 100)),
                   st.just("1.703"), st.just("91,43%"))
token = st.one_of(st.sampled_from(WORDS), number, st.text(max_size=12),
                  st.sampled_from(["\x0b", "\x00", "\ufeff", "\u200b", "&nbsp;", "&#0;", "&#xD800;", "<", ">", "&"]))
sentence = st.lists(token, min_size=1, max_size=30).map(" ".join)
charset = st.sampled_from(["utf-8", "windows-1258", "undefined", "idna", "utf-7", "x-user-defined", "latin1", "", "utf-16"])
tag = st.sampled_from(["div", "p", "span", "table", "td", "li", "ul", "h1", "article", "font", "b"])


@st.composite
def pages(draw) -> str:
    body = []
    for _ in range(draw(st.integers(0, 8))):
        t = draw(tag)
        body.append(f"<{t}>{draw(sentence)}" + (f"</{t}>" if draw(st.booleans()) else ""))
    depth = draw(st.sampled_from([0, 0, 3, 300, 3000]))
    inner = "".join(body)
    if depth:
        t = draw(tag)
        inner = f"<{t}>" * depth + inner + f"</{t}>" * draw(st.sampled_from([0, depth]))
    title = draw(sentence)
    script = "<script>var x='\x0b';</script>\x0b" if draw(st.booleans()) else ""
    return (f'<html><head><meta charset="{draw(charset)}"><title>{title}</title></head>'
            f"<body>{script}<h1>{title}</h1>{inner}</body></html>")


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.exists():
        pytest.skip("the shared schema is not beside the project")
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def check(record: dict, validator) -> None:
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, errors[:3]
    last = dt.date.today().year + 1
    dates = [record.get(k) for k in ("published_date", "event_start", "event_end")]
    dates += [d.get("date") for d in record.get("documents") or []]
    for value in filter(None, dates):
        assert FIRST_PLAUSIBLE_YEAR <= int(value[:4]) <= last, value
    assert all(FIRST_PLAUSIBLE_YEAR <= r["year"] <= last for r in record.get("rankings") or [])
    json.dumps(record, ensure_ascii=False)  # serialisable


@FUZZ
@given(pages())
def test_any_html_string_gives_a_valid_record(validator, html):
    check(extract.extract_html(html, url="http://127.0.0.1/tin-tuc/a-1.html"), validator)


@FUZZ
@given(pages(), st.sampled_from(["utf-8", "cp1258", "utf-16", "latin-1"]))
def test_any_html_bytes_give_a_valid_record(validator, html, encoding):
    check(extract.extract_html(html.encode(encoding, errors="replace")), validator)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_valid_record(validator, data):
    check(extract.extract_html(data), validator)


@FUZZ
@given(st.lists(sentence, min_size=1, max_size=12).map("\n".join))
def test_any_scraped_text_gives_a_valid_record(validator, text):
    check(extract.extract_text(text), validator)


def test_deep_nesting_keeps_its_text_and_is_cheap():
    html = "<html><body>" + "<div>" * 10_000 + "<p>Ngày 12/05/2024, Sở Nội vụ tổ chức lớp tập huấn.</p>" \
        + "</div>" * 10_000 + "</body></html>"
    capped = cap_nesting(html)
    assert capped.count("<div>") <= 200 and "Sở Nội vụ tổ chức lớp tập huấn" in capped
    assert "Sở Nội vụ tổ chức lớp tập huấn" in extract.extract_html(html)["text"]
    assert cap_nesting("<div><p>a</p></div>") == "<div><p>a</p></div>"  # ordinary pages untouched
