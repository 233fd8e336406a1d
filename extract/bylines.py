"""Bylines and source credits: who wrote an article, read from the lines that open or close it.

- `split_byline(lines)`: trailing byline lines (a name, a unit, "Tin, ảnh: …", initials) cut off the body.
- `top_byline(lines, date_index)`: a press byline printed under the title.
- `author_of_node(node)` / `byline_after(body)`: an author element, or an author line after the body.
"""
from __future__ import annotations

import re

from extract.normalize import clean_text, name_case

_BYLINE_CUE = re.compile(
    r"^\(?\s*(?:tác\s+giả(?:\s+bài\s+viết)?|tin\s*,?\s*ảnh|tin\s+và\s+ảnh|bài\s*,?\s*ảnh|bài\s+và\s+ảnh|"
    r"tin\s*,?\s*bài|bài|tin|người\s+viết|người\s+đăng|biên\s+tập)\s*:\s*(.+?)\s*\)?$", re.I)
# "Nguồn: Sở Nội vụ", "(Theo Báo Hà Tĩnh)": a source credit, the author only when no byline names one.
_SOURCE_CUE = re.compile(r"^\(?\s*(?:nguồn(?:\s+tin)?\s*:|theo\s*:?)\s*([A-ZĐÀ-Ỹ][^.;]{1,70}?)\s*\)?$", re.I)
# "Thu Hằng (Báo Quảng Ninh)", "Hoài Thu (TTXVN)": a press byline names the person and the paper.
_PRESS_UNIT = re.compile(r"^(?:báo|đài|tạp\s+chí|ttxvn|vna|trung\s+tâm\s+truyền\s+thông|cổng\s+thông\s+tin|"
                         r"baomoi|vov|vtv|qtv|ptth)\b", re.I)
_UNIT_START = re.compile(
    r"^(?:phòng|sở|ban|văn\s+phòng|trung\s+tâm|chi\s+cục|ubnd|ủy\s+ban|uỷ\s+ban|bộ\s+phận|tổ|"
    r"cổng\s+thông\s+tin|ban\s+biên\s+tập|tòa\s+soạn|bbt|thanh\s+tra|hội\s+đồng|vp|p\.\s?[A-ZĐ])\b", re.I)
# Abbreviated units as bylines: "P.CCHC", "VP.UBND", "BBT", "TTXVN".
_UNIT_ABBREVIATION = re.compile(r"^(?:[A-ZĐ]{1,3}\.\s?)?[A-ZĐ]{2,8}(?:\s?-\s?[A-ZĐ]{2,8})?$")
_NAME_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\.?\s*){2,5}$")
_INITIALS = re.compile(r"^(?:[A-ZĐ]\.){1,4}[A-ZĐ]?\.?$|^[A-ZĐ]{1,4}$")

def _split_person_unit(line: str) -> tuple[str, str, str]:
    """("Lê Thị Hoa", " - ", "Phòng …") for "Lê Thị Hoa - Phòng …" (also "/" and "–"), else (line, "", "")."""
    m = re.match(r"^(.+?)(\s+[-–/]\s+|\s*[(,]\s*)(.+?)\)?$", line)
    return (m.group(1), m.group(2), m.group(3)) if m else (line, "", "")


def _byline_of(line: str) -> str | None:
    """The author named by a line that can close an article body, or None."""
    line = line.strip().strip("*_").strip()
    m = _BYLINE_CUE.match(line)
    if m:
        # "Tin: Văn Nam; Ảnh: Lê Hùng": the writer, not the photographer
        return re.split(r"\s*[;|]\s*|\s*[,-]?\s*\b(?:ảnh|clip|video)\s*:", m.group(1), flags=re.I)[0].strip()
    if len(line) > 70 or line.endswith((".", ":", ";", ",", "?", "!")) or not line[:1].isupper():
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


def split_byline(lines: list[str]) -> tuple[list[str], str | None]:
    """Split trailing byline lines (a name, a unit, 'Tin, ảnh: …', initials) off the body.

    "Nguyễn Thị Định / Sở Nội vụ tỉnh Vĩnh Phúc" gives the person; a unit alone gives the unit;
    "Nguồn: …" is used only when no author line is found."""
    end = len(lines)
    source = None
    while end > 0 and len(lines[end - 1]) <= 90 and _SOURCE_CUE.match(lines[end - 1].strip()):
        source = source or _SOURCE_CUE.match(lines[end - 1].strip()).group(1)
        end -= 1
    tail: list[tuple[int, str]] = []
    i = end - 1
    while i >= 0 and len(tail) < 3:
        author = _byline_of(lines[i])
        if author is None:
            break
        tail.append((i, author))
        i -= 1
    if not tail:
        return lines[:end], (_tidy_author(source) if source else None)
    tail.reverse()  # in reading order
    people = [a for _, a in tail if not _UNIT_START.match(a)]
    author = people[0] if people else tail[0][1]
    return lines[: tail[0][0]], _tidy_author(author)


def top_byline(lines: list[str], date_index: int | None) -> tuple[int | None, str | None]:
    """A byline printed under the title (press style): within the first two lines, next to the date
    line, or marked as a byline ("Tin, ảnh: …", "Hoài Thu (TTXVN)"). Returns (line index, author)."""
    for i, line in enumerate(lines[:3]):
        if len(line) > 60 or _is_date_line(line):
            continue
        author = _byline_of(line)
        if not author or _UNIT_START.match(author):
            continue
        near_date = date_index is not None and abs(i - date_index) == 1
        marked = bool(_BYLINE_CUE.match(line)) or author != line.strip()
        if near_date or marked:
            return i, _tidy_author(author)
    return None, None


_UPLOADER = re.compile(r"^(?:đăng\s+bởi|người\s+đăng|posted\s+by|by)\s*:?\s*|^(?:admin|administrator|quản\s+trị(\s+viên)?)$",
                       re.I)


def _node_text(node) -> str:
    """An element's text, for an lxml element (the page layer's) or a BeautifulSoup tag."""
    if hasattr(node, "text_content"):
        return clean_text(" ".join(node.text_content().split()))
    return clean_text(node.get_text(" "))


def author_of_node(node) -> str | None:
    """The author named by an author element (lxml or bs4), or None for an empty one or a site
    account ("admin")."""
    if node is None:
        return None
    text = _node_text(node)
    m = _BYLINE_CUE.match(text)
    text = _UPLOADER.sub("", m.group(1) if m else text).strip()
    if not text or _UPLOADER.match(text) or len(text) > 80:
        return None
    return _tidy_author(text)


def byline_after(body) -> str | None:
    """An author line just after the body container (lxml or bs4 element; "Tác giả bài viết: …",
    NukeViet style)."""
    if hasattr(body, "xpath"):
        following = body.xpath("following::*[self::p or self::div or self::span][position() <= 12]")
    else:
        following = body.find_all_next(["p", "div", "span"], limit=12)
    for node in following:
        line = _node_text(node)
        m = _BYLINE_CUE.match(line) if len(line) < 120 else None
        if m:
            return _tidy_author(m.group(1))
    return None



def _is_date_line(line: str) -> bool:
    from extract.page import is_date_line  # page imports this module; the date rules live there

    return is_date_line(line)
