"""Counts in a training article: how many learners took part, at how many venues (điểm cầu).

Page counters ("Hôm nay: 838", "Lượt xem: 4012"), numbers of classes ("02 lớp"), of units ("20 sở,
ngành", "63 tỉnh, thành phố"), years and percentages are never learners: a count must be followed by a
learner noun (học viên, đại biểu, cán bộ, công chức, …); "người dân" (survey respondents) and "thí sinh"
(exam candidates) are not learners.
"""
from __future__ import annotations

import itertools
import re

from extract.dates import MAX_CANDIDATES, MAX_TEXT
from extract.normalize import NUMBER_WORDS, SentenceIndex, nfc, parse_number

_MAX_TEXT = MAX_TEXT

_QUALIFIERS = [  # longest first; value is the schema qualifier
    ("gần như", "about"), ("xấp xỉ", "about"), ("khoảng", "about"), ("chừng", "about"), ("ước tính", "about"),
    ("hơn", "over"), ("trên", "over"), ("ngoài", "over"), ("gần", "under"), ("dưới", "under"),
    ("tới", "exact"), ("đến", "exact"),
]
_QUAL_RE = "|".join(re.escape(q) for q, _ in _QUALIFIERS)
_QUAL = dict(_QUALIFIERS)

_WORDS = sorted(NUMBER_WORDS, key=len, reverse=True)
_WORD_NUM = rf"(?:(?:{'|'.join(_WORDS)})\s+){{0,6}}(?:{'|'.join(_WORDS)})"
_DIGITS = r"\d{1,3}(?:\.\d{3})+|\d{1,6}"
_NUM = rf"(?P<num>{_DIGITS}|{_WORD_NUM})"

# learner nouns, best first (weight); a list "cán bộ, công chức, viên chức" is kept whole in the text
_NOUNS = {
    "học viên": 4, "đại biểu": 3, "lượt học viên": 4, "lượt đại biểu": 3, "lượt cán bộ": 3, "lượt người": 3,
    "lượt công chức": 3, "cán bộ": 3, "công chức": 3, "viên chức": 3, "cán bộ công chức": 3, "người lao động": 2,
    "thành viên": 2, "đồng chí": 2, "lãnh đạo": 2, "người": 1, "lượt": 1,
    "CBCCVC": 3, "CBCC": 3, "CB,CCVC": 3, "CB, CC, VC": 3,
}
_NOUN_RE = "|".join(re.escape(n) for n in sorted(_NOUNS, key=len, reverse=True))
_LIST_TAIL = r"(?:\s*(?:,|và|;)\s*(?:cán\s+bộ|công\s+chức|viên\s+chức|người\s+lao\s+động|đại\s+biểu|học\s+viên)){0,4}"

_LEARNERS_RE = re.compile(
    rf"(?<![\w.,/%])(?:(?P<qual>{_QUAL_RE})\s+)?{_NUM}(?![\w.,/%]\d|%|\w)\s+(?P<noun>{_NOUN_RE})(?!\w){_LIST_TAIL}",
    re.IGNORECASE,
)
# "tổng cộng / tất cả / cả thảy" close a list of attendees with its total ("…, tổng cộng gần 300 đại biểu")
_CUE_BEFORE = re.compile(r"(?:tham\s+gia|tham\s+dự|dự|cho|với|gồm|có|thu\s+hút|là|của|tổng\s+số|tổng\s+cộng(?:\s+có)?"
                         r"|tất\s+cả(?:\s+có)?|cả\s+thảy|tổng)\s*(?:sự\s+tham\s+gia\s+của\s*)?$",
                         re.IGNORECASE)
_CUE_AFTER = re.compile(r"^[^.;]{0,40}?(?:tham\s+gia|tham\s+dự|dự\s|được\s+(?:tập\s+huấn|bồi\s+dưỡng)|học\s+tập)",
                        re.IGNORECASE)
_TRAINING = re.compile(r"tập\s+huấn|bồi\s+dưỡng|lớp|hội\s+nghị|khóa|khoá|học\s+viên|đào\s+tạo", re.IGNORECASE)
_PER_UNIT = re.compile(r"(?:mỗi|bình\s+quân|trung\s+bình|/)\s*(?:lớp\s*)?(?:có\s*)?$", re.IGNORECASE)


def _clean(text) -> str:
    return nfc(text)[:_MAX_TEXT] if isinstance(text, str) else ""


def find_learners(text: str) -> dict | None:
    """The number of participants of the training, or None.

    Returns {"count": int, "qualifier": "exact"|"over"|"about"|"under", "text": phrase as written
    ("hơn 200 cán bộ, công chức"), "evidence": sentence, "span": [s, e]}. hơn/trên → over;
    khoảng/gần như/xấp xỉ/chừng → about; gần/dưới → under; none → exact. Among several counts the one
    with the best learner noun and participation cue (tham gia, tham dự, cho, với, gồm …) wins."""
    text = _clean(text)
    if not text:
        return None
    sents = SentenceIndex(text)
    best = None
    for m in itertools.islice(_LEARNERS_RE.finditer(text), MAX_CANDIDATES):
        count = parse_number(m.group("num"))
        if not isinstance(count, int) or count < 5 or count > 1_000_000:
            continue  # "02 đồng chí lãnh đạo" are guests, not the learners of a class
        if re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) and not m.group("qual"):
            continue  # "năm 2019 cán bộ …" is a year
        noun = m.group("noun")
        if re.match(r"\s+(?:dân|nộp|sử\s+dụng|đứng\s+đầu)", text[m.end("noun"):m.end("noun") + 12], re.I):
            continue  # "4.000 người dân" surveyed, "người đứng đầu" heads of units
        weight = _NOUNS.get(noun, _NOUNS.get(noun.lower(), 1))
        s, e = sents.bounds(m.start())
        before = text[max(s, m.start() - 40):m.start()]
        after = text[m.end():min(e, m.end() + 60)]
        score = weight
        if _CUE_BEFORE.search(before):
            score += 3
        if _CUE_AFTER.search(after):
            score += 3
        if _TRAINING.search(text[s:e]):
            score += 2
        if _PER_UNIT.search(before):
            score -= 4
        if best is None or score > best[0]:
            best = (score, m, count)
    if best is None or best[0] < 4:
        return None
    _, m, count = best
    qual = _QUAL.get((m.group("qual") or "").lower(), "exact")
    phrase = m.group(0)
    start = m.start()
    if qual == "exact" and m.group("qual"):  # "tới"/"đến" is not part of the phrase
        start = m.start("num")
        phrase = text[start:m.end()]
    return {"count": count, "qualifier": qual, "text": phrase, "evidence": sents.evidence(start, m.end()),
            "span": [start, m.end()]}


_VENUES_RE = re.compile(
    rf"(?<![\w.,/%])(?:(?P<qual>{_QUAL_RE})\s+)?{_NUM}(?![\w.,/%]\d|%|\w)\s+(?P<noun>điểm\s+cầu|địa\s+điểm|hội\s+trường|phòng\s+họp)(?!\w)",
    re.IGNORECASE,
)


def find_venues(text: str) -> dict | None:
    """The number of venues or online bridge points ("tại 11 điểm cầu", "kết nối 63 điểm cầu"), or None.

    Returns {"count": int, "text": phrase, "evidence": sentence, "span": [s, e]}. "điểm cầu" counts are
    preferred over "địa điểm"; among several, the one introduced by tại/kết nối/với/gồm, then the largest."""
    text = _clean(text)
    if not text:
        return None
    sents = SentenceIndex(text)
    best = None
    for m in itertools.islice(_VENUES_RE.finditer(text), MAX_CANDIDATES):
        count = parse_number(m.group("num"))
        if not isinstance(count, int) or count < 1 or count > 20_000:
            continue
        bridge = "cầu" in m.group("noun").lower()
        before = text[max(0, m.start() - 30):m.start()]
        cue = bool(re.search(r"(?:tại|kết\s+nối|với|gồm|đến|tới|ở|có)\s*$", before, re.IGNORECASE))
        if not bridge and not cue:
            continue
        if _PER_UNIT.search(before):
            continue
        key = (bridge, cue, count)
        if best is None or key > best[0]:
            best = (key, m, count)
    if best is None:
        return None
    _, m, count = best
    start = m.start("num") if (m.group("qual") or "").lower() in ("tới", "đến") else m.start()
    return {"count": count, "text": text[start:m.end()], "evidence": sents.evidence(start, m.end()),
            "span": [start, m.end()]}
