"""Event dates of a training, read from an article body.

`find_event_dates` returns the first and last day of the training itself, not the publication date,
not the date of a cited document ("Quyết định số 2129/QĐ-UBND ngày 20/8/2013") and not a period
("giai đoạn 2011- 2020"). `parse_date` reads one date from a short string (publication date lines: extract.page).

All patterns are bounded (no nested unbounded repeats), so a 5 MB text is scanned in linear time.
"""
from __future__ import annotations

import datetime as dt
import re

from extract.document import Document, as_document
from extract.normalize import SentenceIndex, nfc

# An article body is a few thousand characters; longer input (a mis-parsed page) is read only this far,
# and at most this many dates are weighed, so the time spent stays bounded.
MAX_TEXT = 300_000
MAX_CANDIDATES = 400

_SEP = r"(?:\s?/\s?|[.\-])"
_YEAR = r"(?:19|20)\d{2}"


def _atom(p: str) -> str:
    """A day+month(+year) date, numeric ("13/11/2019") or worded ("03 tháng 6 năm 2023")."""
    return (
        rf"(?:(?P<{p}d>[0-3]?\d){_SEP}(?P<{p}m>[01]?\d)(?:{_SEP}(?P<{p}y>{_YEAR}))?(?![\d/]|\.\d)"
        rf"|(?P<{p}wd>[0-3]?\d)\s+tháng\s+(?P<{p}wm>[01]?\d)(?:\s*(?:năm|,|/)\s*(?P<{p}wy>{_YEAR}))?(?!\d))"
    )


_PART = r"(?:sáng|chiều|tối|trưa|đêm)"
# A date in brackets after "sáng nay", "hôm qua" or "(trong N) ngày": "Vào sáng nay (20/5)", "Chiều qua
# (ngày 8/3)", "Trong 02 ngày (14-15/8)".
_PAREN_PFX = rf"(?:(?:{_PART}|hôm)\s+(?:nay|qua)|ngày)\s*\(\s*(?:ngày\s+|từ\s+(?:ngày\s+)?)?"
_PFX = (rf"(?:{_PAREN_PFX}|(?:từ\s+)?(?:{_PART}\s+(?:nay\s+)?(?:thứ\s+\w+\s*,?\s*)?)?(?:các\s+)?ngày\s+"
        rf"|{_PART}\s+|từ\s+|hôm\s+)")
_CONN = r"\s*(?:-|–|đến(?:\s+hết)?(?:\s+ngày)?|tới(?:\s+ngày)?|và(?:\s+ngày)?|,\s*(?:ngày\s+)?)\s*"

_DATE_RE = re.compile(
    # "từ ngày 19 đến 21/9", "ngày 20-21/7", "ngày 18 và 19 tháng 4 năm 2019"
    rf"(?<!\w)(?P<rd_pfx>{_PFX})(?P<rd_d1>[0-3]?\d)(?=\s*(?:-|–|đến|tới|và|,))"
    rf"{_CONN}(?:{_atom('rd_')})"
    # "ngày 18/4 và 19/4", "từ ngày 28/9 đến ngày 02/10/2020"
    rf"|(?<!\w)(?P<rr_pfx>{_PFX})?(?:{_atom('ra_')}){_CONN}(?:{_atom('rb_')})"
    # "Sáng ngày 08/10/2019", "ngày 03 tháng 6 năm 2023", "Chiều 15/3", or any d/m/yyyy
    rf"|(?<!\w)(?P<s_pfx>{_PFX})?(?:{_atom('s_')})",
    re.IGNORECASE,
)

_EVENT_CUE = re.compile(
    r"tổ\s+chức|khai\s+mạc|khai\s+giảng|bế\s+giảng|bế\s+mạc|diễn\s+ra|lớp|hội\s+nghị|tập\s+huấn|bồi\s+dưỡng"
    r"|hội\s+thảo|t[oọ]ạ?\s*đàm|khó[aá]\s+học|khoá|khóa|đào\s+tạo"
    # a plan's or notice's own line for the event: "Thời gian, địa điểm: …", "Thời gian tổ chức: …"
    r"|thời\s+gian(?:\s*,\s*|\s+và\s+)địa\s+điểm|thời\s+gian\s+(?:tổ\s+chức|tập\s+huấn|học)",
    re.IGNORECASE,
)
_ISSUE_AFTER = re.compile(r"ban\s+hành|(?<!\w)kí|(?<!\w)ký|phê\s+duyệt|có\s+hiệu\s+lực|công\s+bố\s+(?:quyết|chỉ)", re.I)
_DOC_BEFORE = re.compile(r"\d+[a-zA-Z]?/(?:\d{4}/)?[A-ZĐ][\wĐđ\-]*\s*[,(]?\s*(?:ngày\s+)?$")
_ISSUE_BEFORE = re.compile(r"(?:ban\s+hành|ký|kí|phê\s+duyệt|hiệu\s+lực)\s+(?:vào\s+|từ\s+)?(?:ngày\s+)?$", re.I)
_DOC_OWNER_AFTER = re.compile(
    r"^\s*,?\s*của\s+(?:UBND|Ủy\s+ban|Uỷ\s+ban|Bộ|Chính\s+phủ|Thủ\s+tướng|HĐND|Hội\s+đồng|Tỉnh\s+ủy|Thành\s+ủy|Ban\s)",
    re.I)
_DOC_WORD_BEFORE = re.compile(
    r"(?:Kế\s+hoạch|Quyết\s+định|Nghị\s+quyết|Thông\s+tư|Nghị\s+định|Chỉ\s+thị|Công\s+văn|Thông\s+báo|văn\s+bản)"
    r"\s*(?:số\s*)?[^\s,.;]{0,30}\s*$", re.I)


def _ymd(m: re.Match, p: str) -> tuple[int, int, int | None] | None:
    d, mo, y = m.group(p + "d"), m.group(p + "m"), m.group(p + "y")
    if d is None:
        d, mo, y = m.group(p + "wd"), m.group(p + "wm"), m.group(p + "wy")
    if d is None or mo is None:
        return None
    return int(d), int(mo), int(y) if y else None


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _year_for(month: int, published: dt.date | None) -> int | None:
    """Year of a day/month written without one: the publication year, across a New Year boundary."""
    if published is None:
        return None
    if published.month >= 11 and month <= 2:
        return published.year + 1
    if published.month <= 2 and month >= 11:
        return published.year - 1
    return published.year


# Event dates outside these years are errors or placeholders ("01/01/1900", "31/12/2099").
_FIRST_YEAR, _LAST_YEAR = 1990, 2040
# A stated range is a course's run up to this long ("từ ngày 2/12/2020 đến ngày 26/2/2021").
_MAX_RANGE_DAYS = 200


def _resolve(m: re.Match, published: dt.date | None, name_year: int | None = None) -> tuple[dt.date, dt.date] | None:
    """Turn one match of _DATE_RE into (start, end) dates, or None when invalid, implausible or yearless.
    A missing year is the year in the event's name (`name_year`) when there is no publication date."""
    if published is None and name_year:
        published = dt.date(name_year, 7, 1)
    if m.group("rd_d1") is not None:
        b = _ymd(m, "rd_")
        if not b:
            return None
        d1 = int(m.group("rd_d1"))
        y = b[2] or _year_for(b[1], published)
        if y is None:
            return None
        start, end = _valid(y, b[1], d1), _valid(y, b[1], b[0])
    elif m.group("ra_d") is not None or m.group("ra_wd") is not None:
        a, b = _ymd(m, "ra_"), _ymd(m, "rb_")
        if not a or not b:
            return None
        if not m.group("rr_pfx") and not (a[2] or b[2]):
            return None
        if b[2]:
            yb = b[2]
            ya = a[2] or (yb - 1 if a[1] > b[1] else yb)
        elif a[2]:
            ya = a[2]
            yb = ya + 1 if b[1] < a[1] else ya
        else:
            ya = _year_for(a[1], published)
            if ya is None:
                return None
            yb = ya + 1 if b[1] < a[1] else ya
        start, end = _valid(ya, a[1], a[0]), _valid(yb, b[1], b[0])
    else:
        s = _ymd(m, "s_")
        if not s:
            return None
        if not m.group("s_pfx") and not s[2]:
            return None  # a bare "2/63" or "18/4" without "ngày" is not a date
        y = s[2] or _year_for(s[1], published)
        if y is None:
            return None
        start = end = _valid(y, s[1], s[0])
    if not start or not end or end < start or (end - start).days > _MAX_RANGE_DAYS:
        return None
    if not (_FIRST_YEAR <= start.year and end.year <= _LAST_YEAR):
        return None
    if published is not None and start.year > published.year + 1:
        return None
    return start, end


# A single day introduced by "từ" that marks when a state began, not an event: "hoạt động từ ngày
# 01/7/2025", "có hiệu lực từ ngày …", "Kể từ ngày 15/3, khi Trung tâm … chính thức vận hành", "từ ngày
# 01/7/2025, sau khi hai tỉnh hợp nhất", "Từ ngày 01/7 đến nay, Sở đã tổ chức …".
_SINCE_BEFORE = re.compile(
    r"(?:hoạt\s+động|vận\s+hành|hiệu\s+lực|(?<!\w)kể|bắt\s+đầu|áp\s+dụng|thi\s+hành|làm\s+việc)\s*$", re.I)
_STATE_CHANGE = re.compile(
    r"chính\s+thức|hợp\s+nhất|sáp\s+nhập|sắp\s+xếp|thành\s+lập|đi\s+vào\s+hoạt\s+động|hoạt\s+động|vận\s+hành"
    r"|có\s+hiệu\s+lực|(?<!\w)(?:đến|tới)\s+nay", re.I)


def _since_date(m: re.Match, before: str, after: str) -> bool:
    """Is the single-day match m a "since" date (the start of a state: a merger, a new body, a rule in
    force) rather than the day of an event? Ranges ("từ ngày 14 đến 16/8") are never since-dates."""
    if m.group("s_d") is None and m.group("s_wd") is None:
        return False
    pfx = m.group("s_pfx") or ""
    if not re.match(r"\s*từ(?!\w)", pfx, re.I):
        return False
    if _SINCE_BEFORE.search(before):
        return True
    clause = re.split(r"[;:.]", after, maxsplit=1)[0][:120]
    state = _STATE_CHANGE.search(clause)
    if not state:
        return False
    cue = _EVENT_CUE.search(clause)
    return not cue or state.start() < cue.start()


def _score(text: str, m: re.Match, sent: tuple[int, int], published: dt.date | None,
           start: dt.date) -> float:
    s, e = m.span()
    before = text[max(sent[0], s - 60):s]
    head = text[s:min(e, s + 12)]
    after = text[e:min(sent[1], e + 160)]
    if _DOC_BEFORE.search(before) or _ISSUE_BEFORE.search(before) or _DOC_OWNER_AFTER.search(after):
        return -100
    if _DOC_WORD_BEFORE.search(before[-45:]) and not re.search(r"tổ\s+chức|diễn\s+ra", before[-45:], re.I):
        return -100
    if _since_date(m, before, after):
        return -100
    clause = re.split(r"[;:]", after, maxsplit=1)[0][:120]
    issue = _ISSUE_AFTER.search(clause)
    cue_after = _EVENT_CUE.search(clause)
    if issue and (not cue_after or cue_after.start() > issue.start()):
        return -100
    score = 0.0
    if cue_after:
        score += 5
    if _EVENT_CUE.search(text[sent[0]:sent[1]]):
        score += 3
    if re.match(rf"\s*(?:từ\s+)?{_PART}", head, re.I) or re.search(rf"{_PART}\s*(?:nay\s*)?$", before, re.I):
        score += 2
    if re.search(r"vừa\s+qua|vừa\s+diễn\s+ra|đã\s+diễn\s+ra", after[:60], re.I):
        score += 1
    if published is not None:
        gap = (published - start).days
        if gap > 400:
            score -= 4
        elif gap < -400:
            score -= 4
    return score


_ANCHOR = re.compile(r"\d\s?[/.\-]\s?\d|\d\s+tháng", re.IGNORECASE)


_WORD_START = re.compile(r"(?<!\w)\w")


def _iter_dates(text: str):
    """Same matches as _DATE_RE.finditer(text), but tried only at word starts up to 48 characters
    before a digit pair ("13/11", "03 tháng"): every date contains one, and every match starts at a
    word start. This keeps long texts without dates fast."""
    last = 0      # end of the last match: later matches may not overlap it
    tried = -1    # starts up to here have been tried and failed (a failure does not depend on the anchor)
    for a in _ANCHOR.finditer(text):
        pos = a.start()
        if pos < last:
            continue
        for w in _WORD_START.finditer(text, max(last, tried + 1, pos - 48), pos + 1):
            st = w.start()
            tried = st
            m = _DATE_RE.match(text, st, min(len(text), st + 220))
            if m:
                yield m
                last = m.end()
                break


# The year in the event's name, in the date's sentence: "Lớp bồi dưỡng … năm 2019", "hội nghị tập huấn … năm 2020"
_NAME_YEAR = re.compile(r"(?:lớp|khóa|khoá|hội\s+nghị|tập\s+huấn|bồi\s+dưỡng)[^.;:\n]{0,120}?(?<!với )năm\s+"
                        r"(?P<y>(?:19|20)\d{2})(?![\d/\-–])", re.IGNORECASE)


def _candidates(text: str, published: dt.date | None, sents: SentenceIndex | None = None):
    sents = sents or SentenceIndex(text)
    for n, m in enumerate(_iter_dates(text)):
        if n >= MAX_CANDIDATES:
            break
        sent = sents.bounds(m.start())
        name_year = None
        if published is None:
            ny = _NAME_YEAR.search(text, sent[0], sent[1])
            name_year = int(ny.group("y")) if ny else None
        got = _resolve(m, published, name_year)
        if not got:
            continue
        yield _score(text, m, sent, published, got[0]), m, got, sents


# A stated run of days ("Lớp học diễn ra từ ngày 27/6 đến ngày 29/6") is taken as the course only up to
# this long when it opens on the mentioned day, and only up to _MAX_AROUND_DAYS when it merely contains it
# (a month-long schedule of classes around a one-day meeting is not that meeting).
_MAX_COURSE_DAYS = _MAX_RANGE_DAYS
_MAX_AROUND_DAYS = 10


def _stated_range(m: re.Match, day: dt.date, ranges: list) -> tuple[re.Match, dt.date, dt.date]:
    """The event's span when the best date is a single day: an opening-day mention ("Sáng ngày
    27/6/2022, … khai giảng") is often followed by the course's full run ("Lớp học diễn ra từ ngày 27/6
    đến ngày 29/6/2022"). A range with an event cue that opens on that day (or, if short, contains it)
    wins; the first such range is taken. Otherwise the single day stands."""
    for rm, start, end in ranges:
        days = (end - start).days
        if ((start == day or end == day) and days <= _MAX_COURSE_DAYS) or (start <= day <= end and days <= _MAX_AROUND_DAYS):
            return rm, start, end  # the run that opens (or closes) on the day, or a short one around it
    return m, day, day


# One programme run as several classes or rounds ("Lớp thứ nhất từ ngày 5-7/6 …, lớp thứ hai từ ngày
# 12-14/6", "đợt 1 …; đợt 2 …", "lớp 1", "khóa II"): the event runs from the first day of the first to
# the last day of the last. A session's date is written right after its ordinal.
_SESSION = re.compile(
    r"(?<!\w)(?P<kind>lớp|đợt|khóa|khoá|ca|phiên)\s+(?:học\s+|tập\s+huấn\s+|bồi\s+dưỡng\s+)?"
    r"(?P<ord>thứ\s+(?:nhất|hai|ba|tư|năm|sáu|\d{1,2})|số\s+\d{1,2}|\d{1,2}|[IVX]{1,4})(?!\w)"
    r"[^;.:\n]{0,30}$", re.IGNORECASE)
_MAX_SESSIONS_DAYS = 62


def _session_mark(text: str, m: re.Match) -> tuple[str, str] | None:
    """(kind, ordinal) of the session named right before the date m ("lớp thứ hai từ ngày …"), or None."""
    sm = _SESSION.search(text, max(0, m.start() - 50), m.start())
    if not sm:
        return None
    return sm.group("kind").lower().replace("khoá", "khóa"), " ".join(sm.group("ord").lower().split())


def _sessions_span(text: str, m: re.Match, start: dt.date, end: dt.date, sessions: list) -> tuple[dt.date, dt.date]:
    """Widen the event to all sessions of its kind when its own date is a session's (two or more
    different ordinals of the same kind, all within two months)."""
    mark = _session_mark(text, m)
    if not mark:
        return start, end
    same = [(s, e) for k, s, e in sessions if k[0] == mark[0]]
    if len({k[1] for k, _, _ in sessions if k[0] == mark[0]}) < 2:
        return start, end
    lo, hi = min([start] + [s for s, _ in same]), max([end] + [e for _, e in same])
    if (hi - lo).days > _MAX_SESSIONS_DAYS:
        return start, end
    return lo, hi


# A closing-ceremony report ("Chiều 24/11, … bế giảng lớp bồi dưỡng …") gives the last day; the first is
# unknown unless the text states the course's run.
_CLOSING = re.compile(r"bế\s+giảng|bế\s+mạc\s+(?:lớp|khóa|khoá)|kết\s+thúc\s+(?:lớp|khóa|khoá)", re.IGNORECASE)
_OPENING = re.compile(r"khai\s+giảng|khai\s+mạc|bắt\s+đầu|(?<!\w)từ\s+ngày", re.IGNORECASE)


def find_event_dates(text: "str | Document", published: dt.date | None = None, title: str | None = None) -> dict:
    """Start and end of the training reported by `text` (an article body, NFC, chrome-free).

    Returns {"start": "YYYY-MM-DD"|None, "end": ..., "evidence": sentence|None, "span": [s, e]|None}.
    A one-day event has end == start. A year left out is taken from `published` (across a New Year
    boundary); with no year and no `published` nothing is guessed. Dates of cited documents and
    dates in sentences without an event cue are ignored. `title` is a fallback source; its span is
    None because it is not part of `text`.
    """
    empty = {"start": None, "end": None, "evidence": None, "span": None}
    if not isinstance(text, (str, Document)):
        return empty
    doc = as_document(text[:MAX_TEXT] if isinstance(text, str) else text)
    text = doc.text[:MAX_TEXT]
    best = None
    ranges = []
    sessions = []
    for score, m, (start, end), sents in _candidates(text, published, doc.sentences):
        if score > -100:
            mark = _session_mark(text, m)
            if mark:
                sessions.append((mark, start, end))
        if score < 3:
            continue
        if end > start:
            ranges.append((m, start, end))
        if best is None or score > best[0]:
            best = (score, m, start, end, sents)
    if best is not None:
        _, m, start, end, sents = best
        if end == start:
            m, start, end = _stated_range(m, start, ranges)
        start, end = _sessions_span(text, m, start, end, sessions)
        first = start.isoformat()
        if start == end:
            sent = sents.bounds(m.start())
            if _CLOSING.search(text, sent[0], sent[1]) and not _OPENING.search(text, sent[0], sent[1]):
                first = None
        return {"start": first, "end": end.isoformat(),
                "evidence": sents.evidence(m.start(), m.end()), "span": [m.start(), m.end()]}
    if title:
        title = nfc(title)
        for score, m, (start, end), _ in _candidates(title, published):
            if score >= 3:
                return {"start": start.isoformat(), "end": end.isoformat(), "evidence": title, "span": None}
    return empty


_ONE_DATE = re.compile(
    rf"(?<!\d)(?P<d>[0-3]?\d)\s*[/.\-]\s*(?P<m>[01]?\d)\s*[/.\-]\s*(?P<y>{_YEAR}|\d{{2}})(?!\d)"
    rf"|(?<!\d)(?P<wd>[0-3]?\d)\s+tháng\s+(?P<wm>[01]?\d)\s*(?:năm|,|/)\s*(?P<wy>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?!\d)",
    re.IGNORECASE,
)


def parse_date(s: str | None) -> dt.date | None:
    """Parse the first complete day/month/year date in a short string: "13/11/2019", "8-11-2011",
    "08.10.2019", "ngày 03 tháng 6 năm 2023", "2023-06-03". Returns None when there is none."""
    if not isinstance(s, str) or not s:
        return None
    for m in _ONE_DATE.finditer(nfc(s)[:2000]):
        if m.group("d"):
            d, mo, y = int(m.group("d")), int(m.group("m")), m.group("y")
            y = int(y) if len(y) == 4 else 2000 + int(y)
        elif m.group("wd"):
            d, mo, y = int(m.group("wd")), int(m.group("wm")), int(m.group("wy"))
        else:
            d, mo, y = int(m.group("id")), int(m.group("im")), int(m.group("iy"))
        got = _valid(y, mo, d)
        if got:
            return got
    return None

