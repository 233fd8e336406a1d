"""Counts in a training article: how many learners took part, at how many venues (điểm cầu).

Page counters ("Hôm nay: 838", "Lượt xem: 4012"), numbers of classes ("02 lớp"), of units ("20 sở,
ngành", "63 tỉnh, thành phố"), years and percentages are never learners: a count must be followed by a
learner noun (học viên, đại biểu, cán bộ, công chức, …); "người dân" (survey respondents) and "thí sinh"
(exam candidates) are not learners.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

from extract.dates import MAX_CANDIDATES, MAX_TEXT
from extract.document import Document, as_document
from extract.normalize import NUMBER_WORDS, parse_number

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

# learner nouns and weights (extract/data/learner_nouns.txt); a list "cán bộ, công chức, viên chức" is kept
# whole in the text
_NOUNS = {}
_NOT_PEOPLE = set()
for _line in (Path(__file__).with_name("data") / "learner_nouns.txt").read_text(encoding="utf-8").splitlines():
    if not _line.strip() or _line.startswith("#"):
        continue
    if _line.startswith("-"):
        _NOT_PEOPLE.add(_line[1:].strip())
        continue
    _noun, _weight = _line.rsplit("|", 1)
    _NOUNS[_noun] = int(_weight)
_ANY_VIEN = r"[^\W\d_]+\s+viên"   # any "… viên" (a person in a role) not listed: weight 2
_NOUN_RE = "|".join([re.escape(n) for n in sorted(_NOUNS, key=len, reverse=True)] + [_ANY_VIEN])
_LIST_TAIL = r"(?:\s*(?:,|và|;)\s*(?:cán\s+bộ|công\s+chức|viên\s+chức|người\s+lao\s+động|đại\s+biểu|học\s+viên)){0,4}"

_LEARNERS_RE = re.compile(
    rf"(?<![\w.,/%])(?:(?P<qual>{_QUAL_RE})\s+)?{_NUM}(?![\w.,/%]\d|%|\w)\s+(?P<noun>{_NOUN_RE})(?!\w){_LIST_TAIL}",
    re.IGNORECASE,
)
# Any noun for the trained right after "cho"/"với sự tham gia của" in a training sentence ("tập huấn … cho 56
# trưởng công an xã"): the count is the learners', unless the noun is a thing or a unit (_NOT_PEOPLE).
_GENERIC_LEARNERS_RE = re.compile(
    rf"(?<!\w)(?:cho|với\s+sự\s+tham\s+gia\s+của|thu\s+hút)\s+(?P<phrase>(?:(?P<qual>{_QUAL_RE})\s+)?{_NUM}(?![\w.,/%]\d|%|\w)\s+"
    r"(?P<noun>[a-zà-ỹđ]+(?:\s+[a-zà-ỹđ]+){0,5}))(?!\w)")
# the noun phrase ends before a function word ("… xã về dịch vụ công")
_NOUN_STOP = frozenset("về của tại trong thuộc ở các và để nhằm trên với là được đã đang từ theo".split())
_VAGUE = re.compile(r"(?<!\w)(?:hàng|vài|mấy|nhiều|hàng\s+chục)\s*$", re.IGNORECASE)
_SCALE_WORDS = frozenset(("trăm", "nghìn", "ngàn", "triệu", "mươi", "chục"))
_SUBSET_AFTER = re.compile(r"\s*(?:đạt|được\s+xếp|xếp\s+loại|được\s+khen|được\s+công\s+nhận|hoàn\s+thành\s+xuất\s+sắc)",
                           re.IGNORECASE)
# "tổng cộng / tất cả / cả thảy" close a list of attendees with its total ("…, tổng cộng gần 300 đại biểu")
_CUE_BEFORE = re.compile(r"(?:tham\s+gia|tham\s+dự|dự|cho|với|gồm|có|thu\s+hút|là|của|tổng\s+số|tổng\s+cộng(?:\s+có)?"
                         r"|tất\s+cả(?:\s+có)?|cả\s+thảy|tổng)\s*(?:sự\s+tham\s+gia\s+của\s*)?$",
                         re.IGNORECASE)
_CUE_AFTER = re.compile(r"^[^.;]{0,40}?(?:tham\s+gia|tham\s+dự|dự\s|được\s+(?:tập\s+huấn|bồi\s+dưỡng)|học\s+tập)",
                        re.IGNORECASE)
_TRAINING = re.compile(r"tập\s+huấn|bồi\s+dưỡng|lớp|hội\s+nghị|khóa|khoá|học\s+viên|đào\s+tạo", re.IGNORECASE)
# The delegates of a meeting ("giao ban", "sơ kết", "họp", a ceremony) where nothing is taught are not
# learners: a text that names such a meeting and no teaching at all has no learner count.
_MEETING = re.compile(r"giao\s+ban|sơ\s+kết|tổng\s+kết|(?<!\w)họp(?!\w)|(?<!\w)lễ\s", re.IGNORECASE)
_TEACHING = re.compile(r"tập\s+huấn|bồi\s+dưỡng|khai\s+giảng|bế\s+giảng|(?<!\w)lớp(?!\w)|khó?[aá]\s+học|khoá\s+học|học\s+viên|đào\s+tạo"
                       r"|hướng\s+dẫn|giảng\s+viên|báo\s+cáo\s+viên|truyền\s+đạt|chuyên\s+đề|hội\s+thảo|tọa\s+đàm"
                       r"|toạ\s+đàm|hội\s+thi|học\s+tập|giảng\s+dạy|phổ\s+biến|quán\s+triệt", re.IGNORECASE)
_NOT_LEARNERS_BEFORE = re.compile(r"(?:tuyển\s+dụng|trúng\s+tuyển|tuyển|tiếp\s+nhận|bổ\s+nhiệm|khen\s+thưởng|"
                                  r"điều\s+động|luân\s+chuyển|nghỉ\s+hưu|tinh\s+giản)\s*(?:được\s+)?(?:thêm\s+)?$",
                                  re.IGNORECASE)
_PART_OF_LIST = re.compile(r"(?:(?<!\w)gồm|bao\s+gồm|trong\s+đó(?:\s+có)?)[^.;]{0,60}$", re.IGNORECASE)
_PER_UNIT = re.compile(r"(?:mỗi|bình\s+quân|trung\s+bình|/)\s*(?:lớp\s*)?(?:có\s*)?$", re.IGNORECASE)


def _document(text) -> Document | None:
    """The shared Document for `text` (a str or a Document); None for anything else or an empty text."""
    if not isinstance(text, (str, Document)):
        return None
    doc = as_document(text[:_MAX_TEXT] if isinstance(text, str) else text)
    return doc if doc.text else None


def find_learners(text: "str | Document") -> dict | None:
    """The number of participants of the training, or None.

    Returns {"count": int, "qualifier": "exact"|"over"|"about"|"under", "text": phrase as written
    ("hơn 200 cán bộ, công chức"), "evidence": sentence, "span": [s, e]}. hơn/trên → over;
    khoảng/gần như/xấp xỉ/chừng → about; gần/dưới → under; none → exact. Among several counts the one
    with the best learner noun and participation cue (tham gia, tham dự, cho, với, gồm …) wins."""
    doc = _document(text)
    if doc is None:
        return None
    text = doc.text[:_MAX_TEXT]
    if _MEETING.search(text) and not _TEACHING.search(text):
        return None
    sents = doc.sentences
    best = None
    for m in itertools.islice(_LEARNERS_RE.finditer(text), MAX_CANDIDATES):
        count = parse_number(m.group("num"))
        if not isinstance(count, int) or count < 5 or count > 1_000_000:
            continue  # "02 đồng chí lãnh đạo" are guests, not the learners of a class
        if _VAGUE.search(text[max(0, m.start() - 12):m.start("num")]) or m.group("num").split()[0].lower() in _SCALE_WORDS:
            continue  # "hàng trăm cán bộ": a vague amount is no count
        if re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) and not m.group("qual"):
            continue  # "năm 2019 cán bộ …" is a year
        noun = m.group("noun")
        if re.match(r"\s+(?:dân|nộp|sử\s+dụng|đứng\s+đầu)", text[m.end("noun"):m.end("noun") + 12], re.I):
            continue  # "4.000 người dân" surveyed, "người đứng đầu" heads of units
        weight = _NOUNS.get(noun, _NOUNS.get(noun.lower(), 2 if noun.lower().endswith("viên") else 1))
        if _NOT_LEARNERS_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue  # recruits, appointees, people rewarded: not trainees
        if _PART_OF_LIST.search(text[max(0, m.start() - 80):m.start()]) and _LEARNERS_RE.search(
                text, max(sents.bounds(m.start())[0], m.start() - 200), m.start()):
            continue  # "160 đại biểu, gồm 25 lãnh đạo … và 135 công chức": a part of the total before it
        if _SUBSET_AFTER.match(text, m.end()):
            continue  # "19 học viên đạt loại giỏi": part of the class
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
            best = (score, m.start(), m.end(), count, m.group("qual"), m.start("num"))
    taken = best[1:3] if best else None
    for m in itertools.islice(_GENERIC_LEARNERS_RE.finditer(text), MAX_CANDIDATES):
        words = m.group("noun").split()
        for k, w in enumerate(words):
            if w in _NOUN_STOP:
                words = words[:k]
                break
        if not words:
            continue
        if any(" ".join(words[:k]) in _NOT_PEOPLE for k in (1, 2, 3)) or m.group("noun") in _NOUNS:
            continue
        if taken and taken[0] <= m.start("phrase") < taken[1]:
            continue
        count = parse_number(m.group("num"))
        if not isinstance(count, int) or count < 5 or count > 1_000_000:
            continue
        s, e = sents.bounds(m.start())
        if not _TRAINING.search(text[s:e]) or _NOT_LEARNERS_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue
        score = 2 + 3 + 2
        if best is None or score > best[0]:
            end = m.start("noun") + len(" ".join(words)) if m.group("noun").startswith(" ".join(words)) else m.end("phrase")
            best = (score, m.start("phrase"), end, count, m.group("qual"), m.start("num"))
    if best is None or best[0] < 4:
        return None
    _, start, end, count, qual_text, num_start = best
    qual = _QUAL.get((qual_text or "").lower(), "exact")
    if qual == "exact" and qual_text:  # "tới"/"đến" is not part of the phrase
        start = num_start
    return {"count": count, "qualifier": qual, "text": text[start:end], "evidence": sents.evidence(start, end),
            "span": [start, end]}


# One venue mention: a count and a venue noun ("11 điểm cầu", "04 địa điểm", "tại 02 điểm"), or the
# unnumbered central bridge point ("điểm cầu trung tâm", "điểm cầu chính"), which is one venue.
_VENUES_RE = re.compile(
    rf"(?<![\w.,/%])(?:(?P<qual>{_QUAL_RE})\s+)?{_NUM}(?![\w.,/%]\d|%|\w)\s+"
    r"(?P<noun>điểm\s+cầu|địa\s+điểm|hội\s+trường|phòng\s+họp|điểm)(?!\w)"
    r"|(?<!\w)(?P<main>điểm\s+cầu\s+(?:trung\s+tâm|chính))(?!\w)",
    re.IGNORECASE,
)
_VENUE_CUE = re.compile(r"(?:tại|kết\s+nối|với|gồm|đến|tới|ở|có)\s*$", re.IGNORECASE)
# A bare "điểm" is a place only right after "tại"/"ở" ("tổ chức đồng thời tại 02 điểm: …"); elsewhere it
# is a score ("đạt 85 điểm", "tăng 3 điểm") or a point of a legal text ("quy định tại 3 điểm").
_BARE_CUE = re.compile(r"(?<!\w)(?:tại|ở)\s*$", re.IGNORECASE)
# Statistics about the province's network are not venues (conventions.md): "Toàn tỉnh hiện có 175 điểm cầu",
# "tỉnh đã đầu tư 152 điểm cầu trực tuyến".
_NETWORK_BEFORE = re.compile(r"(?:hiện\s+có|hiện\s+nay\s+có|đã\s+có|đầu\s+tư|xây\s+dựng|lắp\s+đặt|trang\s+bị|nâng\s+cấp"
                             r"|duy\s+trì|vận\s+hành)\s*(?:được\s+|thêm\s+|tổng\s+(?:số|cộng)\s+)?$", re.IGNORECASE)
_LEGAL_BEFORE = re.compile(r"(?:quy\s+định|nêu|theo|khoản|điều)\s+(?:tại|ở)\s*$", re.IGNORECASE)
# Mentions of one event's venues are listed together in one clause: "01 điểm cầu trung tâm tại Sở Nội vụ
# và 18 điểm cầu tại UBND các huyện", "tại điểm cầu trung tâm, kết nối trực tuyến đến 38 điểm cầu". The
# count is a number the text states, never a sum (conventions.md: "No arithmetic: the main bridge is not
# added"): a stated total of the parts ("13 điểm cầu, gồm …", "…, tổng cộng 11 điểm cầu") if there is one,
# else the largest listed number (18, 38). The text between two listed mentions (a location, then a
# connector) stays in the sentence, is short and names no attendees (", với hơn 1.000 cán bộ …, trong đó
# điểm cầu trung tâm có 65 đại biểu" restates a venue already listed).
_VENUE_GAP_MAX = 110
_GAP_BLOCK = re.compile(r"[.;!?\n]|trong\s+đó|tham\s+dự|tham\s+gia|đại\s+biểu|học\s+viên|(?<!\w)lớp(?!\w)"
                        r"|hội\s+nghị", re.IGNORECASE)
_GAP_ADD = re.compile(r"(?:(?<!\w)và|(?<!\w)đến|(?<!\w)tới|(?<!\w)với|(?<!\w)cùng|,)\s*$", re.IGNORECASE)
# "11 điểm cầu, gồm 01 điểm cầu trung tâm và 10 điểm cầu": the parts restate the total.
_GAP_PARTS = re.compile(r"^[^.;]{0,60}?(?:bao\s+gồm|gồm(?:\s+có)?|:)\s*$", re.IGNORECASE)
# "01 điểm cầu trung tâm và 10 điểm cầu cấp huyện, tổng cộng 11 điểm cầu": the total after the parts.
_GAP_TOTAL = re.compile(r"(?:tổng\s+(?:cộng|số)(?:\s+(?:là|có))?|tất\s+cả(?:\s+có)?|cả\s+thảy)\s*$", re.IGNORECASE)


def _venue_items(text: str) -> list[tuple[int, int, int, bool, bool, re.Match]]:
    """Venue mentions as (start, end, count, bridge, cue, match); count 1 for an unnumbered central point."""
    items = []
    for m in itertools.islice(_VENUES_RE.finditer(text), MAX_CANDIDATES):
        before = text[max(0, m.start() - 30):m.start()]
        if m.group("main"):
            if re.search(r"(?<!\w)(?:các|những|mỗi|từng)\s*$", before, re.IGNORECASE):
                continue
            items.append((m.start(), m.end(), 1, True, bool(_VENUE_CUE.search(before)), m))
            continue
        count = parse_number(m.group("num"))
        if not isinstance(count, int) or count < 1 or count > 20_000:
            continue
        noun = re.sub(r"\s+", " ", m.group("noun").lower())
        if noun == "điểm" and (not _BARE_CUE.search(before) or _LEGAL_BEFORE.search(before)):
            continue
        if _PER_UNIT.search(before) or _NETWORK_BEFORE.search(before):
            continue
        start = m.start("num") if (m.group("qual") or "").lower() in ("tới", "đến") else m.start()
        before = text[max(0, start - 30):start]  # "… tới 20 điểm cầu": "tới" joins, it does not qualify
        items.append((start, m.end(), count, "cầu" in noun, bool(_VENUE_CUE.search(before)), m))
    return items


def _venue_groups(text: str, items: list) -> list[tuple[int, int, int, bool, bool, bool]]:
    """Join mentions listed together into groups: (start, end, count, bridge, cue, numbered); a group's count
    is its stated total, else its largest listed number (no sum)."""
    groups = []
    k = 0
    while k < len(items):
        start, end, total, bridge, cue, m = items[k]
        numbered = m.group("main") is None
        stated = None   # a stated total whose parts follow
        j = k + 1
        while j < len(items):
            nxt = items[j]
            gap = text[end:nxt[0]]
            if nxt[3] != bridge or len(gap) > _VENUE_GAP_MAX or _GAP_BLOCK.search(gap):
                break
            if j == k + 1 and numbered and _GAP_PARTS.match(gap):
                stated = total
                total = nxt[2]
            elif _GAP_TOTAL.search(gap):
                stated = nxt[2]
                total = nxt[2]
            elif _GAP_ADD.search(gap):
                total = max(total, nxt[2])  # listed together, not added
            else:
                break
            numbered = numbered or nxt[5].group("main") is None
            end = nxt[1]
            j += 1
        groups.append((start, end, stated if stated is not None else total, bridge, cue, numbered))
        k = j
    return groups


def find_venues(text: "str | Document") -> dict | None:
    """The number of venues or online bridge points ("tại 11 điểm cầu", "kết nối 63 điểm cầu"), or None.

    Returns {"count": int, "text": phrase, "evidence": sentence, "span": [s, e]}. The count is a number the
    text states, not a sum: the main bridge is not added ("01 điểm cầu trung tâm … và 18 điểm cầu …" → 18),
    a stated total wins over its parts ("13 điểm cầu, gồm …" → 13). "điểm cầu" counts are
    preferred over "địa điểm"; among several, the one introduced by tại/kết nối/với/gồm, then the largest.
    The province's network ("hiện có 175 điểm cầu") is no venue count.
    An unnumbered central point alone gives no count."""
    doc = _document(text)
    if doc is None:
        return None
    text = doc.text[:_MAX_TEXT]
    sents = doc.sentences
    best = None
    for start, end, count, bridge, cue, numbered in _venue_groups(text, _venue_items(text)):
        if not numbered:
            continue
        first = _VENUES_RE.match(text, start)
        bare = first is not None and (first.group("noun") or "").lower() == "điểm"
        if not bridge and not cue:
            continue
        if bare and not _TRAINING.search(text[slice(*sents.bounds(start))]):
            continue
        key = (bridge, cue, count)
        if best is None or key > best[0]:
            best = (key, start, end, count, first)
    if best is None:
        return None
    _, start, end, count, _ = best
    return {"count": count, "text": text[start:end], "evidence": sents.evidence(start, end),
            "span": [start, end]}
