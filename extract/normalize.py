"""Vietnamese text rules shared by every extractor.

- `nfc` and `clean_text`: Unicode NFC, non-breaking spaces and runs of blanks tidied.
- `canonical_tones`: one tone-mark placement ("Hoà" and "Hòa" become the same string).
- `fold`: the search key: no diacritics at all, đ→d, lower case ("Đỗ Quý Tiến" → "do quy tien").
- `person_key`: how the archive keys a person's name.
- `parse_number`: Vietnamese numerals ("1.703" → 1703, "91,43" → 91.43, "hai trăm" → 200).
- `sentence_spans` / `sentence_at`: the sentence a fact was read from, for evidence.
"""
from __future__ import annotations

import bisect
import re
import unicodedata

# Old-style tone placement (on the second vowel of oa/oe/uy) and new style (on the first) both occur
# in real pages; the archive compares names after moving the mark to one fixed place.
_TONE_PAIRS = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}
# the pairs above as two classes: the same matches as their alternation, found 4x faster
_TONE_RE = re.compile("(?i:[òóỏõọ][ae]|[ùúủũụ]y)")
assert {f + s for f in "òóỏõọ" for s in "ae"} | {f + "y" for f in "ùúủũụ"} == set(_TONE_PAIRS)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def nfc(text: str | None) -> str:
    """Return `text` in Unicode NFC ("" for None)."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)


def clean_text(text: str | None) -> str:
    """NFC, non-breaking and odd spaces turned into plain spaces, blank runs collapsed per line,
    at most one empty line between paragraphs."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u00ad", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def canonical_tones(text: str) -> str:
    """Move tone marks of oa/oe/uy to one fixed vowel so both spellings compare equal."""

    def swap(match: re.Match) -> str:
        found = match.group(0)
        repl = _TONE_PAIRS[found.lower()]
        return "".join(r.upper() if f.isupper() else r for f, r in zip(found, repl))

    return _TONE_RE.sub(swap, nfc(text))


class _WithoutCombining(dict):
    """A `str.translate` table deleting combining marks, filled in as characters are met (a lookup
    per character in C, instead of a Python call per character)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_WITHOUT_COMBINING = _WithoutCombining()


def fold(text: str | None) -> str:
    """Search key: strip every diacritic, fold đ/Đ to d, lower-case, collapse blanks."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    stripped = unicodedata.normalize("NFD", text).translate(_WITHOUT_COMBINING)
    return _SPACES.sub(" ", stripped.casefold()).strip()


def person_key(name: str) -> str:
    """Normalised form a person's name is keyed by: NFC, one tone placement, case-folded, single spaces.

    Diacritics are kept: "Hòa" and "Hoa" are different names; "Hoà" and "Hòa" are the same."""
    return " ".join(canonical_tones(name).casefold().split())


def name_case(name: str) -> str:
    """Normal capitalisation for a name written in capitals ("MINH THÙY" → "Minh Thùy")."""
    words = nfc(name).split()
    return " ".join(w[:1].upper() + w[1:].lower() if w.isupper() or w.islower() else w for w in words)


_UNITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10,
}
_SCALES = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
NUMBER_WORDS = tuple(_UNITS) + tuple(_SCALES) + ("linh", "lẻ")


def parse_number(token: str) -> int | float | None:
    """Parse a Vietnamese numeral: digits with '.' as thousands separator and ',' as decimal mark
    ("1.703" → 1703, "91,43" → 91.43, "02" → 2), or number words ("hai trăm" → 200).
    Returns None when `token` is not a number."""
    token = nfc(token).strip().lower()
    if not token:
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
        return int(token.replace(".", ""))
    if re.fullmatch(r"\d+,\d+", token):
        return float(token.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})*,\d+", token):
        return float(token.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+", token):
        return int(token)
    return _parse_number_words(token)


def _parse_number_words(token: str) -> int | None:
    words = token.replace("-", " ").split()
    if not words or any(w not in _UNITS and w not in _SCALES and w not in ("linh", "lẻ") for w in words):
        return None
    total, current, last_unit, seen = 0, 0, 0, False
    for w in words:
        if w in ("linh", "lẻ"):
            continue
        if w in _UNITS:
            seen = True
            if w == "mươi":  # "năm mươi": the unit just read counts tens
                current += last_unit * 9
                last_unit = 0
            else:
                current += _UNITS[w]
                last_unit = _UNITS[w]
        else:
            scale = _SCALES[w]
            last_unit = 0
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
            seen = True
    return total + current if seen else None


# A sentence ends at . ! ? or ; followed by a blank and a capital/digit/quote, or at a line break; not
# after an abbreviation that precedes a name ("TP. Cần Thơ", "Tp. Huế", "TS. Lê Văn A", "PGS.TS. …").
_ABBREVIATIONS = ("TP", "Tp", "TS", "ThS", "GS", "PGS", "BS", "Th.S", "TX")
_NOT_AFTER = "".join(rf"(?<!(?<![^\W\d_]){re.escape(a)}\.)" for a in _ABBREVIATIONS)
# (the end mark is looked for first, so the abbreviation checks run only after a mark: linear on 5 MB)
_SENTENCE_END = re.compile(r"(?<=[.!?…])" + _NOT_AFTER + r"[\"”’)]*\s+(?=[\"“(]?[0-9A-ZĐÀ-Ỹ])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and lines) of `text`, blanks trimmed."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


class SentenceIndex:
    """Sentence bounds of a text, computed once, looked up by offset."""

    def __init__(self, text: str):
        self.text = text
        self.spans = sentence_spans(text)
        self.starts = [s for s, _ in self.spans]

    def bounds(self, pos: int, radius: int = 600) -> tuple[int, int]:
        """The sentence around offset `pos`, clipped to `radius` characters either side (a page
        without punctuation must not make every look-up scan the whole text)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0 or not self.spans:
            s, e = 0, len(self.text)
        else:
            s, e = self.spans[i]
            e = max(e, pos)
        return max(s, pos - radius), min(e, pos + radius)

    def evidence(self, start: int, end: int) -> str:
        """The sentence(s) holding [start, end): the evidence for a fact read there."""
        s, e = self.bounds(start)
        if end > e:
            _, e = self.bounds(max(start, end - 1))
        return self.text[s:e]


def sentence_at(text: str, start: int, end: int | None = None) -> str:
    """The sentence of `text` containing the span [start, end): the evidence for a fact read there.
    (Many look-ups in one text: build one `SentenceIndex`.)"""
    return SentenceIndex(text).evidence(start, max(start + 1, end or start))
