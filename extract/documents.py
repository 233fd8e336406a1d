"""Legal and administrative documents cited in an article: number/symbol, kind and date.

"Kế hoạch: số 204/KH-UBND ngày 23/12/2021" → 204/KH-UBND, Kế hoạch, 2021-12-23;
"Ngày 20/8/2013, UBND tỉnh đã ban hành Quyết định số 2129/QĐ-UBND" → 2129/QĐ-UBND, 2013-08-20.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re

from extract.dates import MAX_CANDIDATES, MAX_TEXT, _valid
from extract.document import Document, as_document

_MAX_TEXT = MAX_TEXT

_KINDS = [
    ("Thông tư liên tịch", "Thông tư liên tịch"), ("Thông tư", "Thông tư"), ("Nghị quyết", "Nghị quyết"),
    ("Nghị định", "Nghị định"), ("Quyết định", "Quyết định"), ("Kế hoạch", "Kế hoạch"), ("Chỉ thị", "Chỉ thị"),
    ("Công văn", "Công văn"), ("Văn bản", "Công văn"), ("Thông báo", "Thông báo"), ("Hướng dẫn", "Hướng dẫn"),
    ("Báo cáo", "Báo cáo"), ("Tờ trình", "Tờ trình"), ("Công điện", "Công điện"), ("Luật", "Luật"),
    ("Pháp lệnh", "Pháp lệnh"), ("Kết luận", "Kết luận"), ("Quy định", "Quy định"), ("Đề án", "Đề án"),
    ("Chương trình", "Chương trình"),
]
_KIND_RE = "|".join(re.escape(k) for k, _ in _KINDS)
_KIND_OF = {k.lower(): v for k, v in _KINDS}
# type codes in the symbol ("QĐ" in 2129/QĐ-UBND) when no kind word is written
_CODE_KIND = {"QĐ": "Quyết định", "KH": "Kế hoạch", "NQ": "Nghị quyết", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
              "NĐ": "Nghị định", "CT": "Chỉ thị", "TB": "Thông báo", "HD": "Hướng dẫn", "BC": "Báo cáo",
              "TTr": "Tờ trình", "CĐ": "Công điện", "KL": "Kết luận", "QĐ-TTg": "Quyết định", "QH": "Luật"}

_SEG = r"[A-ZĐ][A-Za-zĐđ0-9&]{0,11}"   # "&" inside a code: "205/QĐ-SKH&CN"
# Party documents put the type code before the slash and the issuing body after it: "18-NQ/TW",
# "12-TB/TU", "05-CT/HU", "21-KL/TW", "35-QĐ/TW", "09-HD/BTGTW".
_PARTY = r"\d{1,5}\s?[-–]\s?[A-ZĐ][A-Za-zĐđ]{0,4}\s?/\s?[A-ZĐƯ][A-ZĐƯa-z]{0,9}(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ]{0,9}){0,2}"
# A number with its year before the slash: "05-2019/NQ-CP" (kept whole, not read as "2019/NQ-CP")
_YEAR_DASH = rf"\d{{1,5}}\s?[-–]\s?(?:19|20)\d{{2}}\s?/\s?{_SEG}(?:\s?[-–]\s?{_SEG}){{0,4}}"
_NUMBER = rf"(?<![\d\-–/])(?P<num>{_YEAR_DASH}|{_PARTY}|\d{{1,5}}[a-zA-Z]{{0,2}}\s?/\s?(?:(?:19|20)\d{{2}}\s?/\s?)?{_SEG}(?:\s?[-–]\s?{_SEG}){{0,4}})(?![\w/])"
_DOC_RE = re.compile(
    rf"(?:(?P<kind>{_KIND_RE})\s*(?:[:(]\s*)?)?(?P<so>(?:số|sô|so|Số)\s*[:.]?\s*)?{_NUMBER}",
)
# The issuing date right after the number: "… ngày 24/12/2021", "… ban hành ngày …", and with the issuer
# named in a short participle clause: "được Quốc hội thông qua ngày 15/6/2022", "do Thủ tướng Chính phủ ký
# ban hành ngày …". An effective date ("có hiệu lực từ ngày …") is not the document's date.
_ISSUE_VERB = r"(?:ký\s+ban\s+hành|ban\s+hành|thông\s+qua|phê\s+duyệt|ký|kí)"
_DATE_AFTER = re.compile(
    # a header "Số: 88/KH-UBND | Lạng Sơn, ngày 21 tháng 4 năm 2023" names the place before the date
    r"(?:\s*[|\n]\s*[A-ZĐÀ-Ỹ][^\W\d_]*(?:[ \t]+[A-ZĐÀ-Ỹ][^\W\d_]*){0,3}\s*,?\s*(?=ngày))?"
    r"\s*[,(]?\s*(?:(?:được|do|đã\s+được)\s+(?:[^\s,.;()]+\s+){0,6}?" + _ISSUE_VERB + r"\s+"
    r"|ban\s+hành\s+|được\s+ban\s+hành\s+|ký\s+)?(?:vào\s+)?(?:ngày|ngầy)\s+"
    r"(?:(?P<d>[0-3]?\d)\s?[/.\-]\s?(?P<m>[01]?\d)(?:\s?[/.\-]\s?(?P<y>(?:19|20)\d{2}))?"
    r"|(?P<wd>[0-3]?\d)\s+tháng\s+(?P<wm>[01]?\d)(?:\s*(?:năm|,|/)\s*(?P<wy>(?:19|20)\d{2}))?)(?![\d/])",
    re.IGNORECASE,
)
_DATE_BEFORE = re.compile(
    r"(?:ngày\s+)?(?:(?P<d>[0-3]?\d)\s?/\s?(?P<m>[01]?\d)\s?/\s?(?P<y>(?:19|20)\d{2})"
    r"|(?P<wd>[0-3]?\d)\s+tháng\s+(?P<wm>[01]?\d)\s*(?:năm|,|/)\s*(?P<wy>(?:19|20)\d{2}))(?![\d/])",
    re.IGNORECASE,
)
# Between a leading date and the number: the issuing verb, optionally the kind and short name of the
# document ("Ngày 15/6/2022, Quốc hội đã thông qua Luật Thi đua, khen thưởng số 06/2022/QH15").
_ISSUED = re.compile(r"(?:ban\s+hành|(?<!\w)ký|(?<!\w)kí|phê\s+duyệt|thông\s+qua|(?<!\w)có)\s*(?:các\s+|bản\s+)?"
                     rf"(?:(?:{_KIND_RE})(?:[ ,]+[^\s,.;:]+){{0,8}}\s+)?$", re.IGNORECASE)


_OWNED_DATE = re.compile(r"/[A-ZĐ][\w\-]*\s*,?\s*(?:ban\s+hành\s+)?(?:ngày\s*)?$", re.IGNORECASE)


def _date_of(m: re.Match, number: str, published: dt.date | None) -> dt.date | None:
    if m.group("d"):
        d, mo, y = int(m.group("d")), int(m.group("m")), m.group("y")
    else:
        d, mo, y = int(m.group("wd")), int(m.group("wm")), m.group("wy")
    if y:
        return _valid(int(y), mo, d)
    inner = re.search(r"/((?:19|20)\d{2})/", number)
    if inner:
        return _valid(int(inner.group(1)), mo, d)
    if published is None:
        return None
    got = _valid(published.year, mo, d)
    if got and got > published:  # a document is issued before the article about it
        got = _valid(published.year - 1, mo, d)
    return got


_PARTY_CODE = re.compile(r"\d+[-–]([A-ZĐ][A-Za-zĐđ]*)/")


def _kind(word: str | None, number: str) -> str | None:
    if word:
        return _KIND_OF.get(word.lower())
    party = _PARTY_CODE.match(number)
    if party and party.group(1) in _CODE_KIND:
        return _CODE_KIND[party.group(1)]
    symbol = number.split("/")[-1]
    codes = symbol.split("-")
    for c in codes:
        if c in _CODE_KIND:
            return _CODE_KIND[c]
        if re.fullmatch(r"QH\d+", c):
            return "Luật"
    if len(re.findall(r"/", number)) == 1 and not any(c in _CODE_KIND for c in codes):
        return "Công văn"  # 1234/SNV-CCHC: an official letter carries no type code
    return None


def _normalise(number: str) -> str:
    return re.sub(r"\s+", "", number).replace("–", "-")


def find_documents(text: "str | Document", published: dt.date | None = None) -> list[dict]:
    """Documents cited in `text`: [{"number": "204/KH-UBND", "kind": "Kế hoạch"|…|None, "date":
    "YYYY-MM-DD"|None, "evidence": sentence, "span": [s, e]}], once per number, in order of first mention.

    The number is normalised without inner spaces (Đ kept as written). The date is the "ngày …" right
    after the number, or a date before "… ban hành <document>" in the same sentence; a date without a
    year takes the year in the number, else the publication year."""
    if not isinstance(text, (str, Document)) or not text:
        return []
    doc = as_document(text[:_MAX_TEXT] if isinstance(text, str) else text)
    text = doc.text[:_MAX_TEXT]
    sents = doc.sentences
    out: dict[str, dict] = {}
    for m in itertools.islice(_DOC_RE.finditer(text), MAX_CANDIDATES):
        number = _normalise(m.group("num"))
        symbol = number.split("/")[-1]
        party = _PARTY_CODE.match(number)
        has_code = any(c in _CODE_KIND or re.fullmatch(r"QH\d+", c) for c in symbol.split("-")) \
            or bool(party and party.group(1) in _CODE_KIND)
        if not (m.group("kind") or m.group("so") or has_code):
            continue
        if not re.search(r"[A-ZĐƯ]{2}", symbol) and symbol not in _CODE_KIND:
            continue
        date = None
        after = _DATE_AFTER.match(text, m.end(), min(len(text), m.end() + 110))
        if after:
            date = _date_of(after, number, published)
        else:
            s, _ = sents.bounds(m.start())
            head = text[max(s, m.start() - 160):m.start()]
            befores = list(_DATE_BEFORE.finditer(head))
            if befores:
                b = befores[-1]
                between = head[b.end():]
                # "Quyết định số 2736/QĐ-UBND ngày 27/12/2018 … ban hành … và Kế hoạch 156/KH-SNV":
                # that date is the decision's own, not lent to the document after it
                owned = _OWNED_DATE.search(head[:b.start()])
                if (_ISSUED.search(between) and ";" not in between and not _DOC_RE.search(between)
                        and not owned):
                    date = _date_of(b, number, published)
        kind = _kind(m.group("kind"), number)
        if number in out:
            if out[number]["date"] is None and date:
                out[number]["date"] = date.isoformat()
            if out[number]["kind"] is None and kind:
                out[number]["kind"] = kind
            continue
        start = m.start()
        out[number] = {"number": number, "kind": kind, "date": date.isoformat() if date else None,
                       "evidence": sents.evidence(start, m.end()), "span": [start, m.end()]}
    return list(out.values())
