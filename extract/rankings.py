"""Official rankings quoted in an article: PAR INDEX (Chỉ số CCHC), SIPAS, PAPI, PCI.

A ranking is an index name and a rank (or a change of rank) of one subject. The rank may be a number
("xếp thứ 2/63"), an ordinal word ("xếp thứ nhì"), first place ("dẫn đầu khối các bộ", "giữ ngôi đầu"),
last place ("xếp cuối bảng", which is the total when the total is stated), a list read in order ("A, B và
C lần lượt xếp thứ 4, 5 và 6"), or the places after the last one read ("…, tiếp theo là D và E"). A
bare mention ("cải thiện Chỉ số SIPAS"), a group ("nằm trong nhóm", "lọt vào Top 5"), a score or a
share is not a ranking.

The index and year may be named in an earlier sentence of the same paragraph (an announcement is a
table: "Bộ Nội vụ công bố Chỉ số CCHC năm 2023. Theo đó, A xếp thứ 1/63, B xếp thứ 2/63 …"). A change
("tăng thêm 4 bậc") belongs to the rank of its own clause, else to the ranking of the sentence just
before when its own sentence ranks nothing; a change with no rank is an entry with rank null.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field

from extract.classify import DATA, canonical_tones, province_mentions
from extract.dates import MAX_CANDIDATES, MAX_TEXT
from extract.document import Document, as_document
from extract.normalize import parse_number

_INDEX_RE = re.compile(
    r"(?P<par>chỉ\s+số\s+(?:cải\s+cách\s+hành\s+chính|CCHC)|PAR[\s\-]*INDEX)"
    r"|(?P<sipas>SIPAS|chỉ\s+số\s+(?:đo\s+lường\s+)?(?:sự\s+)?hài\s+lòng)"
    r"|(?P<papi>PAPI|chỉ\s+số\s+hiệu\s+quả\s+quản\s+trị\s+và\s+hành\s+chính\s+công)"
    r"|(?P<pci>(?<![A-Za-z])PCI(?![A-Za-z])|chỉ\s+số\s+năng\s+lực\s+cạnh\s+tranh)"
    r"|(?P<other>DDCI|(?<![A-Za-z])DTI(?![A-Za-z])|chỉ\s+số\s+chuyển\s+đổi\s+số|ICT\s*Index"
    r"|chỉ\s+số\s+(?:sẵn\s+sàng|ứng\s+dụng)[\w\s]{0,30}?(?:CNTT|công\s+nghệ\s+thông\s+tin))",
    re.IGNORECASE,
)
# Every alternative of _INDEX_RE starts with one of these (same flags): the only places worth trying it.
_INDEX_STARTS = re.compile(r"chỉ|par|sipas|papi|pci|ddci|dti|ict", re.IGNORECASE)


def _index_matches(text: str):
    """`_INDEX_RE.finditer(text)`, tried only where `_INDEX_STARTS` matches (5x faster on a page
    that names no index, the common case)."""
    pos, search, match = 0, _INDEX_STARTS.search, _INDEX_RE.match
    while True:
        c = search(text, pos)
        if c is None:
            return
        m = match(text, c.start())
        if m:
            yield m
            pos = m.end()
        else:
            pos = c.start() + 1


_INDEX_NAME = {"par": "PAR INDEX", "sipas": "SIPAS", "papi": "PAPI", "pci": "PCI", "other": "other"}

# "thứ nhì", "thứ ba" … as ranks (only after a ranking verb, so "thứ Hai tuần sau" stays a weekday)
_ORDINALS = {"nhất": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
             "tám": 8, "chín": 9, "mười": 10}
_ORD = r"(?:nhất|nhì|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)(?!\w)"
# A total written after the rank: "/63", "trên 63", "trong 63 tỉnh", "trên tổng số 17 bộ", "trong số 63"
_TOTAL = r"(?:\s*/\s*(?P<total>\d{1,3})|\s+(?:trên|trong)\s+(?:tổng\s+số\s+|số\s+)?(?P<total2>\d{1,3})(?=\s+[^\W\d_]))"
_VERB = r"(?:xếp|đứng|giữ|ở|lên|xuống|đạt|chiếm|vươn\s+lên|tụt\s+xuống)"

_RANK_RE = re.compile(
    r"(?<!\w)(?:(?P<word>thứ|vị\s+trí(?:\s+thứ|\s+số)?|(?:thứ\s+)?hạng(?:\s+thứ)?)\s*(?P<rank>\d{1,3})"
    r"|(?P<verb>xếp|đứng|đạt|giữ|ở|lên|xuống)\s+(?P<rank2>\d{1,3})(?=\s*/\s*\d))"
    rf"(?:{_TOTAL})?(?![\d,.]\d|\w)",
    re.IGNORECASE,
)
_WORD_RANK_RE = re.compile(
    rf"(?:(?<!\w){_VERB}\s+(?:ở\s+)?(?:vị\s+trí\s+|hạng\s+)?thứ\s+(?P<ord>{_ORD})"
    rf"|(?<!\w)xếp\s+hạng\s+(?:thứ\s+)?(?P<ord2>{_ORD}))(?:{_TOTAL})?",
    re.IGNORECASE,
)
_FIRST_RE = re.compile(
    r"(?<!\w)(?:(?:dẫn|đứng)\s+đầu|giữ\s+ngôi\s+đầu|ngôi\s+đầu|giữ\s+(?:vị\s+trí\s+)?(?:số\s+1|quán\s+quân))(?!\w)",
    re.IGNORECASE)
_LAST_RE = re.compile(
    r"(?<!\w)(?:xếp|đứng|ở|nằm|giữ)\s+(?:ở\s+)?(?:vị\s+trí\s+|hạng\s+)?(?:cuối\s+cùng|cuối\s+bảng|chót|cuối)(?!\w)"
    rf"(?:{_TOTAL})?",
    re.IGNORECASE)
_ITEM = rf"(?:\d{{1,3}}(?!\d)|{_ORD})"
_LIST_RE = re.compile(
    rf"(?<!\w)lần\s+lượt\s+(?:là\s+)?(?:{_VERB}\s+)?(?:ở\s+)?(?:các\s+)?(?:vị\s+trí\s+|hạng\s+)?(?:thứ\s+)?"
    rf"(?P<items>{_ITEM}(?:\s*(?:,|và|-)\s*(?:thứ\s+)?{_ITEM})+)(?:{_TOTAL})?(?![\d,.]\d|\w)",
    re.IGNORECASE)
# "…, tiếp theo là A và B", "các vị trí tiếp theo lần lượt là C, D": the places after the rank just read
_NEXT_RE = re.compile(
    r"(?<!\w)(?:tiếp\s+theo|tiếp\s+đến|kế\s+đến|kế\s+tiếp|theo\s+sau)\s+(?:lần\s+lượt\s+)?(?:là|thuộc\s+về)\s+"
    r"|(?<!\w)các\s+vị\s+trí\s+tiếp\s+theo\s+(?:lần\s+lượt\s+)?(?:là|thuộc\s+về)\s+",
    re.IGNORECASE)

_RANK_VERB_BEFORE = re.compile(r"(?:xếp|đứng|giữ|vị\s+trí|hạng|vươn\s+lên|tụt|lên|xuống|đạt|ở)\s+(?:\w+\s+){0,3}$"
                               r"|\(\s*$", re.IGNORECASE)
_NOT_RANK_BEFORE = re.compile(r"(?:lần|khóa|khoá|kỳ|kì|đợt|phiên|lớp|ngày|năm)\s*$", re.IGNORECASE)
_CHANGE_RE = re.compile(
    r"(?<!\w)(?P<dir>tăng|giảm|tụt|thăng|vượt|lên|xuống|sụt|nhảy)\s+(?:hạng\s+)?(?:thêm\s+|được\s+|tới\s+|đến\s+|mất\s+)?"
    r"(?P<n>\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:bậc|hạng|vị\s+trí|bực)(?!\w)",
    re.IGNORECASE)
_DOWN = ("giảm", "tụt", "xuống", "sụt")
_YEAR_RE = re.compile(r"(?P<pre>so\s+với\s+(?:năm\s+)?|giai\s+đoạn\s+|đến\s+(?:năm\s+)?|[-–]\s*)?"
                      r"(?:năm\s+)?(?<!\d)(?P<y>20[0-4]\d|19\d\d)(?![\d/])(?P<post>\s*[-–]\s*20\d\d)?", re.IGNORECASE)
# A law's year ("Luật Tổ chức chính quyền địa phương 2015") is never the ranking's year
_LAW_BEFORE = re.compile(r"(?<!\w)Luật(?:\s+[^\s,.;]+){0,8}\s*$")
_SCORE_RE = re.compile(r"(?:đạt|với|là|\()\s*(?P<v>\d{1,3}(?:,\d{1,4})?)\s*(?:%|điểm)", re.IGNORECASE)
# "nằm trong nhóm 10 tỉnh đứng đầu", "một trong những địa phương dẫn đầu": a group, not first place
# ("Trong nhóm các bộ, Bộ X dẫn đầu" names the leader after the comma: first place)
_GROUP_BEFORE = re.compile(r"(?<!\w)(?:nhóm|top|tốp|một\s+trong|một\s+số|nhiều|các|những|\d+)(?:\s+[^\s;.:]+){0,5}\s*$",
                           re.IGNORECASE)
_NEW_SUBJECT = re.compile(r",\s+[A-ZĐÀ-Ỹ]")
_HEAD_BEFORE = re.compile(r"(?<!\w)(?:người|cấp\s+ủy|thủ\s+trưởng)\s*$", re.IGNORECASE)
_FIRST_NOT_AFTER = re.compile(r"\s*(?:đoàn|danh\s+sách|phong\s+trào)|\s+(?:cả\s+nước\s+|toàn\s+quốc\s+)?về\s+(?!chỉ\s+số|PAR|SIPAS|PAPI|PCI)",
                              re.IGNORECASE)
# A sentence without an index name may still rank a subject of the index just discussed; not when it ranks
# another measure.
_MEASURE = re.compile(r"tỷ\s+lệ|tỉ\s+lệ|số\s+lượng|số\s+hồ\s+sơ|mức\s+độ|(?<!\w)về\s+(?!chỉ\s+số|PAR|SIPAS|PAPI|PCI)",
                      re.IGNORECASE)
_PREV_YEAR = re.compile(r"(?<!những )(?<!các )năm\s+(?:trước|qua|vừa\s+qua|ngoái)", re.IGNORECASE)
_SUBJECT_AFTER = re.compile(r"\s*(?:là|thuộc\s+về)\s+", re.IGNORECASE)
_MINISTRY_CONTEXT = re.compile(r"\d\s+bộ|cơ\s+quan\s+ngang\s+bộ|(?:khối|nhóm)\s+(?:các\s+)?bộ|các\s+bộ", re.IGNORECASE)
# The size of the table a sentence ranks in: "Trong tổng số 63 tỉnh, thành phố, …", "Trên tổng số 17 bộ, …",
# "bảng xếp hạng … của 63 tỉnh": every rank of that sentence is out of it.
_TABLE_TOTAL = re.compile(r"(?<!\w)(?:trong|trên|của)\s+(?:tổng\s+số\s+|số\s+)?(?P<n>\d{1,3})\s+"
                          r"(?:tỉnh|bộ|cơ\s+quan|địa\s+phương|đơn\s+vị|huyện|sở)(?!\w)", re.IGNORECASE)
# "Tuyên Quang và Yên Bái lần lượt tăng 12 và 10 bậc": changes read in order
_CHANGE_LIST_RE = re.compile(
    r"(?<!\w)lần\s+lượt\s+(?P<dir>tăng|giảm|tụt)\s+(?:thêm\s+)?(?P<items>\d{1,2}(?:\s*(?:,|và)\s*\d{1,2})+)\s+(?:bậc|hạng)(?!\w)",
    re.IGNORECASE)
# A rank without its verb right after a subject, in a list whose verb came before ("X xếp thứ nhì, Y thứ ba")
_ELIDED_RANK_RE = re.compile(rf"(?<!\w)thứ\s+(?P<ord>{_ORD}|\d{{1,3}}(?![\d/]))(?:{_TOTAL})?", re.IGNORECASE)
_LIST_VERB_BEFORE = re.compile(r"(?:xếp|đứng)\s+(?:ở\s+)?(?:vị\s+trí\s+)?thứ\s+\S+[^.!?\n]*$", re.IGNORECASE)
# A past place ("năm trước dẫn đầu", "từng đứng đầu") is not this year's ranking
_PAST_BEFORE = re.compile(r"(?:năm\s+trước|năm\s+ngoái|(?<!\w)từng|trước\s+đây|(?<!\w)vốn)\s*(?:đã\s+)?$", re.IGNORECASE)
# A rank in brackets right after a subject: "ngay trên Bình Dương (61/63)"
_PAREN_RANK_RE = re.compile(r"\(\s*(?P<rank>\d{1,3})\s*/\s*(?P<total>\d{2,3})\s*\)")
_COUNTED_TOTAL = re.compile(r"(?<![\d/])(?P<n>\d{1,3})\s+(?:tỉnh|bộ|cơ\s+quan|địa\s+phương|huyện|đơn\s+vị|sở)", re.IGNORECASE)
_INHERIT_REACH = 1500


@dataclass
class _Mention:
    """One place of the text that states ranks: ranks in reading order (one for most mentions)."""
    start: int
    end: int
    ranks: list
    total: int | None
    kind: str                      # num | word | first | last | list
    match: re.Match = field(repr=False, default=None)


@functools.lru_cache(maxsize=1)
def _ministry_re() -> re.Pattern:
    names = [ln.strip() for ln in (DATA / "ministries.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    alts = [r"\s+".join(re.escape(w) for w in canonical_tones(n).split()) for n in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?!\w)")


def _total_of(m: re.Match) -> int | None:
    t = m.groupdict().get("total") or m.groupdict().get("total2")
    return int(t) if t else None


def _number(token: str) -> int | None:
    token = token.lower()
    if token in _ORDINALS:
        return _ORDINALS[token]
    value = parse_number(token)
    return value if isinstance(value, int) else None


def _mentions(text: str) -> list[_Mention]:
    """Every rank statement in `text`, in order, overlapping ones resolved for the longest (a list
    "lần lượt xếp thứ 4 và 5" over its "thứ 4")."""
    found: list[_Mention] = []
    for m in itertools.islice(_LIST_RE.finditer(text), MAX_CANDIDATES):
        items = [_number(t) for t in re.findall(rf"\d{{1,3}}|{_ORD}", m.group("items"), re.IGNORECASE)]
        if len(items) >= 2 and all(items):
            found.append(_Mention(m.start(), m.end(), items, _total_of(m), "list", m))
    for m in itertools.islice(_WORD_RANK_RE.finditer(text), MAX_CANDIDATES):
        found.append(_Mention(m.start(), m.end(), [_ORDINALS[(m.group("ord") or m.group("ord2")).lower()]],
                              _total_of(m), "word", m))
    for m in itertools.islice(_LAST_RE.finditer(text), MAX_CANDIDATES):
        found.append(_Mention(m.start(), m.end(), [None], _total_of(m), "last", m))
    for m in itertools.islice(_FIRST_RE.finditer(text), MAX_CANDIDATES):
        before = text[max(0, m.start() - 60):m.start()]
        group = _GROUP_BEFORE.search(before)
        if group and _NEW_SUBJECT.search(before, group.start()):
            group = None
        if group or _HEAD_BEFORE.search(before) or _PAST_BEFORE.search(before) or _FIRST_NOT_AFTER.match(text, m.end()):
            continue  # "một trong những địa phương dẫn đầu", "người đứng đầu", "dẫn đầu đoàn"
        found.append(_Mention(m.start(), m.end(), [1], None, "first", m))
    for m in itertools.islice(_RANK_RE.finditer(text), MAX_CANDIDATES):
        if _NOT_RANK_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            continue  # "lần thứ 11", "năm thứ 4"
        total = _total_of(m)
        if re.match(r"\s*(?:điểm|%)", text[m.end():m.end() + 8]):
            continue  # "đạt 11/13 điểm" is a score
        bare = (m.group("word") or "").lower() == "thứ" and total is None
        if bare and not _RANK_VERB_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue  # "thứ 2 tuần sau" is a weekday, not a rank
        found.append(_Mention(m.start(), m.end(), [int(m.group("rank") or m.group("rank2"))], total, "num", m))
    for m in itertools.islice(_ELIDED_RANK_RE.finditer(text), MAX_CANDIDATES):
        # "Bộ Ngoại giao xếp thứ nhì, Bộ Tài chính thứ ba": the verb said once for the list
        named = _entities(text, max(0, m.start() - 60), m.start(), True)
        if named and not text[named[-1][2]:m.start()].strip() and _LIST_VERB_BEFORE.search(text, max(0, m.start() - 150), m.start()):
            rank = _number(m.group("ord"))
            if rank:
                found.append(_Mention(m.start(), m.end(), [rank], _total_of(m), "word", m))
    for m in itertools.islice(_PAREN_RANK_RE.finditer(text), MAX_CANDIDATES):
        named = _entities(text, max(0, m.start() - 60), m.start(), True)
        if named and not text[named[-1][2]:m.start()].strip():
            found.append(_Mention(m.start(), m.end(), [int(m.group("rank"))], int(m.group("total")), "num", m))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[_Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


def _year_in(text: str, a: int, b: int, last: bool = True) -> int | None:
    """A ranking year written in text[a:b]: not a comparison year ("so với năm 2019"), a period
    ("giai đoạn 2021-2025") or a law's year."""
    years = [m for m in itertools.islice(_YEAR_RE.finditer(text, a, b), 20)
             if not m.group("pre") and not m.group("post") and not _LAW_BEFORE.search(text[max(0, m.start() - 80):m.start()])]
    if not years:
        return None
    return int((years[-1] if last else years[0]).group("y"))


def _index_year(text: str, idx: re.Match, sent: tuple[int, int]) -> int | None:
    """The year named with an index mention: just after it ("Chỉ số CCHC năm 2022"), else earlier in its
    sentence."""
    return _year_in(text, idx.end(), min(sent[1], idx.end() + 25), last=False) or _year_in(text, sent[0], idx.start())


def _year(text: str, idx: re.Match, rank: _Mention, sent: tuple[int, int], prev_end: int) -> int | None:
    """The year written with a ranking: between the index name and the rank, just after the index
    name, earlier in the sentence, or just after the rank."""
    lo = min(idx.start(), rank.start)
    windows = [(max(idx.end(), prev_end), rank.start, True) if idx.start() < rank.start else (rank.end, idx.end() + 20, True),
               (idx.end(), min(sent[1], idx.end() + 20), False),
               (sent[0], lo, True),
               (rank.end, min(sent[1], rank.end + 30), False)]
    for a, b, last in windows:
        if b > a:
            year = _year_in(text, a, b, last)
            if year:
                return year
    return None


def _entities(text: str, a: int, b: int, ministries: bool) -> list[tuple[str, int, int]]:
    """Subjects named in text[a:b] (absolute offsets): provinces, and ministries when `ministries`."""
    window = text[a:b]
    out = [(n, a + s, a + e) for n, s, e in province_mentions(window)]
    if ministries:
        for m in _ministry_re().finditer(canonical_tones(window)):
            out.append((re.sub(r"\s+", " ", window[m.start():m.end()]), a + m.start(), a + m.end()))
    out.sort(key=lambda x: x[1])
    # a province inside a ministry-like name is not a subject of its own
    return [e for e in out if not any(o is not e and o[1] <= e[1] and e[2] <= o[2] and (o[2] - o[1]) > (e[2] - e[1])
                                      for o in out)]


def _wants_ministry(text: str, sent: tuple[int, int], total: int | None) -> bool:
    return bool((total is not None and total < 30) or _MINISTRY_CONTEXT.search(text, sent[0], sent[1]))


def _subject(text: str, sent: tuple[int, int], anchor: int, rank: _Mention, province: str | None,
             clause_start: int) -> str | None:
    """Who is ranked: the subject named last in the rank's own clause (after the previous rank), a
    subject named right after the rank ("xếp thứ 2 là Hải Phòng"), a district of the province ranked
    among districts, else the one nearest before the index name, else `province`."""
    total = rank.total
    ministry = _wants_ministry(text, sent, total)
    any_ministry = total is None or total < 30   # a ministry named with the rank may be ranked
    lo = max(sent[0], clause_start)
    after = _SUBJECT_AFTER.match(text, rank.end)
    if after:
        found = _entities(text, after.end(), min(sent[1], after.end() + 60), any_ministry)
        if found and found[0][1] == after.end():
            return found[0][0]
    district = None if total in (34, 61, 63, 64) else _district(text, lo, rank.start, sent[0])
    if district:
        return district
    found = _entities(text, sent[0], sent[1], any_ministry)
    if ministry:
        ministries = [e for e in found if e[0].split()[0] in ("Bộ", "Ngân", "Thanh", "Văn", "Ủy", "Uỷ")]
        own = [e for e in ministries if lo <= e[1] and e[2] <= rank.start]
        if own:
            return own[-1][0]
        if ministries:
            return min(ministries, key=lambda e: abs(e[1] - anchor))[0]
    if found:
        own = [e for e in found if lo <= e[1] and e[2] <= rank.start]
        if own:
            return own[-1][0]
        before = [e for e in found if e[1] <= anchor]
        if before:
            return before[-1][0]
        if province:
            return province  # "Chỉ số … của tỉnh xếp thứ 7/63, công bố tại Hà Nội": the article's own
        return found[0][0]
    return province


# A district, town or city of a province named right before its rank ("huyện Phú Vang xếp thứ 3/9",
# "thị xã Hương Thủy đứng thứ 2/9"): the subject is the place name without the settlement word.
_DISTRICT_RE = re.compile(r"(?<!\w)(?:huyện|quận|thị\s+xã|thành\s+phố|TP\.?)\s*"
                          r"(?P<name>[^\W\d_][^\W\d_]*(?:[ \t]+[^\W\d_]+){0,3})", re.IGNORECASE)
_DISTRICT_GAP = re.compile(r"[^;:\n]{0,50}")
# "… huyện A, Chỉ số CCHC của tỉnh xếp thứ 6/63": the province is ranked, not the district
_NOT_DISTRICT_GAP = re.compile(r"(?<!\w)(?:tỉnh|của|chỉ\s+số)(?!\w)", re.IGNORECASE)


def _district(text: str, lo: int, hi: int, sent_start: int) -> str | None:
    """The district named last in text[lo:hi] (the rank's own clause), when only a few words (no ";")
    separate it from the rank and no province is named after it; None when it is a province ("thành
    phố Đà Nẵng") or no district is named."""
    last = None
    for m in itertools.islice(_DISTRICT_RE.finditer(text, lo, hi), 20):
        keep = []
        for w in m.group("name").split():
            if not w[0].isupper():
                break
            keep.append(w)
        if keep:
            last = (m, keep)
    if last is None:
        return None
    m, keep = last
    name = " ".join(keep)
    name_end = m.start("name") + len(" ".join(m.group("name").split()[:len(keep)]))
    if province_mentions(name) or province_mentions(text[m.start():name_end]):
        return None
    if province_mentions(text[m.start():hi]):
        return None  # a province is named after the district: the province is ranked
    if not _DISTRICT_GAP.fullmatch(text, name_end, hi) or _NOT_DISTRICT_GAP.search(text, name_end, hi):
        return None
    return name


def _change_value(m: re.Match) -> int:
    n = _number(m.group("n")) or 0
    return -n if m.group("dir").lower() in _DOWN else n


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


class _Reader:
    """The state of one pass over a text: its index mentions, rank mentions and the entries read."""

    def __init__(self, doc: Document, published_year: int | None, province: str | None):
        self.doc = doc
        self.text = doc.text[:MAX_TEXT]
        self.published_year = published_year
        self.province = province
        self.indexes = list(itertools.islice(_index_matches(self.text), 5 * MAX_CANDIDATES))
        self.idx_starts = [m.start() for m in self.indexes]
        self.out: list[dict] = []
        self.seen: set = set()
        self.claimed: set = set()   # starts of changes given to a ranking

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.doc.sentences.bounds(pos, 300)

    def index_for(self, mention: _Mention, sent: tuple[int, int], prev_end: int):
        """(index match, inherited?) for a rank mention: an index named in its sentence (before it in its
        clause, else just after it, else anywhere in the sentence), else the index last named before it
        in the same paragraph or the paragraphs just before. None when there is none."""
        lo_i, hi_i = bisect.bisect_left(self.idx_starts, sent[0]), bisect.bisect_left(self.idx_starts, sent[1])
        in_sent = self.indexes[lo_i:hi_i]
        before = [m for m in in_sent if prev_end <= m.start() and m.end() <= mention.start]
        after = [m for m in in_sent if m.start() >= mention.end and m.start() - mention.end <= 80]
        if before:
            return before[-1], False
        if after:
            return after[0], False
        if in_sent:
            return (in_sent[-1] if in_sent[-1].start() < mention.start else in_sent[0]), False
        k = bisect.bisect_left(self.idx_starts, sent[0]) - 1
        if k < 0:
            return None
        idx = self.indexes[k]
        text = self.text
        clause = text[max(sent[0], prev_end):mention.start]
        if _MEASURE.search(clause):
            return None
        if _paragraph_start(text, mention.start) > idx.start():
            # another paragraph: only close by, in a text that keeps ranking ("Theo đó, …"); the table
            # read last goes on (its index, not one named since in passing)
            ranked = [r for r in self.out if r["rank"] is not None and r["span"][1] <= mention.start]
            if ranked and mention.start - ranked[-1]["span"][1] <= _INHERIT_REACH:
                return ranked[-1]["_idx"], True
            if mention.start - idx.end() > _INHERIT_REACH:
                return None
            if not (self.out or _entities(text, max(sent[0], prev_end), min(sent[1], mention.end + 60), True)):
                return None
        return idx, True

    def index_at(self, pos: int, sent: tuple[int, int]):
        """(index match, inherited?) for a change at `pos` with no rank: the index named before it in
        its sentence, else the one in force (as for a rank)."""
        lo_i, hi_i = bisect.bisect_left(self.idx_starts, sent[0]), bisect.bisect_left(self.idx_starts, pos)
        if hi_i > lo_i:
            return self.indexes[hi_i - 1], False
        fake = _Mention(pos, pos, [None], None, "change")
        return self.index_for(fake, sent, sent[0])

    def table_total(self, sent: tuple[int, int], ranks: list) -> int | None:
        """The size of the table the sentence ranks in ("Trong tổng số 63 tỉnh, thành phố, …"), if stated
        and not smaller than its ranks."""
        for m in _TABLE_TOTAL.finditer(self.text, sent[0], sent[1]):
            n = int(m.group("n"))
            if n >= 2 and all(r is None or r <= n for r in ranks):
                return n
        return None

    def year_for(self, idx: re.Match, inherited: bool, mention: _Mention, sent: tuple[int, int],
                 prev_end: int) -> int | None:
        text = self.text
        if inherited:
            year = _year_in(text, max(sent[0], prev_end), mention.start) or _index_year(text, idx, self.sentence(idx.start()))
        else:
            year = _year(text, idx, mention, sent, prev_end)
        if year is None:
            # the year named in an earlier sentence of the paragraph ("… kết quả đánh giá năm 2021. Chỉ số …")
            par = _paragraph_start(text, sent[0])
            if par < sent[0]:
                year = _year_in(text, max(par, sent[0] - 600), sent[0])
        if year is None:
            year = self.named_year(idx, sent)
        if year is None and self.published_year:
            clause = text[sent[0]:mention.end + 40]
            year = self.published_year - 1 if _PREV_YEAR.search(clause) else self.published_year
        return year

    def named_year(self, idx: re.Match, sent: tuple[int, int]) -> int | None:
        """The year of the same index named earlier in the text ("… công bố Chỉ số PAPI năm 2022. … Theo báo
        cáo, … điểm PAPI cao nhất"), else in the title ("PAPI 2022: …")."""
        name = idx.lastgroup
        k = bisect.bisect_left(self.idx_starts, sent[0])
        for earlier in reversed(self.indexes[:k]):
            if earlier.lastgroup == name:
                year = _index_year(self.text, earlier, self.sentence(earlier.start()))
                if year:
                    return year
        title = self.doc.title or ""
        for m in _index_matches(title):
            if m.lastgroup == name:
                year = _year_in(title, m.end(), min(len(title), m.end() + 25), last=False) or _year_in(title, 0, m.start())
                if year:
                    return year
        return None

    def add(self, name: str, year: int | None, rank: int | None, total: int | None, change: int | None,
            subject: str | None, score: float | None, lo: int, hi: int, sent: tuple[int, int],
            idx: re.Match | None = None) -> dict | None:
        if year is None:
            return None  # the schema's ranking year is never null
        key = (name, year, rank, total, subject)
        if key in self.seen:
            return None
        for r in self.out:
            # "Bộ Tư pháp dẫn đầu …, xếp thứ 1/17" (or the headline's "… đứng đầu" and the body's table): one
            # ranking, with the total stated the second time
            if ((r["index"], r["year"], r["rank"], r["subject"]) == (name, year, rank, subject)
                    and rank is not None and (r["total"] is None or total is None)):
                r["total"] = r["total"] or total
                r["change"] = r["change"] if r["change"] is not None else change
                return None
        self.seen.add(key)
        entry = {"index": name, "year": year, "rank": rank, "total": total, "change": change,
                 "subject": subject, "score": score, "evidence": self.doc.evidence(lo, hi), "span": [lo, hi],
                 "_sent": sent, "_idx": idx}
        self.out.append(entry)
        return entry

    def change_after(self, mention: _Mention, idx: re.Match, inherited: bool, sent: tuple[int, int],
                     prev_end: int, next_start: int) -> re.Match | None:
        text = self.text
        stop = min(sent[1], next_start, mention.end + 160)
        ch = next((c for c in _CHANGE_RE.finditer(text, mention.end, stop) if c.start() not in self.claimed), None)
        if ch is not None and (_entities(text, mention.end, ch.start(), True) or _CHANGE_LIST_RE.search(text, mention.end, ch.end())):
            ch = None  # "…, trong khi Bình Dương giảm 13 bậc": another subject's change
        if ch is None and idx.start() < mention.start and not inherited:
            # before the rank, but not back in the previous rank's clause
            ch = next((c for c in _CHANGE_RE.finditer(text, max(idx.end(), prev_end), mention.start)
                       if c.start() not in self.claimed), None)
        if ch is not None:
            self.claimed.add(ch.start())
        return ch

    def last_total(self, name: str, pos: int) -> int | None:
        for r in reversed(self.out):
            if r["index"] == name and r["total"] and pos - r["span"][1] < _INHERIT_REACH:
                return r["total"]
        return None

    def stated_total(self, sent: tuple[int, int], mention: _Mention, name: str) -> int | None:
        """The total for a last place: stated with it, else counted in its sentence ("Trong 17 bộ …"),
        else the total of the table it ends."""
        if mention.total:
            return mention.total
        counted = [int(m.group("n")) for m in _COUNTED_TOTAL.finditer(self.text, sent[0], sent[1]) if int(m.group("n")) >= 2]
        if counted:
            return counted[-1]
        return self.last_total(name, mention.start)


def find_rankings(text: "str | Document", published_year: int | None = None, province: str | None = None) -> list[dict]:
    """Rankings quoted in `text`: [{"index": "PAR INDEX"|"SIPAS"|"PAPI"|"PCI"|"other", "year", "rank",
    "total", "change", "subject", "score", "evidence", "span"}], in reading order, once per (index, year,
    rank, total, subject).

    year: written in the clause ("năm 2018") or earlier in the paragraph, else published_year - 1 when the
    text says "năm qua/năm trước", else published_year (no entry when unknown). rank: None when only a
    change is stated. change: "tăng (thêm) 6 bậc" → 6, "giảm 3 bậc" → -3. subject: the province (or
    ministry, or district) named with the rank, else `province`. score: "đạt 91,43%" → 91.43."""
    if not isinstance(text, (str, Document)) or not text:
        return []
    doc = as_document(text[:MAX_TEXT] if isinstance(text, str) else text)
    reader = _Reader(doc, published_year, province)
    if not reader.indexes:
        return []
    text = reader.text
    mentions = _mentions(text)
    for i, mention in enumerate(mentions):
        sent = reader.sentence(mention.start)
        prev_end = mentions[i - 1].end if i else -1
        next_start = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        found = reader.index_for(mention, sent, prev_end)
        if found is None:
            continue
        idx, inherited = found
        name = _INDEX_NAME[idx.lastgroup]
        year = reader.year_for(idx, inherited, mention, sent, prev_end)
        if mention.kind == "first" and any(r["_sent"] == sent and r["index"] == name and r["rank"] == 1 for r in reader.out):
            continue  # "xếp hạng 1/63, … dẫn đầu cả nước" is one ranking
        total = mention.total
        if mention.kind == "last":
            total = reader.stated_total(sent, mention, name)
            if not total:
                continue  # the last place without a stated total has no rank
            ranks = [total]
            mention.total = total
        else:
            ranks = mention.ranks
            if total is None:
                total = reader.table_total(sent, ranks)
                mention.total = total
        if any(r < 1 for r in ranks) or (total is not None and (total < max(ranks) or total < 2)):
            continue
        ch = reader.change_after(mention, idx, inherited, sent, prev_end, next_start)
        change = _change_value(ch) if ch else None
        sc = _SCORE_RE.search(text, sent[0] if inherited else min(idx.end(), mention.start), min(sent[1], mention.end + 60))
        score = float(parse_number(sc.group("v"))) if sc else None
        lo, hi = (max(sent[0], mention.start - 80), mention.end) if inherited else \
            (min(idx.start(), mention.start), max(idx.end(), mention.end))
        anchor = mention.start if inherited else idx.start()
        if mention.kind == "list":
            subjects = _list_subjects(text, sent, max(sent[0], prev_end), mention, total)
            for k, rnk in enumerate(ranks):
                subject = subjects[k] if k < len(subjects) else province
                entry = reader.add(name, year, rnk, total, change if len(ranks) == 1 else None, subject, None, lo, hi,
                                   sent, idx)
            if entry is not None:
                _followers(reader, entry, mention, sent, next_start)
            continue
        subject = _subject(text, sent, anchor, mention, province, prev_end)
        entry = reader.add(name, year, ranks[0], total, change, subject, score, lo, hi, sent, idx)
        if entry is not None:
            _followers(reader, entry, mention, sent, next_start)
    _unclaimed_changes(reader, mentions)
    out = reader.out
    for r in out:
        del r["_sent"], r["_idx"]
    return out


def _list_subjects(text: str, sent: tuple[int, int], lo: int, mention: _Mention, total: int | None) -> list[str]:
    """The subjects a "lần lượt" list ranks, in order: the ones named in its clause before it."""
    found = _entities(text, lo, mention.start, total is None or total < 30)
    names = []
    for e in found:
        if e[0] not in names:
            names.append(e[0])
    return names[-len(mention.ranks):]


_ONLY_VERB = re.compile(r"\s*(?:(?:xếp|đứng|giữ|ở|lên|xuống|đạt|chiếm)(?:\s+ở)?(?:\s+vị\s+trí)?\s*)?", re.IGNORECASE)
_NEW_CLAUSE = re.compile(r",\s*(?:còn|trong\s+khi|nhưng|riêng|song|đồng\s+thời)(?!\w)", re.IGNORECASE)


def _followers(reader: _Reader, entry: dict, mention: _Mention, sent: tuple[int, int], next_start: int) -> None:
    """"…, tiếp theo là A và B": the places after the entry just read, one each, in order."""
    text = reader.text
    if entry["rank"] is None:
        return
    stop = min(sent[1], next_start)
    m = _NEXT_RE.search(text, mention.end, stop)
    if not m and next_start > sent[1]:
        # "… Bắc Ninh xếp thứ ba. Các vị trí tiếp theo lần lượt là …": the next sentence, if it opens so
        nxt = reader.sentence(min(len(text) - 1, sent[1] + 1))
        if nxt[0] > sent[1] and "\n" not in text[sent[1]:nxt[0]] and nxt[1] <= next_start:
            m = _NEXT_RE.search(text, nxt[0], min(nxt[1], nxt[0] + 40))
            stop = nxt[1]
    if not m:
        return
    end = stop
    semi = text.find(";", m.end(), stop)
    if semi != -1:
        end = semi
    clause = _NEW_CLAUSE.search(text, m.end(), end)
    runs_into_rank = clause is None and end == stop and stop == next_start
    if clause:
        end = clause.start()   # ", còn Gia Lai xếp cuối": another statement
    rank = entry["rank"]
    names = []
    for e in _entities(text, m.end(), end, entry["total"] is None or entry["total"] < 30):
        if runs_into_rank and _ONLY_VERB.fullmatch(text, e[2], end):
            continue  # the subject of the rank that follows ("…, Bình Phước xếp thứ 9")
        if e[0] not in names and e[0] != entry["subject"]:
            names.append(e[0])
    for name in names:
        rank += 1
        if entry["total"] is not None and rank > entry["total"]:
            break
        reader.add(entry["index"], entry["year"], rank, entry["total"], None, name, None, m.start(), end, sent, entry["_idx"])


def _unclaimed_changes(reader: _Reader, mentions: list[_Mention]) -> None:
    """Changes no rank took, each given to its subject: the subject named in its clause ("Lâm Đồng giảm
    14 bậc", "Tuyên Quang và Yên Bái lần lượt tăng 12 và 10 bậc"), else the one named in the sentence
    before ("Bộ Xây dựng đã vượt lên. Bộ này tăng 5 bậc"), else the ranking just read ("… xếp thứ 18/63.
    So với năm 2021, tỉnh đã tăng 11 bậc"), else the article's province beside an index named in the
    sentence ("Chỉ số SIPAS … của tỉnh tăng 3 bậc"). A subject already ranked takes it as its change;
    another gets an entry of its own with rank null."""
    text = reader.text
    items = []
    for m in itertools.islice(_CHANGE_LIST_RE.finditer(text), MAX_CANDIDATES):
        n = [int(x) for x in re.findall(r"\d{1,2}", m.group("items"))]
        sign = -1 if m.group("dir").lower() in _DOWN else 1
        items.append((m.start(), m.end(), [sign * x for x in n]))
    for ch in itertools.islice(_CHANGE_RE.finditer(text), MAX_CANDIDATES):
        if ch.start() not in reader.claimed and not any(a <= ch.start() < b for a, b, _ in items):
            items.append((ch.start(), ch.end(), [_change_value(ch)]))
    items.sort()
    bounds = sorted([(m.start, m.end) for m in mentions] + [(a, b) for a, b, _ in items])
    for start, end, values in items:
        sent = reader.sentence(start)
        found = reader.index_at(start, sent)
        if found is None:
            continue
        idx, _inherited = found
        name = _INDEX_NAME[idx.lastgroup]
        lo = max([sent[0]] + [b for a, b in bounds if b <= start and a >= sent[0]])
        named = []
        for e in _entities(text, lo, start, True):
            if e[0] not in named:
                named.append(e[0])
        targets: list = []
        if named:
            targets = named[-len(values):]
        else:
            here = [r for r in reader.out if r["_sent"] == sent and r["span"][1] <= start]
            if len(values) > 1 and len(here) >= len(values):
                targets = [r["subject"] for r in here[-len(values):]]
            else:
                before = _entities(text, max(_paragraph_start(text, sent[0]), sent[0] - 300), sent[0], True)
                previous = [r for r in reader.out if r["span"][1] <= start]
                if before and any(r["subject"] == before[-1][0] and r["index"] == name for r in previous):
                    targets = [before[-1][0]]
                elif previous and previous[-1]["change"] is None and previous[-1]["rank"] is not None \
                        and _paragraph_start(text, start) <= previous[-1]["span"][0] \
                        and sent[0] - previous[-1]["_sent"][1] < 3 and previous[-1]["index"] == name:
                    targets = [previous[-1]["subject"]]
                elif not _inherited:
                    targets = [_subject(text, sent, idx.start(), _Mention(start, end, [None], None, "change"),
                                        reader.province, -1)]
        if not targets or len(targets) < len(values):
            continue
        for subject, value in zip(targets, values):
            own = [r for r in reader.out if r["index"] == name and r["subject"] == subject and r["span"][1] <= start]
            if own and own[-1]["change"] is None and own[-1]["rank"] is not None:
                own[-1]["change"] = value
                continue
            year = reader.year_for(idx, _inherited, _Mention(start, end, [None], None, "change"), sent, lo)
            reader.add(name, year, None, None, value, subject, None, max(lo, start - 80), end, sent, idx)
        reader.claimed.add(start)
