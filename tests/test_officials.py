"""find_officials: labelled snippets, the five seed articles against gold, and hostile input."""
from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import seed_bodies

from extract.document import Document, as_document
from extract.normalize import nfc, person_key
from extract.officials import find_officials

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
CASES = json.loads((HERE / "fixtures" / "officials_cases.json").read_text(encoding="utf-8"))["cases"]
GOLD = SHARED / "gold" / "seeds.json"
SEEDS = SHARED / "seeds"

# --- title scoring, as in shared/tools/score_extract.py --------------------------------------
_TONE = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
         "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
         "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}


def norm(s):
    if s is None:
        return None
    s = unicodedata.normalize("NFC", str(s)).casefold()
    for a, b in _TONE.items():
        s = s.replace(a, b)
    s = re.sub(r"[‐-―−–—-]", "-", s)
    s = re.sub(r"\s*-\s*", " - ", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;:")
    return s


def tokens(s):
    return [t for t in re.split(r"[\s,;:\-–—()]+", norm(s) or "") if t]


def token_f1(a, b):
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return 1.0
    if not ta or not tb:
        return 0.0
    common = 0
    pool = list(tb)
    for t in ta:
        if t in pool:
            pool.remove(t)
            common += 1
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


# --- helpers ---------------------------------------------------------------------------------
MENTION_KEYS = {"name_as_written", "title", "honorific", "evidence", "start", "end"}
PERSON_KEYS = {"name", "title", "honorific", "evidence", "start", "end", "mentions"}


def check_shape(text: str, people: list[dict]) -> None:
    """Every record is well formed and its spans point at the name in the document's NFC text."""
    text = as_document(text).text
    keys = [person_key(p["name"]) for p in people]
    assert len(keys) == len(set(keys)), "a person is listed twice"
    firsts = [min(m["start"] for m in p["mentions"]) for p in people]
    assert firsts == sorted(firsts), "not in order of first appearance"
    for p in people:
        assert set(p) == PERSON_KEYS
        assert p["name"] == nfc(p["name"])
        assert person_key(nfc(text[p["start"]:p["end"]])) == person_key(p["name"])
        assert p["evidence"] and nfc(text[p["start"]:p["end"]]) in p["evidence"]
        for m in p["mentions"]:
            assert set(m) == MENTION_KEYS
            assert nfc(text[m["start"]:m["end"]]) == m["name_as_written"]


def compare(got: list[dict], expected: list[dict]) -> list[str]:
    """Differences between found and expected officials (name exact, title F1 >= 0.8, honorific)."""
    problems = []
    names = [p["name"] for p in got]
    if names != [e["name"] for e in expected]:
        return [f"names {names} != {[e['name'] for e in expected]}"]
    for p, e in zip(got, expected):
        f1 = token_f1(p["title"], e["title"])
        if f1 < 0.8:
            problems.append(f"{e['name']}: title {p['title']!r} vs {e['title']!r} (F1 {f1:.2f})")
        if p["honorific"] != e["honorific"]:
            problems.append(f"{e['name']}: honorific {p['honorific']!r} vs {e['honorific']!r}")
    return problems


# --- labelled snippets -----------------------------------------------------------------------
def test_fixture_is_big_enough():
    assert len(CASES) >= 30
    assert sum(1 for c in CASES if not c["expected"]) >= 4  # traps with nobody named


# Every officials rule of ../shared/conventions.md, with the labelled cases that state it (two or more
# wordings each, all invented).
CONVENTION_CASES = {
    "every named person, in order, once each": ["two-people-commas", "list-semicolons-dash", "tone-placement-two-mentions"],
    "not the byline (also tests/fixtures/bylines_cases.json)": ["byline-at-end"],
    "not photo or source credits": ["photo-and-source-credits", "caption-dc"],
    "foreign names count": ["foreign-name-after-title-and-country", "foreign-name-after-envoy",
                            "foreign-name-after-one-syllable-country"],
    "a historical leader counts": ["historical-leader-after-title"],
    "place names that look like names do not": ["trap-places-ho-chi-minh", "trap-street-and-school",
                                                "trap-region-after-title-unit"],
    "name: full name, NFC, normal capitalisation": ["nfd-input", "name-in-capitals"],
    "title: the fullest position and unit": ["fullest-title-later", "fullest-title-in-caption"],
    "title: split around the name, the part before": ["title-split-around-name", "title-split-around-name-ministry"],
    "title: 'Thay mặt …, bà Y' / 'Đại diện …, ông Y'": ["on-behalf-of-unit", "on-behalf-of-leadership",
                                                        "representing-unit", "representing-unit-then-rank"],
    "title: a descriptor that is no position is null": ["descriptor-anh-is-no-honorific-or-title", "descriptor-bi-cao"],
    "honorific: đồng chí / Đ/c, ông, bà": ["cue-comma-title", "ba-comma-title", "ong-dash-title"],
    "honorific: academic prefixes": ["pgs-ts", "ts-giang-vien", "ths-with-and-in-unit"],
    "honorific: a rank right before the name": ["military-rank-then-position", "military-rank-no-cue",
                                                "honorific-rank-after-cue", "honorific-police-general"],
    "honorific: the first mention's form, null if none": ["honorific-first-mention-none", "honorific-first-mention-ba"],
}


def test_every_convention_rule_has_labelled_cases():
    ids = {c["id"] for c in CASES}
    for rule, case_ids in CONVENTION_CASES.items():
        assert len(case_ids) >= 1 and set(case_ids) <= ids, rule


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    text = case["text"]
    if case.get("nfd"):
        text = unicodedata.normalize("NFD", text)
        assert text != case["text"]
    got = find_officials(text, case.get("byline"))
    check_shape(text, got)
    assert compare(got, case["expected"]) == []


def test_tone_variants_are_one_person_with_two_mentions():
    case = next(c for c in CASES if c["id"] == "tone-placement-two-mentions")
    (person,) = find_officials(case["text"])
    assert [m["name_as_written"] for m in person["mentions"]] == ["Đặng Văn Hoà", "Đặng Văn Hòa"]


def test_given_name_reference_is_a_mention():
    case = next(c for c in CASES if c["id"] == "given-name-reference")
    (person,) = find_officials(case["text"])
    assert [m["name_as_written"] for m in person["mentions"]] == ["Dương Văn Khải", "Khải"]


def test_evidence_is_the_sentence_of_the_fullest_mention():
    text = ("Khai mạc lớp học, đồng chí Lưu Quang Huy - Phó Giám đốc Sở phát biểu. "
            "Đồng chí Lưu Quang Huy, Phó Giám đốc Sở Nội vụ tỉnh Yên Bái đề nghị học viên tích cực trao đổi.")
    (person,) = find_officials(text)
    assert person["title"] == "Phó Giám đốc Sở Nội vụ tỉnh Yên Bái"
    assert person["evidence"].startswith("Đồng chí Lưu Quang Huy, Phó Giám đốc Sở Nội vụ tỉnh Yên Bái")
    assert person["start"] == text.index("Lưu Quang Huy, Phó")


def test_nfd_input_spans_point_into_the_documents_nfc_text():
    text = unicodedata.normalize("NFD", "Tới dự có bà Nguyễn Thị Thùy Dương, Phó Giám đốc Sở Nội vụ.")
    (person,) = find_officials(text)
    doc = Document(text)
    assert person["name"] == "Nguyễn Thị Thùy Dương"
    assert doc.text[person["start"]:person["end"]] == "Nguyễn Thị Thùy Dương"


def test_a_shared_document_gives_the_same_people_as_its_text():
    case = next(c for c in CASES if c["id"] == "two-people-commas")
    assert find_officials(Document(case["text"])) == find_officials(case["text"])


def test_evidence_keeps_the_academic_prefix():
    case = next(c for c in CASES if c["id"] == "two-academics-one-sentence")
    first, second = find_officials(case["text"])
    assert first["evidence"] == second["evidence"] == case["text"]


def test_byline_skipped_even_when_written_in_capitals():
    text = "Đồng chí Lê Minh Tú, Giám đốc Sở Nội vụ dự lớp học.\n\nMINH THÙY"
    got = find_officials(text, byline="MINH THÙY")
    assert [p["name"] for p in got] == ["Lê Minh Tú"]


# --- the five seed articles ------------------------------------------------------------------
def _seeds() -> list[tuple[str, dict, str]]:
    """(id, gold, text): each seed as production hands it over (parse_text body) and as the whole
    file (title, date line, byline and page chrome included), both with the gold byline."""
    if not GOLD.exists():
        return []
    out = [(f"{name[:3]}-body", gold, body) for name, gold, body in seed_bodies()]
    for a in json.loads(GOLD.read_text(encoding="utf-8"))["articles"]:
        out.append((f"{a['file'][:3]}-file", a["gold"], (SEEDS / a["file"]).read_text(encoding="utf-8")))
    return out


SEED_CASES = _seeds()


@pytest.mark.skipif(not SEED_CASES, reason="shared gold not available")
@pytest.mark.parametrize("seed", SEED_CASES, ids=[s[0] for s in SEED_CASES])
def test_seed_against_gold(seed):
    _, gold, text = seed
    got = find_officials(text, gold["author"])
    check_shape(text, got)
    got_sorted = sorted(got, key=lambda p: norm(p["name"]))
    want_sorted = sorted(gold["officials"], key=lambda o: norm(o["name"]))
    assert compare(got_sorted, want_sorted) == []


# --- hostile input ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "",
    " \n\t ",
    "The training was opened by John Smith, Director of Human Resources, in New York.",
    "\x00\x01\x02\ufffd\ud7ff" * 50,
    "Đồng chí " * 200,
    "Nguyễn " * 5000,
    "((((((((((,,,,,,,;;;;;;------" * 1000,
])
def test_odd_input_never_raises(text):
    got = find_officials(text)
    assert isinstance(got, list)
    check_shape(text, got)


def test_binary_junk():
    junk = os.urandom(200_000).decode("latin-1") + os.urandom(200_000).decode("utf-8", "replace")
    got = find_officials(junk, byline=junk[:50])
    assert isinstance(got, list)


def test_non_string_input():
    assert find_officials(None) == []  # type: ignore[arg-type]
    assert find_officials(b"\xff\xfe") == []  # type: ignore[arg-type]


def test_five_megabytes_and_a_pathological_page_finish():
    """Huge and repetitive input completes (speed is measured in benchmarks/bench_officials.py,
    never asserted here)."""
    seed = (SEEDS / "003_8fb8e21b3f9902cd.txt")
    base = seed.read_text(encoding="utf-8") if seed.exists() else CASES[0]["text"] + "\n"
    big = (base * (5_000_000 // len(base) + 1))[:5_000_000]
    got = find_officials(big)
    assert isinstance(got, list) and got
    pathological = ("Đồng chí Phó Giám đốc Sở Nội vụ, " * 160_000)[:2_000_000]
    assert find_officials(pathological) == []
