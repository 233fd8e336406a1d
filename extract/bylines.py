"""Bylines and source credits: who wrote an article, read from the lines that open or close it.

- `split_byline(lines)`: trailing byline lines (a name, a unit, "Tin, ảnh: …", initials) cut off the body.
- `source_of(line)` / `find_source(lines)`: a source credit ("Nguồn: Báo …", "Theo TTXVN"), never the author.
- `top_byline(lines, date_index)`: a press byline printed under the title.
- `author_of_node(node)` / `byline_after(body)`: an author element, or an author line after the body.
"""
from __future__ import annotations

import re

from bs4 import Tag

from extract.normalize import clean_text, name_case

_BYLINE_CUE = re.compile(
    r"^\(?\s*(?:tác\s+giả(?:\s+bài\s+viết)?|tin\s*,?\s*ảnh|tin\s+và\s+ảnh|bài\s*,?\s*ảnh|bài\s+và\s+ảnh|"
    r"tin\s*,?\s*bài|bài|tin|người\s+viết|người\s+đăng|biên\s+tập)\s*:\s*(.+?)\s*\)?$", re.I)
# "Nguồn: Báo Lâm Đồng", "(Theo TTXVN)", "Theo baochinhphu.vn", "(Chinhphu.vn)": a source credit. It
# names where the text comes from, never the author (conventions.md, author).
_SOURCE_CUE = re.compile(r"^[(\[]?\s*(?:nguồn(?:\s+tin)?\s*:|theo\s*:?)\s*([\wĐđ][^;]{1,70}?)\s*[.)\]]?$", re.I)
_SOURCE_SITE = re.compile(r"^[(\[]?\s*([\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov\.vn))\s*[)\]]?$", re.I)
# "Thu Hằng (Báo Quảng Ninh)", "Hoài Thu (TTXVN)": a press byline names the person and the paper.
_PRESS_UNIT = re.compile(r"^(?:theo\s+)?(?:báo|đài|tạp\s+chí|ttxvn|vna|trung\s+tâm\s+truyền\s+thông|cổng\s+thông\s+tin|"
                         r"baomoi|vov|vtv|qtv|ptth)\b", re.I)
_UNIT_START = re.compile(
    r"^(?:phòng|sở|ban|văn\s+phòng|trung\s+tâm|chi\s+cục|ubnd|ủy\s+ban|uỷ\s+ban|bộ\s+phận|tổ|"
    r"(?:vụ|cục|tổng\s+cục|viện|học\s+viện|phân\s+viện)(?!\s+trưởng)|"
    r"cổng\s+thông\s+tin|ban\s+biên\s+tập|tòa\s+soạn|bbt|thanh\s+tra|hội\s+đồng|vp|p\.\s?[A-ZĐ])\b", re.I)
# Abbreviated units as bylines: "P.CCHC", "VP.UBND", "BBT", "TTXVN".
_UNIT_ABBREVIATION = re.compile(r"^(?:[A-ZĐ]{1,3}\.\s?)?[A-ZĐ]{2,8}(?:\s?-\s?[A-ZĐ]{2,8})?$")
_NAME_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\.?\s*){2,5}$")
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.){1,4}[A-ZĐ]?\.?$|^[A-ZĐ]{1,4}$")
# A line that opens with an address or a position names a person in the text, not the writer: a
# closing photo caption "Ông Trần Văn Minh", "Bà Lê Thị Hoa", "Đại tá Hoàng Văn Lâm".
_ADDRESS_START = re.compile(
    r"^(?:ông|bà|anh|chị|đồng\s+chí|đ\s*/\s*c|các|p?gs\.?|ts\.?|ths\.?|thạc\s+sĩ|tiến\s+sĩ|giáo\s+sư|"
    r"đại\s+tá|thượng\s+tá|trung\s+tá|thiếu\s+tá|đại\s+úy|đại\s+uý|thiếu\s+tướng|trung\s+tướng|"
    r"giám\s+đốc|phó|chủ\s+tịch|bí\s+thư|trưởng|thứ\s+trưởng|bộ\s+trưởng)(?=\s|\.|$)", re.I)
# Photo captions: "Ảnh: VL", "Quang cảnh hội nghị - Ảnh: VL", "(Ảnh minh họa)".
_PHOTO = re.compile(r"(?:^|[\s(\-–])ảnh\s*(?::|minh\s+họa|minh\s+hoạ)|^ảnh\b", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_WEEKDAY = re.compile(r"^(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ\s+nhật)\b", re.I)
# A byline glued to the last sentence: "… trong năm 2020. Thu Trang", "… hiệu quả./. Minh Châu".
_GLUED_TAIL = re.compile(r"^(?P<body>.*?[.!?…][\"”’)]*)\s*(?P<tail>[^.!?…]{2,40})$")
# A byline that shares the line with the date: "Minh Châu | 15/09/2023 09:10", "15/09/2023 - Minh Châu".
_DATE_LINE_PARTS = re.compile(r"\s*(?:\||\s[-–]\s)\s*")


def _split_person_unit(line: str) -> tuple[str, str, str]:
    """("Lê Thị Hoa", " - ", "Phòng …") for "Lê Thị Hoa - Phòng …" (also "/" and "–"), else (line, "", "")."""
    m = re.match(r"^(.+?)(\s+[-–/]\s+|\s*[(,]\s*)(.+?)\)?$", line)
    return (m.group(1), m.group(2), m.group(3)) if m else (line, "", "")


def source_of(line: str) -> str | None:
    """The source named by a credit line ("Nguồn: Báo Lâm Đồng" → "Báo Lâm Đồng", "(Chinhphu.vn)"
    → "Chinhphu.vn", "Theo TTXVN" → "TTXVN"), or None when the line is no source credit."""
    line = line.strip().strip("*_").strip()
    if len(line) > 90:
        return None
    m = _SOURCE_CUE.match(line) or _SOURCE_SITE.match(line)
    return m.group(1).strip(" .") if m else None


def find_source(lines: list[str]) -> str | None:
    """The first source credit among `lines` (a page's credit lines, the body's opening line), or None."""
    return next((src for src in map(source_of, lines) if src), None)


def _is_name(words: list[str]) -> bool:
    """2–5 capitalised words, the shape of a Vietnamese personal byline ("Thu Trang", "Lê Thị Hoa")."""
    return 2 <= len(words) <= 5 and all(_WORD.fullmatch(w) and w[:1].isupper() and (w[1:].islower() or w.isupper())
                                        for w in words)


def _byline_of(line: str) -> str | None:
    """The author named by a line that can close an article body, or None."""
    line = line.strip().strip("*_").strip()
    m = _BYLINE_CUE.match(line)
    if m:
        # "Tin: Văn Nam; Ảnh: Lê Hùng": the writer, not the photographer
        return re.split(r"\s*[;|]\s*|\s*[,-]?\s*\b(?:ảnh|clip|video)\s*:", m.group(1), flags=re.I)[0].strip() or None
    if len(line) > 70 or line.endswith((".", ":", ";", ",", "?", "!")) or not line[:1].isupper():
        return None
    if source_of(line) or _PHOTO.search(line) or _ADDRESS_START.match(line) or _WEEKDAY.match(line):
        return None
    if _UNIT_ABBREVIATION.match(line):
        return line
    person, sep, unit = _split_person_unit(line)
    if (sep and _NAME_LINE.match(person) and len(person.split()) <= 5 and not _UNIT_START.match(person)
            and (_UNIT_START.match(unit) or _PRESS_UNIT.match(unit) or _UNIT_ABBREVIATION.match(unit))):
        return person  # "Lê Thị Hoa - Phòng Xây dựng chính quyền", "Hoài Thu (TTXVN)": the person
    words = line.replace("-", " ").split()
    if len(words) > 10:
        return None
    if _UNIT_START.match(line) or _INITIALS.match(line.replace(" ", "")):
        return line
    if _NAME_LINE.match(line) and len(words) <= 5:
        return line
    return None


def _tidy_author(author: str) -> str:
    author = re.sub(r"\s*[-–]\s*", " - ", author).strip(" .-")
    if (_INITIALS.match(author.replace(" ", "")) or _INITIALS.match(author.replace(" ", "") + ".")
            or _UNIT_ABBREVIATION.match(author)):
        return author  # "T.H", "N.V.A", "P.CCHC" stay as written
    return name_case(author) if author.isupper() else author


def _is_caption(line: str) -> bool:
    """A photo caption after the byline: a credit "Ảnh: …", or a short line that ends like no sentence."""
    line = line.strip()
    if _PHOTO.search(line):
        return True
    return len(line) <= 200 and not line.endswith((".", "!", "?", "…", ":", ";", ".\"", ".”")) \
        and _byline_of(line) is None and source_of(line) is None


def _glued_byline(line: str) -> tuple[str, str] | None:
    """(the line without it, author) for a byline glued to the last sentence ("… năm 2020. Thu Trang")."""
    m = _GLUED_TAIL.match(line.strip())
    if not m:
        return None
    tail = m.group("tail").strip()
    words = tail.split()
    if _BYLINE_CUE.match(tail):
        author = _byline_of(tail)
    elif _is_name(words) or _INITIALS.match(tail.replace(" ", "")) or _UNIT_ABBREVIATION.match(tail):
        author = _byline_of(tail)
    else:
        author = None
    return (m.group("body"), author) if author else None


def split_byline(lines: list[str]) -> tuple[list[str], str | None]:
    """Split trailing byline lines (a name, a unit, 'Tin, ảnh: …', initials) off the body.

    "Nguyễn Thị Định / Sở Nội vụ tỉnh Vĩnh Phúc" gives the person; a unit alone gives the unit. A
    byline glued to the last sentence ("… năm 2020. Thu Trang") is cut off that line; photo captions
    after the byline stay in the body. Source credits ("Nguồn: …", "Theo TTXVN", "(Chinhphu.vn)") are
    cut off too and name no author (see `source_of`), whoever they name ("Nguồn: Sở Nội vụ" too)."""
    end = len(lines)
    while end > 0 and source_of(lines[end - 1]):
        end -= 1
    # up to two photo captions printed under the byline ("Thu Trang" / "Quang cảnh lớp học - Ảnh: VL")
    last = end
    for captions in (0, 1, 2):
        if end - captions - 1 >= 0 and all(_is_caption(ln) for ln in lines[end - captions:end]) \
                and _byline_of(lines[end - captions - 1]):
            last = end - captions
            break
    captions = end - last
    tail: list[tuple[int, str]] = []
    i = last - 1
    while i >= 0 and len(tail) < 3:
        author = _byline_of(lines[i])
        if author is None:
            break
        tail.append((i, author))
        i -= 1
    if not tail:
        glued = _glued_byline(lines[last - 1]) if last > 0 and captions == 0 else None
        if glued:
            return lines[:last - 1] + [glued[0]], _tidy_author(glued[1])
        return lines[:end], None
    tail.reverse()  # in reading order
    people = [a for _, a in tail if not _UNIT_START.match(a)]
    author = people[0] if people else tail[0][1]
    return lines[: tail[0][0]] + lines[last:end], _tidy_author(author)


def top_byline(lines: list[str], date_index: int | None) -> tuple[int | None, str | None]:
    """A byline printed under the title (press style): within the first two lines, next to the date
    line, on the date line itself ("Minh Châu | 15/09/2023 09:10"), or marked as a byline ("Tin,
    ảnh: …", "Hoài Thu (TTXVN)"). Returns (line index, author)."""
    for i, line in enumerate(lines[:3]):
        if _is_date_line(line):
            author = _author_on_date_line(line)
            if author:
                return i, author
            continue
        if len(line) > 60:
            continue
        author = _byline_of(line)
        if not author or _UNIT_START.match(author):
            continue
        near_date = date_index is not None and abs(i - date_index) == 1
        marked = bool(_BYLINE_CUE.match(line)) or author != line.strip()
        if near_date or marked:
            return i, _tidy_author(author)
    return None, None


def _author_on_date_line(line: str) -> str | None:
    """The person named beside the date on one line ("Minh Châu | 15/09/2023 09:10"), or None."""
    parts = [p for p in _DATE_LINE_PARTS.split(line.strip()) if p]
    if len(parts) < 2:
        return None
    for part in parts:
        if any(ch.isdigit() for ch in part):
            continue
        author = _byline_of(part)
        if author and not _UNIT_START.match(author) and not _BYLINE_CUE.match(part) and _is_name(author.split()) \
                or (author and _BYLINE_CUE.match(part)):
            return _tidy_author(author)
    return None


_UPLOADER = re.compile(r"^(?:đăng\s+bởi|người\s+đăng|posted\s+by|by)\s*:?\s*|^(?:admin|administrator|quản\s+trị(\s+viên)?)$",
                       re.I)


def author_of_node(node: Tag | None) -> str | None:
    """The author named by an author element, or None for an empty one or a site account ("admin")."""
    if node is None:
        return None
    text = clean_text(node.get_text(" "))
    m = _BYLINE_CUE.match(text)
    text = _UPLOADER.sub("", m.group(1) if m else text).strip()
    if not text or _UPLOADER.match(text) or len(text) > 80:
        return None
    return _tidy_author(text)


def byline_after(body: Tag) -> str | None:
    """An author line just after the body container ("Tác giả bài viết: …", NukeViet style)."""
    for node in body.find_all_next(["p", "div", "span"], limit=12):
        line = clean_text(node.get_text(" "))
        m = _BYLINE_CUE.match(line) if len(line) < 120 else None
        if m:
            return _tidy_author(m.group(1))
    return None



def _is_date_line(line: str) -> bool:
    from extract.page import is_date_line  # page imports this module; the date rules live there

    return is_date_line(line)
