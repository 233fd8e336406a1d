"""Named officials in a CCHC news article: who spoke, taught or attended, with title and honorific.

Rules, not a statistical model (a general NER finds a third of them). A name is a run of 2–4
capitalised syllables that either follows a cue ("đồng chí", "Đ/c", "ông", "bà", "PGS.TS", "ThS.",
…, or a plural cue such as "các đồng chí:" opening a list), or starts with a Vietnamese surname and
sits next to a title ("Phó Giám đốc Sở Nội vụ Nguyễn Thị Thiều Hương", "Nguyễn Văn A, Giám đốc
Sở …"). Titles are read after the name (", " / " - " / " (" and a title word) or before it, and stop
at the first word that is not part of a position or unit name, so the verb that follows ("… Bộ Nội vụ
truyền đạt") and the next person in a list are left out. Place names, unit names, the byline and
photo/source credits are not people.

Public entry point: `find_officials(text, byline=None)`.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extract.document import Document, as_document
from extract.normalize import canonical_tones, name_case, nfc, person_key

_log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Lexicons: data files in extract/data/officials_*.txt (lower case, one phrase a line; tone placement
# is canonicalised when they are loaded). The small structural sets below stay beside the rules.
# ---------------------------------------------------------------------------------------------
_DATA = Path(__file__).resolve().parent / "data"


def _lexicon(name: str) -> str:
    """The phrases of extract/data/officials_<name>.txt, one a line, comments dropped."""
    lines = (_DATA / f"officials_{name}.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(line.split("#", 1)[0].strip() for line in lines)


SURNAMES = _lexicon("surnames")
TITLES = _lexicon("positions")
RANKS = _lexicon("ranks")
INSTITUTIONS = _lexicon("institutions")
UNIT_HEADS = _lexicon("unit_heads")
UNIT_WORDS = _lexicon("unit_words")
NOT_NAMES = _lexicon("not_names")
PLACES = _lexicon("places")
TITLE_STOPS = _lexicon("title_stops")


# Allowed right after "Name, " but too common to chain a title across a comma.
WEAK_TITLES = "cán bộ|công chức|viên chức|đại diện|lãnh đạo|đại biểu|học viên|nhân viên"


# These unit words are also verbs ("Sở Nội vụ tổ chức hội nghị"): inside a title only right after a
# unit head ("phòng tổ chức cán bộ", "ban kiểm tra").
VERBISH = "chỉ đạo|tuyển dụng|công tác|kiểm tra|kiểm soát|trả kết quả|tổ chức|xây dựng|đào tạo|bồi dưỡng|quản lý|thông tin|tuyên truyền|giám sát|phát triển|hợp tác|kiểm định|nghiên cứu|điều hành|chỉ huy|tham mưu|phục vụ|tư vấn"
# Verbs that begin with a unit word ("công" in "hành chính công", "báo" a newspaper) and end a title:
# "Giám đốc Sở Nội vụ công bố …", "Phó Chủ tịch UBND huyện báo cáo …".
STOP_VERBS = "công bố|công nhận|công khai|báo cáo|thông báo"
VERB_HEADS = "phòng|ban|sở|cục|viện|phân viện|khoa|đoàn|tổ|trung tâm|hội đồng|bộ phận|vụ|chi cục|tổng cục|trường|học viện|văn phòng|đội|đồn|trạm|hạt|chi nhánh|ủy ban|quỹ"



# ---------------------------------------------------------------------------------------------


def _key(word: str) -> str:
    return canonical_tones(word).lower()


def _phrases(block: str) -> set[tuple[str, ...]]:
    out = set()
    for item in re.split(r"[|\n]", block):
        words = tuple(_key(w) for w in item.split())
        if words:
            out.add(words)
    return out


def _titles() -> set[tuple[str, ...]]:
    base = _phrases(TITLES)
    out = set(base)
    for prefix in (("phó",), ("nguyên",), ("quyền",), ("nguyên", "phó"), ("quyền", "phó")):
        out |= {prefix + t for t in base}
    return out


_SURNAMES = {_key(w) for w in SURNAMES.split()}
_RANKS = _phrases(RANKS)
_TITLES = _titles() | _RANKS
_INSTITUTIONS = _phrases(INSTITUTIONS)
_WEAK_TITLES = _phrases(WEAK_TITLES)
# Weak titles that name a role, never part of a unit's name (unlike "Phòng Tổ chức và công chức").
_ROLE_WORDS = _phrases("đại diện|lãnh đạo|đại biểu|học viên|nhân viên")
_UNIT_HEADS = _phrases(UNIT_HEADS)
_UNIT_WORDS = _phrases(UNIT_WORDS) | _TITLES | _UNIT_HEADS
_SETTLEMENTS = _phrases("tỉnh|huyện|thành phố|quận|xã|phường|thị xã|thị trấn|tp")
_ORG_HEADS = _UNIT_HEADS - _phrases("tỉnh|huyện|thành phố|quận|xã|phường|thị xã|thị trấn|trung ương|tổ|hội|báo|đài|cổng")
_VERBISH = _phrases(VERBISH)
_STOP_VERBS = _phrases(STOP_VERBS)
_VERB_HEADS = {p[-1] for p in _phrases(VERB_HEADS)} | {"ty", "đoàn"}  # "Tổng công ty Bưu điện", "Tập đoàn …"
_NOT_NAMES = _phrases(NOT_NAMES)
_PLACES = _phrases(PLACES)
_TITLE_STOPS = _phrases(TITLE_STOPS)
# Titles of representatives abroad or away from the seat: their unit continues with "tại" and a place
# ("Đại sứ Việt Nam tại Australia", "Trưởng đại diện Văn phòng đại diện tại Thành phố Hồ Chí Minh").
_ABROAD = {"sứ", "tán", "lãnh", "diện", "trú"}
_STAFF = _phrases("cán bộ|công chức|viên chức")
_MAX_PHRASE = 5
_FIRST_WORDS = {id(lex): {p[0] for p in lex}
                for lex in (_TITLES, _WEAK_TITLES, _ROLE_WORDS, _UNIT_HEADS, _ORG_HEADS, _UNIT_WORDS, _PLACES, _NOT_NAMES, _VERBISH,
                            _RANKS, _INSTITUTIONS, _SETTLEMENTS, _STOP_VERBS, _STAFF, _TITLE_STOPS)}
_UNIT_FIRST = _FIRST_WORDS[id(_UNIT_WORDS)]
_RANK_FIRST = _FIRST_WORDS[id(_RANKS)]
# a word starting none of the phrases _unknown_lower looks for
_LOWER_FIRST = set().union(*(_FIRST_WORDS[id(lex)] for lex in (_UNIT_WORDS, _TITLE_STOPS, _WEAK_TITLES, _STOP_VERBS)))
# The last word before a name that may end a cue or a place word: a cheap test before the regexes.
_CUE_ENDS = {"chí", "c", "ông", "bà", "ts", "ths", "s", "gs", "pgs", "sĩ", "sư", "ncs", "bs", "kh", ".", "/",
             "anh", "chị", "hùng", "nhân", "cáo", "tượng", "phạm", "cháu", "thương", "dân"}
_PLURAL_ENDS = {"chí", "ông", "bà", "vị", ":"}
_PLACE_ENDS = {"tỉnh", "huyện", "quận", "xã", "phường", "trấn", "phố", "tp", "đường", "số", "ấp", "thôn",
               "bản", "làng", "."}

# A word: letters, possibly joined by an apostrophe (H'Hen, Ksor); numbers; line breaks; punctuation.
# Unit codes ("Cục C06", "Phòng PC06", "A05") are one token, read as an acronym.
# A romanised given name joined by a hyphen ("Young-ho", "Ji-hoon") is one word.
_TOKEN = re.compile(r"[A-ZĐ]{1,4}\d{1,3}[A-Z]?(?![\w])|[A-Z][a-z]+-[a-z]+(?![\w])|[^\W\d_]+(?:['’ʼ][^\W\d_]+)*|\d+|\n|[^\w\s]")
# A plain Vietnamese syllable (to tell "NGUYỄN" from acronyms such as "UBND", "CCHC").
_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[{_VOWELS}]{{1,3}}(?:ch|ng|nh|[cmnpt])?"
)

# Cues right before a name (or before a title that precedes the name).
_CUE = re.compile(
    r"(?:(?<![^\W\d_])(?P<dc>đồng chí|Đồng chí|ĐỒNG CHÍ|[Đđ]\s?/\s?[cC]|[Đđ]\.[cC]\.?)"
    r"|(?<![^\W\d_])(?P<ong>ông|Ông|ÔNG)|(?<![^\W\d_])(?P<ba>bà|Bà|BÀ)"
    r"|(?<![^\W\d_])(?P<acad>P?GS\s?\.\s?TS(?:\s?\.\s?(?:BS|KH))?\.?|TS\s?\.\s?BS\.?|P?GS\.|TS\.|TS|ThS\.?"
    r"|Th\.\s?S\.?|NCS\.?|BS\.?|[Tt]hạc sĩ|[Tt]iến sĩ|[Pp]hó [Gg]iáo sư|[Gg]iáo sư)"
    # a descriptor that is no honorific and no position: the person counts, with neither
    r"|(?<![^\W\d_])(?P<desc>[Aa]nh|[Cc]hị|[Aa]nh hùng|bệnh nhân|bị cáo|đối tượng|nghi phạm|cháu|tiểu thương|người dân))\s*$"
)
_PLURAL_CUE = re.compile(
    r"(?<![^\W\d_])(?:các|Các)\s+(?P<cue>đồng chí|ông\s*,\s*bà|ông\s*/\s*bà|ông|bà|vị)"
    r"(?:\s*:|[^.:;\n]{0,80}:)?\s*$"
)
# Words that make the capitalised run after them a place or an institution named after someone.
_PLACE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:tỉnh|huyện|quận|xã|phường|thị xã|thị trấn|thành phố|TP|Tp|đường|phố|số|ấp"
    r"|thôn|bản|làng|khu phố|tổ dân phố|tp)\s*\.?\s*$",
    re.IGNORECASE,
)
_SCHOOL_BEFORE = re.compile(
    r"(?:THPT|THCS|PTDTNT|PTDTBT|TH|[Tt]iểu học|[Mm]ầm non|[Tt]rường|[Cc]ông viên|[Cc]ầu|[Gg]iải thưởng|[Qq]uỹ)\s*$"
)
_CREDIT = re.compile(r"(?:ảnh|tin|bài|nguồn|tác giả|người viết|thực hiện|theo)\s*:", re.IGNORECASE)
_THEO_BEFORE = re.compile(r"(?<![^\W\d_])(?:[Tt]heo|THEO)\s+$")

_PLURAL_HONORIFIC = {"đồng chí": "đồng chí", "ông": "ông", "bà": "bà"}
_ACAD = {"pgsts": "PGS.TS", "gsts": "GS.TS", "pgstsbs": "PGS.TS.BS", "pgstskh": "PGS.TSKH",
         "gstskh": "GS.TSKH", "tsbs": "TS.BS", "pgs": "PGS.", "gs": "GS.", "ts": "TS.", "ths": "ThS.",
         "ncs": "NCS.", "bs": "BS.", "thạcsĩ": "ThS.", "tiếnsĩ": "TS.", "phógiáosư": "PGS.",
         "giáosư": "GS."}


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Tok:
    text: str
    start: int
    end: int
    key: str = ""          # canonical tones, lower case
    word: bool = False     # letters
    cap: bool = False      # Capitalised or ALL-CAPS syllable: may be part of a name
    upper: bool = False    # written in capitals
    acronym: bool = False  # UBND, HĐND, CCHC …


_APOSTROPHE = re.compile(r"['’ʼ]")


@lru_cache(maxsize=65536)
def _classify(word: str) -> tuple[str, bool, bool, bool]:
    """(key, cap, upper, acronym) of a word (cached across articles: the vocabulary is small)."""
    key = _key(word)
    if word.isupper() and len(word) > 1:
        syllable = bool(_SYLLABLE.fullmatch(key))
        return key, syllable, True, not syllable
    parts = _APOSTROPHE.split(word)
    if all(p[:1].isupper() and (p[1:].islower() or not p[1:]) for p in parts):
        return key, True, word.isupper(), False
    if word[0].isupper() and not word[1:].islower():
        return key, False, False, True  # ThS, HĐND-like mixed forms
    return key, False, False, False


@lru_cache(maxsize=65536)
def _token_fields(s: str) -> tuple[str, bool, bool, bool, bool]:
    """(key, word, cap, upper, acronym) of a token's text (cached: the vocabulary is small)."""
    if not s[0].isalpha():
        return "", False, False, False, False
    if s[-1].isdigit() or s[-2:-1].isdigit():  # a unit code: "C06", "PC06A"
        return s.lower(), True, False, False, True
    key, cap, upper, acronym = _classify(s)
    return key, True, cap, upper, acronym


def _tokenize(text: str) -> list[_Tok]:
    fields = _token_fields
    return [_Tok(s, m.start(), m.end(), *fields(s)) for m in _TOKEN.finditer(text) for s in (m.group(),)]


def _before_is(toks: list[_Tok], i: int, ends: set[str]) -> bool:
    """Is the token before toks[i] one of `ends` (by key, or text for punctuation)?"""
    return i > 0 and (toks[i - 1].key or toks[i - 1].text) in ends


def _adjacent(text: str, a: _Tok, b: _Tok) -> bool:
    """True when b follows a with only blanks (no line break) in between."""
    gap = text[a.end:b.start]
    return gap.strip(" \t\u00a0") == "" and len(gap) <= 3


def _match(toks: list[_Tok], i: int, lexicon: set[tuple[str, ...]], limit: int | None = None) -> int:
    """Length (in tokens) of the longest lexicon phrase starting at toks[i], 0 if none."""
    if toks[i].key not in _FIRST_WORDS[id(lexicon)]:
        return 0
    best = 0
    n = len(toks) if limit is None else min(limit, len(toks))
    words: list[str] = []
    for j in range(i, min(i + _MAX_PHRASE, n)):
        if not toks[j].word:
            break
        words.append(toks[j].key)
        if tuple(words) in lexicon:
            best = len(words)
    return best


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Mention:
    first: int                 # token indices [first, last)
    last: int
    start: int
    end: int
    name: str                  # normal case
    written: str
    honorific: str | None = None
    title: str | None = None
    strong: bool = False       # a cue, a list or a title vouches for it
    plain: bool = False        # no cue, no title: counts only as a further mention of a known person
    caption: bool = False
    evidence: str = ""


def _is_surname(t: _Tok) -> bool:
    if not t.cap:
        return False
    return t.key in _SURNAMES or (t.key.startswith(("h'", "h’")) and len(t.key) > 2)


def _syllable(t: _Tok) -> bool:
    return bool(_SYLLABLE.fullmatch(t.key))


_UNIT_START_WORDS = {"sở", "bộ", "phòng", "cục", "viện", "ban", "tỉnh", "huyện", "xã", "phường", "quận",
                     "ubnd", "hđnd"}


def _name_cut(toks: list[_Tok], i: int, b: int | None = None) -> bool:
    """A token that cannot continue a name: the start of a title or unit ("Phó Giám đốc", "Sở Nội vụ").
    A unit word that closes the capitalised run (toks[i + 1:b] empty) opens no unit: it is a given
    name ("Ông Phạm Văn Xã,")."""
    t = toks[i]
    if not t.cap:
        return True
    if _match(toks, i, _TITLES) >= 2:
        return True
    if t.key in _UNIT_START_WORDS:
        return b is None or i + 1 < b
    return t.key in {"và", "của", "tại", "các", "những"}


def _runs(text: str, toks: list[_Tok]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words separated only by blanks."""
    runs, i, n = [], 0, len(toks)
    while i < n:
        if toks[i].cap:
            j = i + 1
            while j < n and toks[j].cap and _adjacent(text, toks[j - 1], toks[j]):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _name_in_run(text: str, toks: list[_Tok], a: int, b: int, cue: bool) -> tuple[int, int] | None:
    """The name inside the capitalised run toks[a:b], as token indices, or None."""
    before = text[max(0, toks[a].start - 20):toks[a].start]
    if not cue and not any(_is_surname(toks[k]) for k in range(a, b - 2)):
        # "Trưởng phòng Nội vụ huyện Tây Giang Bhling Thị Mai": a surname not in the list (many ethnic
        # minority surnames are rare) after a place name; the last three syllables, "Thị"/"Văn" in the
        # middle, are the person. It counts only with a title before it (a plain mention is dropped).
        if b - a >= 4 and toks[b - 2].key in ("thị", "văn") and _before_is(toks, a, _PLACE_ENDS) \
                and _PLACE_BEFORE.search(before) and not any(toks[k].upper for k in range(b - 3, b)) \
                and (b - 3, b - 1) != (a, a + 2) and tuple(t.key for t in toks[b - 3:b]) not in _PLACES:
            return b - 3, b
        if not any(_is_surname(toks[k]) for k in range(b - 2, b)) \
                and not (b - a == 3 and toks[a + 1].key in ("văn", "thị")):
            return None  # (an unlisted surname before the middle name Văn/Thị still makes a name)
    i = a
    if not cue and _before_is(toks, a, _PLACE_ENDS) and _PLACE_BEFORE.search(before):
        n = _match(toks, a, _PLACES, b)
        if n:
            i = a + n
        elif b - a >= 5:
            i = next((k for k in range(a + 2, b - 1) if _is_surname(toks[k]) and 2 <= b - k <= 4), b)
        elif b - a in (3, 4) and _is_surname(toks[a]):
            i = a
        else:
            return None
    if cue and i == a and not _name_cut(toks, a) and not _match(toks, a, _PLACES, b):
        pass  # after a cue any capitalised syllables make a name
    else:
        while i < b:
            n = _match(toks, i, _PLACES, b) or _match(toks, i, _TITLES, b) or _match(toks, i, _UNIT_HEADS, b)
            if not n and not cue and i == a and b - a >= 3:
                n = _match(toks, i, _INSTITUTIONS, b - 2)  # "Đường Nguyễn Văn Linh": the street, then the name
            if n and not (_is_surname(toks[i]) and n == 1):
                i += n
            elif (not _is_surname(toks[i]) or toks[i].acronym) \
                    and not (i == a and b - a == 3 and toks[a + 1].key in ("văn", "thị") and _syllable(toks[a])):
                i += 1
            else:
                break
    if i >= b:
        return None
    if i > a and toks[i].key in ("văn", "thị") and i + 1 < b and _syllable(toks[i - 1]) and not toks[i - 1].upper \
            and not (_match(toks, i - 1, _UNIT_WORDS, b) or _match(toks, i - 1, _PLACES, b)):
        i -= 1  # "Khoàng Văn Thiết": an unlisted surname before the middle name Văn/Thị
    j = i + 1
    while j < b and not _name_cut(toks, j, b) and j - i < 5:
        j += 1
    if j < b and not _name_cut(toks, j, b):
        return None  # longer than any name: an organisation or a heading
    if j - i > (5 if cue else 4):
        return None
    words = tuple(t.key for t in toks[i:j])
    if words in _PLACES or words in _NOT_NAMES or words[:3] in _PLACES:
        return None
    return i, j


# ---------------------------------------------------------------------------------------------
# Titles
# ---------------------------------------------------------------------------------------------

def _starts_name(text: str, toks: list[_Tok], i: int) -> bool:
    """True when a person's name (surname + capitalised syllables) starts at toks[i]."""
    if not _is_surname(toks[i]) or i + 1 >= len(toks) or not toks[i + 1].cap:
        return False
    if not _adjacent(text, toks[i], toks[i + 1]):
        return False
    j = i
    while j < len(toks) and toks[j].cap and (j == i or _adjacent(text, toks[j - 1], toks[j])):
        j += 1
    found = _name_in_run(text, toks, i, j, cue=False)
    return bool(found and found[0] == i) and not _after_institution(text, toks, i)


def _after_institution(text: str, toks: list[_Tok], i: int) -> bool:
    """Does the name at toks[i] name an institution or a place after a person ("Trường Chính trị
    Nguyễn Văn Cừ", "Học viện Chính trị quốc gia Hồ Chí Minh", "Bảo tàng Võ Thị Sáu", "Đường Nguyễn
    Văn Linh")? True when, within six words before it and with only blanks in between, an institution
    head is followed by capitalised or unit words only. A province or district word in between
    ("Trường Chính trị tỉnh Nguyễn Thị Hà": a title, then the person) makes it False."""
    j = i - 1
    while j >= max(0, i - 6):
        t = toks[j]
        if not t.word or not _adjacent(text, t, toks[j + 1]) or _is_cue_word(toks, j):
            return False
        if _match(toks, j, _SETTLEMENTS, i) or _match(toks, j, _TITLES, i):
            return False
        n = _match(toks, j, _INSTITUTIONS, i)
        if n and (j + n == i or all(toks[k].cap or toks[k].acronym or _covered(toks, k, j, i) for k in range(j + n, i))):
            return True
        j -= 1
    return False


def _title_word_ok(toks: list[_Tok], i: int, prev: _Tok | None, lo: int | None = None) -> int:
    """How many tokens from toks[i] may belong to a title (0: the title ends here). With `lo` (where
    the title starts), a lower-case word of no lexicon continues a unit name opened since then, up to
    four in a row."""
    t = toks[i]
    if t.acronym:
        return 1
    n = _match(toks, i, _UNIT_WORDS)
    if n and not t.cap and _match(toks, i, _STOP_VERBS) > n:
        return 0
    if n:
        phrase = tuple(x.key for x in toks[i:i + n])
        verbish = any(phrase[:k] in _VERBISH for k in range(1, len(phrase) + 1))
        if verbish and not t.cap and (prev is None or not prev.word or prev.key not in _VERB_HEADS) \
                and not _inside_unit_name(toks, i):
            return 0
        return n
    if t.cap and not t.upper and _compound_after_head(toks, i, prev):
        return 2
    if t.cap and not t.upper:
        return 1
    if lo is not None and _unknown_lower(toks, i) and _opened(toks, lo, i) and not _after_place(toks, lo, i):
        q = i
        while q < len(toks) and q - i <= 4 and _unknown_lower(toks, q):
            q += 1
        if q - i <= 4 and _name_boundary(toks, q) and (
                (q < len(toks) and toks[q].text not in (".", "\n")) or _predicate_before(toks, lo)):
            return q - i
    return 0


def _after_place(toks: list[_Tok], lo: int, i: int) -> bool:
    """Does toks[i] follow a settlement word, or a place named after one ("… tỉnh Lào Cai")? A unit's
    name ends with its place: what follows is the sentence ("… tỉnh khen ngợi")."""
    for h in range(i - 1, max(lo, i - 4) - 1, -1):
        if _match(toks, h, _SETTLEMENTS, i):
            return True
        if not toks[h].cap:
            return False
    return False


def _predicate_before(toks: list[_Tok], lo: int) -> bool:
    """Has the sentence a verb before the title at toks[lo] ("Dự hội nghị có bà …, Giám đốc ….")? Then
    a title may close the sentence; otherwise the last words before the full stop are its verb."""
    for h in range(lo - 1, max(-1, lo - 40), -1):
        t = toks[h]
        if t.text in (".", "\n", ";", "!", "?"):
            return False
        if t.word and not t.cap and _match(toks, h, _TITLE_STOPS):
            return True
    return False


def _name_boundary(toks: list[_Tok], q: int) -> bool:
    """Can a unit's proper name end right before toks[q]? At punctuation that closes a title (not a
    colon), a line break, the end, a capitalised word or code (a place, a name), or a settlement word."""
    if q >= len(toks):
        return True
    t = toks[q]
    if not t.word:
        return t.text in (",", ";", ".", "(", ")", "-", "–", "—", "\n")
    return t.cap or t.acronym or t.key == "và" or bool(_match(toks, q, _SETTLEMENTS))


def _compound_after_head(toks: list[_Tok], i: int, prev: _Tok | None) -> bool:
    """"Phòng Kiểm soát TTHC", "Bộ phận Tiếp nhận": the proper name of a unit opens with a capitalised
    syllable right after the unit head, and its second syllable is written in lower case. That syllable
    belongs to the name when it is no word of the lexicons (not a unit word, not a verb such as "công
    bố") and is written right after the capitalised one."""
    if prev is None or not prev.word or prev.key not in _VERB_HEADS or i + 1 >= len(toks):
        return False
    nxt = toks[i + 1]
    if not nxt.word or nxt.cap or nxt.acronym or nxt.start - toks[i].end != 1:
        return False
    return not (_match(toks, i + 1, _UNIT_WORDS) or _match(toks, i + 1, _STOP_VERBS)
                or _match(toks, i + 1, _WEAK_TITLES) or nxt.key in ("và", "của", "tại", "cho", "với"))


def _inside_unit_name(toks: list[_Tok], i: int) -> bool:
    """Is toks[i] preceded by a capitalised two-word unit phrase ("Trung tâm Nghiên cứu phát triển"),
    so that a verb-like word continues the unit's name rather than starting the sentence's verb?"""
    return i >= 2 and toks[i - 2].cap and toks[i - 2].word and toks[i - 1].word \
        and _match(toks, i - 2, _UNIT_WORDS, i) == 2


def _unknown_lower(toks: list[_Tok], i: int) -> bool:
    """A lower-case word of no lexicon that ends no title: it may continue a unit's proper name
    ("Trung tâm Phát triển đô thị thông minh")."""
    t = toks[i]
    return t.word and not t.cap and not t.acronym and not (t.key in _LOWER_FIRST and (
        _match(toks, i, _UNIT_WORDS) or _match(toks, i, _TITLE_STOPS) or _match(toks, i, _WEAK_TITLES)
        or _match(toks, i, _STOP_VERBS)))


def _opened(toks: list[_Tok], lo: int, i: int) -> bool:
    """Did a unit head followed by a capitalised word ("Trung tâm Phát …", "Phòng Quản lý …") open a
    unit's proper name between toks[lo] and toks[i]? Its lower-case words then continue the name."""
    return any(toks[h].word and toks[h].key in _VERB_HEADS and toks[h + 1].cap and not toks[h + 1].upper
               for h in range(max(lo, i - 12), i - 1))


def _unknown_run(toks: list[_Tok], i: int) -> int:
    """How many words of no lexicon end at toks[i] (toks[i] included)."""
    n = 0
    while i - n >= 0 and _unknown_lower(toks, i - n):
        n += 1
    return n


def _lower_tail(text: str, toks: list[_Tok], k: int, opened: bool = False) -> int | None:
    """End of the lower-case unit words after "và" that close a unit name ("Khoa Nhà nước và pháp luật,
    Trường …", "Hội đồng Giáo dục quốc phòng và an ninh tỉnh;"), or None when "và" joins something
    else ("Giám đốc Sở Nội vụ và lãnh đạo các phòng"). The words must all be unit words and be followed by
    the end of the title: punctuation, a line break, or a capitalised unit head. A tail that names
    people ("và công chức") counts only when a unit follows ("…, Sở Nội vụ")."""
    i, n = k, len(toks)
    while i < n and i - k < 6 and toks[i].word and not toks[i].cap and not toks[i].acronym:
        m = _match(toks, i, _UNIT_WORDS) or (1 if opened and _unknown_lower(toks, i) else 0)
        if not m:
            return None
        i += m
    if i == k or i - k >= 6:
        return None
    if _match(toks, k, _TITLES) or _match(toks, k, _ROLE_WORDS):
        return None  # "… Học viện Hành chính Quốc gia và báo cáo viên Sở Nội vụ": a second role
    people = bool(_match(toks, k, _WEAK_TITLES))
    if i >= n or toks[i].text == "\n":
        return i
    nxt = toks[i]
    unit_next = i + 1 < n and (toks[i + 1].cap or toks[i + 1].acronym) and _match(toks, i + 1, _ORG_HEADS) \
        and not _starts_name(text, toks, i + 1)
    if nxt.text in (",", "-", "–") and unit_next:
        return i
    if nxt.text == "(" or (nxt.word and nxt.cap and not people and _match(toks, i, _ORG_HEADS)
                           and not _starts_name(text, toks, i)):
        return i  # ("… và công chức Sở Nội vụ": the staff of a unit, not part of the name)
    if nxt.text in ((".", ";", ")", ",") if opened else (".", ";", ")")) and not people:
        return i
    if opened and not people and nxt.word and not nxt.cap and _match(toks, i, _TITLE_STOPS):
        return i  # "Trung tâm Văn hóa thông tin và thể thao huyện nhấn mạnh": the verb follows
    return None


def _comma_tail(text: str, toks: list[_Tok], k: int, opened: bool = False) -> int | None:
    """"Văn thư, lưu trữ, Sở Nội vụ": lower-case unit words after a comma continue a unit's name when
    they close it (a further unit, the end of the sentence or a line) and name neither people nor an
    action ("…, Sở Nội vụ, lãnh đạo các phòng", "…, tổ chức hội nghị" end the title)."""
    i, n = k, len(toks)
    while i < n and i - k < 4 and toks[i].word and not toks[i].cap and not toks[i].acronym:
        m = _match(toks, i, _UNIT_WORDS)
        if not m or any(tuple(x.key for x in toks[i:i + j]) in _VERBISH for j in range(1, m + 1)):
            return None
        i += m
    if i == k or i - k >= 4 or _match(toks, k, _TITLES):
        return None
    # "Phòng Công chức, viên chức, Sở Nội vụ": staff words continue a department's name opened by a unit
    # head and a capitalised word, but only when a further unit follows ("…, Sở Nội vụ")
    staff = bool(_match(toks, k, _WEAK_TITLES))
    if staff and not (opened and _match(toks, k, _STAFF) == i - k):
        return None
    if i >= n or toks[i].text == "\n":
        return None if staff else i
    nxt = toks[i]
    if nxt.text in (",", "-", "–") and i + 1 < n and (toks[i + 1].cap or toks[i + 1].acronym) \
            and _match(toks, i + 1, _ORG_HEADS) and not _starts_name(text, toks, i + 1):
        return i
    if nxt.text in (".", ";", ")") and not staff:
        return i
    return None


def _about_tail(text: str, toks: list[_Tok], i: int, k: int) -> int | None:
    """"Khoa Quản lý nhà nước về xã hội, Học viện …", "Vụ Pháp luật về kinh tế, Bộ Tư pháp": "về" (at
    toks[i]) and lower-case domain words continue a department's proper name when the name was opened by
    a unit head and a capitalised word, and the words are followed by a further unit (", Học viện …"), a
    bracket or the end of the line. Anything else ("… Sở Nội vụ về dự", "… về công tác ….") ends the title."""
    opened = any(toks[h].word and toks[h].key in _VERB_HEADS and toks[h + 1].cap and not toks[h + 1].upper
                 for h in range(max(k, i - 8), i - 1))
    if not opened:
        return None
    j, n = i + 1, len(toks)
    while j < n and j - i <= 6 and toks[j].word and not toks[j].cap and not toks[j].acronym \
            and not _match(toks, j, _TITLE_STOPS) and toks[j].key != "của":
        m = _match(toks, j, _UNIT_WORDS)
        if not m or any(tuple(x.key for x in toks[j:j + q]) in _VERBISH for q in range(1, m + 1)) \
                or _match(toks, j, _WEAK_TITLES) or _match(toks, j, _TITLES):
            return None
        j += m
    if j == i + 1 or j - i > 7:
        return None
    if j >= n or toks[j].text in ("\n", "(", ".", ";") or _match(toks, j, _TITLE_STOPS) \
            or (toks[j].key == "của" and j + 1 < n and _match(toks, j + 1, _ORG_HEADS)):
        return j  # the end of the line or sentence, a bracket, the sentence's verb ("… về trật tự xã hội
        # trình bày") or "của" and a unit ("… về xã hội của Phân viện")
    if toks[j].text in (",", "-", "–") and j + 1 < n and (toks[j + 1].cap or toks[j + 1].acronym) \
            and _match(toks, j + 1, _ORG_HEADS) and not _starts_name(text, toks, j + 1):
        return j
    return None


def _unit_list_after_comma(text: str, toks: list[_Tok], k: int) -> bool:
    """"Sở Văn hóa, Thể thao và Du lịch": after a comma, capitalised unit words that run into "và" and a
    capitalised word continue the unit's name."""
    j, n = k, len(toks)
    if _starts_name(text, toks, k):
        return False
    if not toks[k].cap:
        return False
    while j < n and j - k < 4 and toks[j].word and toks[j].key != "và":
        m = _match(toks, j, _UNIT_WORDS) or (1 if toks[j].cap and not toks[j].upper else 0)
        if not m:
            return False
        j += m
    return j > k and j + 1 < n and toks[j].key == "và" and not toks[j].cap and toks[j + 1].cap \
        and not toks[j + 1].upper and not _starts_name(text, toks, j + 1)


def _title_after(text: str, toks: list[_Tok], k: int) -> str | None:
    """The title written from toks[k] on (it must open with a position or a unit), or None."""
    n = _match(toks, k, _TITLES) or _match(toks, k, _WEAK_TITLES)
    if not n and (toks[k].cap or toks[k].acronym) and not toks[k].upper:
        n = _match(toks, k, _ORG_HEADS)  # "Nguyễn Đăng Quế, Học viện Hành chính Quốc gia"
    if not n:
        return None
    end, i = k + n, k + n
    limit = min(len(toks), k + 45)
    while i < limit:
        t, prev = toks[i], toks[i - 1]
        if t.text == "\n":
            break
        if t.word:
            if _is_cue_word(toks, i):
                break
            if t.cap and _starts_name(text, toks, i):
                if prev.word:
                    return None  # "…, Phó Chủ tịch UBND tỉnh Hoàng Văn B": the next person's title
                break
            if t.key == "và" and not t.cap:
                if i + 1 < limit and ((toks[i + 1].cap and not toks[i + 1].upper) or
                                      (toks[i + 1].acronym and _match(toks, i + 1, _UNIT_HEADS))) \
                        and not _starts_name(text, toks, i + 1):
                    i += 1  # "Sở Văn hóa, Thể thao và Du lịch", "Văn phòng HĐND và UBND huyện"
                    continue
                tail = _lower_tail(text, toks, i + 1, _opened(toks, k, i)) if i + 1 < limit else None
                if tail is not None:
                    i = end = min(tail, limit)
                    continue
                break
            if t.key == "về" and not t.cap:
                tail = _about_tail(text, toks, i, k) if i + 1 < limit else None
                if tail is not None:
                    i = end = min(tail, limit)  # "Trưởng khoa Quản lý nhà nước về xã hội, Học viện …"
                    continue
                break
            if t.key == "của" and not t.cap and i + 1 < limit and (toks[i + 1].cap or toks[i + 1].acronym) \
                    and _match(toks, i + 1, _ORG_HEADS) and not _starts_name(text, toks, i + 1):
                i += 1  # "chuyên gia của Trung tâm …", "chuyên viên chính của Vụ …"
                continue
            if t.key == "kiêm" and i + 1 < limit and _match(toks, i + 1, _TITLES):
                i += 1  # "Phó Chủ tịch UBND tỉnh kiêm Chủ tịch Hội đồng …"
                continue
            if t.key in ("tại", "của") and not t.cap and i + 1 < limit and (toks[i + 1].cap or toks[i + 1].acronym) \
                    and not _starts_name(text, toks, i + 1) \
                    and (t.key == "của" or _abroad(toks, k, i)):
                i += 1  # "Đại sứ Việt Nam tại Nhật Bản", "… xuất nhập cảnh của Công an tỉnh"
                continue
            m = _title_word_ok(toks, i, prev, k)
            if not m:
                break
            i += m
            end = i
            continue
        if t.text in ",-–—&" and i + 1 < limit and toks[i + 1].word:
            nxt = i + 1
            if t.text == "," and _match(toks, nxt, _SETTLEMENTS) and nxt + 1 < limit \
                    and (toks[nxt + _match(toks, nxt, _SETTLEMENTS)].cap if nxt + _match(toks, nxt, _SETTLEMENTS) < limit else False) \
                    and prev.word and _match_back_settlement(toks, k, i):
                i += 1  # "… xã Gia Sinh, huyện Gia Viễn": the next larger unit
                continue
            if t.text == "," and _opened(toks, k, i) and prev.word \
                    and any(i - w >= k and _match(toks, i - w, _VERBISH, i) == w for w in (1, 2, 3)):
                tail = _opened_comma_tail(toks, nxt, limit)
                if tail is not None:
                    i = end = tail  # "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh"
                    continue
            if t.text in "-–" and not toks[nxt].cap and _match(toks, nxt, _UNIT_WORDS) \
                    and not _match(toks, nxt, _TITLE_STOPS) and prev.word:
                i += 1  # "công chức Văn phòng - thống kê"
                continue
            if t.text == ",":
                unit = (toks[nxt].cap or toks[nxt].acronym) and _match(toks, nxt, _ORG_HEADS)
                listed = prev.word and _unit_list_after_comma(text, toks, nxt)
                if not (_match(toks, nxt, _TITLES) or unit or listed) and prev.word:
                    opened = any(toks[h].word and toks[h].key in _VERB_HEADS and toks[h + 1].cap
                                 and not toks[h + 1].upper for h in range(max(k, i - 4), i - 1))
                    tail = _comma_tail(text, toks, nxt, opened)
                    if tail is not None:
                        i = end = min(tail, limit)  # "Phòng Cải cách hành chính - Văn thư, lưu trữ, Sở …"
                        continue
                if not (_match(toks, nxt, _TITLES) or unit or listed) or _starts_name(text, toks, nxt) \
                        or _is_cue_word(toks, nxt):
                    break
            elif not (toks[nxt].cap or toks[nxt].acronym) or _starts_name(text, toks, nxt):
                break
            i += 1
            continue
        if t.text == "(" and i + 2 < limit and toks[i + 1].acronym and toks[i + 2].text == ")":
            i = end = i + 3  # "… Trung tâm Nghiên cứu phát triển và Hỗ trợ cộng đồng (CECODES)"
            continue
        if t.text == "(" and i + 1 < limit and _match(toks, i + 1, _UNIT_HEADS):
            close = next((c for c in range(i + 2, min(limit, i + 14)) if toks[c].text == ")"), None)
            if close and all(_covered(toks, c, i + 1, close) for c in range(i + 1, close)):
                i = end = close + 1  # "… Vụ Cải cách hành chính (Bộ Nội vụ)"
                continue
            break
        if t.text == "." and prev.key in ("tp", "tt") and i + 1 < limit and (toks[i + 1].cap or toks[i + 1].acronym):
            i += 1
            continue
        break
    return text[toks[k].start:toks[end - 1].end]


def _abroad(toks: list[_Tok], k: int, i: int) -> bool:
    """May "tại" at toks[i] continue the title toks[k:i]? For an envoy or representative ("Đại sứ Việt
    Nam tại …", "Trưởng đại diện … tại …"), and for an organisation's office in a country or province
    ("Giám đốc quốc gia UNDP tại Việt Nam": an acronym in the title, a place after "tại")."""
    if any(toks[h].key in _ABROAD for h in range(k, i)):
        return True
    return i + 1 < len(toks) and bool(_match(toks, i + 1, _PLACES)) and any(toks[h].acronym for h in range(k, i))


def _match_back_settlement(toks: list[_Tok], k: int, i: int) -> bool:
    """Does the title toks[k:i] end with a settlement and its capitalised name ("… xã Gia Sinh")?"""
    h = i - 1
    while h > k and toks[h].cap:
        h -= 1
    return h < i - 1 and bool(_match(toks, h, _SETTLEMENTS, i))


def _opened_comma_tail(toks: list[_Tok], k: int, limit: int) -> int | None:
    """After a comma that follows a function word inside an opened unit name ("Trung tâm Giám sát,
    điều hành đô thị thông minh tỉnh"), the lower-case words that run to the end of the title: the end,
    or None when they name people or a position, or run on."""
    q = k
    while q < limit and q - k < 8 and toks[q].word and not toks[q].cap and not toks[q].acronym:
        if _match(toks, q, _TITLE_STOPS) or _match(toks, q, _STOP_VERBS):
            break
        if _match(toks, q, _WEAK_TITLES) or _match(toks, q, _TITLES):
            return None
        q += _match(toks, q, _UNIT_WORDS) or 1
    if q - k >= 8 or q - k < 2:
        return None
    if q >= limit or not toks[q].word:
        return q if q >= limit or toks[q].text in (",", ".", ";", ")", "(", "\n") else None
    return q if _match(toks, q, _TITLE_STOPS) else None


def _title_before(text: str, toks: list[_Tok], first: int) -> tuple[str | None, int]:
    """A title written before the name ("Phó Giám đốc Sở Nội vụ Nguyễn …"): (title, first token).

    Besides position and unit words it may hold lower-case words of no lexicon inside a unit's proper
    name ("Trung tâm Phát triển đô thị thông minh"), "kiêm" between two positions, "tại"/"của" and a
    capitalised place or unit ("Đại sứ Việt Nam tại Australia"), and a bracketed abbreviation
    ("Trung tâm Phục vụ hành chính công (TTPVHCC)")."""
    best = None
    j = first - 1
    lo = max(0, first - 30)
    loose: list[int] = []  # words kept only if the title they end up in vouches for them
    while j >= lo:
        t = toks[j]
        if t.word:
            if t.key == "và" and not t.cap:
                if best is not None:
                    break
                j -= 1
                continue
            if _is_cue_word(toks, j):
                break
            if t.key in ("kiêm", "tại", "của") and not t.cap and j + 1 < len(toks) \
                    and (toks[j + 1].cap or toks[j + 1].acronym):
                loose.append(j)
                j -= 1
                continue
            if not _covered(toks, j, lo, first) or (t.cap and j + 1 < first and _starts_name(text, toks, j)):
                if _unknown_lower(toks, j) and _unknown_run(toks, j) <= 4:
                    loose.append(j)
                    j -= 1
                    continue
                break
            if _match(toks, j, _TITLES, first):
                best = j
        elif t.text in ("-", "–", "&") and j > lo and toks[j - 1].word and toks[j + 1].word:
            pass
        elif t.text == "." and j > lo and toks[j - 1].key in ("tp", "tt"):
            pass  # "UBND TP.HCM"
        elif t.text == ")" and j - 2 >= lo and toks[j - 1].acronym and toks[j - 2].text == "(":
            j -= 3  # "… hành chính công (TTPVHCC) Đỗ Thu Trang"
            continue
        elif t.text == "," and best == j + 1 and j > lo:
            # "Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh …": take the earlier position too
            k = j - 1
            while k >= lo and toks[k].word and not _is_cue_word(toks, k) and _covered(toks, k, lo, j) \
                    and not (toks[k].cap and _starts_name(text, toks, k)):
                k -= 1
            seg = k + 1
            if seg < j and _match(toks, seg, _TITLES) and not _starts_name(text, toks, seg):
                best = seg
                j = seg - 1
                continue
            break
        else:
            break
        j -= 1
    if best is None:
        return None, first
    for q in loose:
        if q < best:
            continue
        if toks[q].key == "kiêm":
            ok = bool(_match(toks, q + 1, _TITLES))
        elif toks[q].key == "tại":
            ok = _abroad(toks, best, q)
        elif toks[q].key == "của":
            ok = bool(_match(toks, q + 1, _ORG_HEADS) or _match(toks, q + 1, _SETTLEMENTS))
        else:
            ok = _opened(toks, best, q)
        if not ok:
            return None, first
    return text[toks[best].start:toks[first - 1].end], best


_ON_BEHALF = {("thay", "mặt"), ("đại", "diện")}


def _on_behalf_of(text: str, toks: list[_Tok], opener: int) -> str | None:
    """"Thay mặt Ban Tổ chức, bà Y" / "Đại diện Cục C06 (Bộ Công an), Trung tá Y": the unit or role the
    person speaks for, written between "thay mặt"/"đại diện" (opening a sentence or a clause) and the
    comma right before the person's cue or rank (toks[opener]), is the title."""
    if opener < 2 or toks[opener - 1].text != ",":
        return None
    comma = opener - 1
    h = comma - 1
    while h >= 1 and h > comma - 30 and (toks[h].word or toks[h].text in "(),-–"):
        if (toks[h - 1].key, toks[h].key) in _ON_BEHALF:
            start = h - 1
            if start > 0 and toks[start - 1].word and toks[start - 1].key not in ("và", "cùng"):
                return None  # "… đại diện …" inside a clause, not opening the sentence or a clause
            seg = range(h + 1, comma)
            if not seg or not all(_covered(toks, c, h + 1, comma) or toks[c].key in ("về", "và", "của", "tại")
                                  if toks[c].word else True for c in seg) \
                    or not toks[h + 1].word:
                return None
            return text[toks[h + 1].start:toks[comma - 1].end]
        h -= 1
    return None


def _title_before_cue(text: str, toks: list[_Tok], first: int, cue: re.Match, window_start: int,
                      last: int = -1) -> str | None:
    """"Giám đốc Sở Nội vụ, ông Nguyễn Văn A" / "Giám đốc Sở Nội vụ (ông Nguyễn Văn A)": the title before
    the comma or the bracket that precedes the cue (toks[first:last] is the name)."""
    cue_start = window_start + cue.start()
    k = first - 1
    while k > 0 and toks[k].start > cue_start:
        k -= 1
    if k < 1 or toks[k].start != cue_start or toks[k - 1].text not in (",", "("):
        return None
    if toks[k - 1].text == "(" and not (last < len(toks) and toks[last].text == ")"):
        return None  # "Giám đốc Sở Nội vụ (ông Lò Văn Thịnh)": the person named in brackets after the title
    return _title_before(text, toks, k - 1)[0]


def _is_cue_word(toks: list[_Tok], i: int) -> bool:
    """"đồng chí", "ông" or "bà" introducing a person at toks[i]."""
    t = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None:
        return False
    if t.key == "đồng":
        return nxt.key == "chí"
    if t.key == "đ":
        return nxt.text == "/"
    if i > 0 and toks[i - 1].key in ("tỉnh", "huyện", "xã", "phường", "thị", "quận", "thành"):
        return False  # "tỉnh Bà Rịa - Vũng Tàu": a place
    return t.key in ("ông", "bà") and (nxt.cap or (nxt.text == "," and t.key == "ông"))


def _covered(toks: list[_Tok], j: int, lo: int, hi: int) -> bool:
    """May toks[j] sit inside a title? (a capitalised word, an acronym or part of a unit phrase)"""
    t = toks[j]
    if (t.cap and not t.upper) or t.acronym:
        return True
    first = _UNIT_FIRST  # _match's own first test, inlined: most words start no unit phrase
    return any(toks[s].key in first and _match(toks, s, _UNIT_WORDS, hi) > j - s for s in range(max(lo, j - 3), j + 1))


def _honorific(match: re.Match) -> str | None:
    if match.group("desc"):
        return None
    if match.group("dc"):
        return "đồng chí"
    if match.group("ong"):
        return "ông"
    if match.group("ba"):
        return "bà"
    key = re.sub(r"[\s.]", "", match.group("acad")).lower()
    return _ACAD.get(key, match.group("acad").strip())


# ---------------------------------------------------------------------------------------------
# The finder
# ---------------------------------------------------------------------------------------------

def _line_bounds(text: str, start: int, end: int, reach: int = 2000) -> tuple[int, int]:
    """The line around [start, end), looked for at most `reach` characters away."""
    lo = max(0, start - reach)
    a = text.rfind("\n", lo, start) + 1 or lo
    b = text.find("\n", end, end + reach)
    return a, (min(len(text), end + reach) if b < 0 else b)


_ABBREV_END = re.compile(r"(?<![^\W\d_])(?:P?GS|TS|ThS|Th\.S|NCS|BS|TP|Tp|KS|CN|Đ/c|đ/c|PGS\.TS|GS\.TS)\.$")


class _Sentences:
    """The document's sentence index (`Document.sentences`) with the breaks after a title
    abbreviation ("TS.", "ThS.", "TP.") undone, so that "PGS.TS. Nguyễn Văn A" stays one sentence."""

    def __init__(self, doc: Document):
        self.text = doc.text
        merged: list[list[int]] = []
        for s, e in doc.sentences.spans:
            if merged and _ABBREV_END.search(self.text[max(merged[-1][0], merged[-1][1] - 12):merged[-1][1]]) \
                    and "\n" not in self.text[merged[-1][1]:s]:
                merged[-1][1] = e
            else:
                merged.append([s, e])
        self.spans = [(s, e) for s, e in merged]
        self.starts = [s for s, _ in self.spans]

    def span(self, pos: int, reach: int = 2000) -> tuple[int, int]:
        """The sentence around offset `pos`, at most `reach` characters either side."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return max(0, pos - reach), min(len(self.text), pos + reach)
        s, e = self.spans[i]
        return max(s, pos - reach), min(max(e, pos), pos + reach)

    def evidence(self, start: int) -> str:
        """The sentence of the mention starting at `start`."""
        s, e = self.span(start)
        return self.text[s:e]


def _is_credit(text: str, start: int, end: int) -> bool:
    """A photo or source credit ("Ảnh: …", "Tin, ảnh: …", "Theo …") or a name alone on its line."""
    a, b = _line_bounds(text, start, end, 300)
    prefix = text[a:start]
    if _THEO_BEFORE.search(prefix[-12:]):
        return True
    m = None
    for m in _CREDIT.finditer(prefix):
        pass
    if m is not None and not re.search(r"\b[a-zà-ỹđ]{2,}\b(?<!\bvà)", prefix[m.end():]):
        return True
    line = text[a:b].strip(" \t.,;:()[]-–—")
    return line == text[start:end]


def _is_caption(text: str, start: int) -> bool:
    """A photo caption: a short line that does not end like a sentence."""
    a, b = _line_bounds(text, start, start, 400)
    line = text[a:b].rstrip(" \t\"”’)")
    return len(line) < 400 and not line.endswith((".", "!", "?", "…", ":", ";", "/."))


def _byline_keys(byline: str | None) -> list[str]:
    if not byline:
        return []
    return person_key(name_case(nfc(byline))).replace(",", " ").replace("-", " ").split()


def _in_byline(name: str, bkeys: list[str]) -> bool:
    words = person_key(name).split()
    n = len(words)
    return n > 0 and any(bkeys[i:i + n] == words for i in range(len(bkeys) - n + 1))


def _find_mentions(text: str, toks: list[_Tok], sentences: _Sentences) -> list[_Mention]:
    """Every candidate mention: cue-backed, title-backed and plain (the plain ones count only when
    the same person is also named with a cue or a title)."""
    out: list[_Mention] = []
    list_until = -1
    list_hon: str | None = None
    for a, b in _runs(text, toks):
        if not _match(toks, a, _PLACES, b):  # "Bà Nguyễn …", "ĐỒNG CHÍ NGUYỄN …": the cue opens the run
            if toks[a].key in ("ông", "bà") and b - a > 1:
                a += 1
            elif toks[a].key in ("anh", "chị") and b - a > 2 and _is_surname(toks[a + 1]):
                a += 1  # "Anh Nguyễn Văn Tú, người dân xã …"
            elif toks[a].key == "đồng" and b - a > 2 and toks[a + 1].key == "chí":
                a += 2
        window = text[max(0, toks[a].start - 40):toks[a].start]
        cue = _CUE.search(window) if _before_is(toks, a, _CUE_ENDS) else None
        r = _rank_before(text, toks, a)
        if cue is None and r is not None:  # "đồng chí Trung tá Vi Văn Sơn": the cue is before the rank
            window = text[max(0, toks[r].start - 40):toks[r].start]
            cue = _CUE.search(window) if _before_is(toks, r, _CUE_ENDS) else None
        if cue and cue.group("desc") and not (_is_surname(toks[a]) and b - a >= 2):
            cue = None  # after "anh", "chị", "bị cáo" … only a surname-led name ("anh Nguyễn Văn Tú")
        found = _name_in_run(text, toks, a, b, cue=bool(cue))
        if not found and not cue:
            found = _name_after_title(text, toks, a, b)
        if not found:
            continue
        i, j = found
        ranked = i > a and _match(toks, a, _RANKS, i) == i - a  # "đồng chí Đại Tá Nguyễn Văn A"
        if i != a and not ranked:
            cue = None
        if not cue and not ranked and _after_institution(text, toks, i):
            continue  # "Trường Chính trị Nguyễn Văn Cừ" is a school
        # a military or police rank right before the name is the honorific ("Đại tá Hoàng Văn Lâm")
        rank = text[toks[a].start:toks[i - 1].end] if ranked else \
            (text[toks[r].start:toks[a - 1].end] if r is not None and i == a else None)
        start, end = toks[i].start, toks[j - 1].end
        written = text[start:end]
        m = _Mention(i, j, start, end, name_case(written), written)
        before = text[max(0, start - 40):start]
        plural = _PLURAL_CUE.search(before) if _before_is(toks, i, _PLURAL_ENDS) else None
        if rank:
            m.honorific, m.strong = _tidy_title(" ".join(rank.split()).lower()), True
        elif cue:
            m.honorific, m.strong = _honorific(cue), True
        elif plural:
            list_hon = _PLURAL_HONORIFIC.get(plural.group("cue"))
            m.honorific, m.strong = list_hon, True
            list_until = max(sentences.span(start)[1], end)
        elif start < list_until:
            m.honorific, m.strong = list_hon, True
        # the title after the name ("Nguyễn Văn A, Giám đốc Sở …")
        after = None
        if j + 1 < len(toks) and toks[j].text in (",", "-", "–", "—", "("):
            after = _title_after(text, toks, j + 1)
        elif cue and j < len(toks) and toks[j].word and _adjacent(text, toks[j - 1], toks[j]):
            after = _title_after(text, toks, j)  # "Đ/c Nguyễn Văn A Phó Giám đốc Sở …" (no comma)
        # the title before it ("Giám đốc Sở Nội vụ Nguyễn Văn A"); split around the name, the part
        # before wins ("Giám đốc Sở Tài chính Hồ Thị Lan, Tổ trưởng Tổ công tác …")
        tb, p = _title_before(text, toks, i) if (not cue or rank) else (None, i)
        tb = _drop_rank(tb) if tb else None
        if tb and after and _match(toks, p, _TITLES) >= len(_title_tokens(tb)):
            tb = None  # a bare position before ("kỹ sư Ma Văn Tiến, Giám đốc Trung tâm …"): the title after
        if tb:
            m.title = tb
            m.strong = True
            cue2 = _before_is(toks, p, _CUE_ENDS) and _CUE.search(text[max(0, toks[p].start - 40):toks[p].start])
            if cue2 and not m.honorific:
                m.honorific = _honorific(cue2)
        elif after:
            m.title = after
        elif (cue or rank) and i > 0:
            if cue and not rank:
                m.title = _title_before_cue(text, toks, i, cue, window_start=max(0, toks[i].start - 40), last=j)
            if not m.title:
                opener = r if r is not None and i == a else (a if rank else None)
                if opener is None:
                    cue_start = max(0, toks[i].start - 40) + cue.start()
                    opener = next((q for q in range(i - 1, -1, -1) if toks[q].start <= cue_start), 0)
                m.title = _on_behalf_of(text, toks, opener)
        elif i > 1 and toks[i - 1].text == "(" and j < len(toks) and toks[j].text == ")":
            m.title = _drop_rank(_title_before(text, toks, i - 1)[0] or "")  # "Giám đốc Sở (Nguyễn Văn A)"
        if m.title:
            m.strong = True
        elif not m.strong:
            m.plain = not _bare_ok(text, toks, i, j)
        if j - i == 1 and not m.strong:
            continue
        out.append(m)
    return out


def _name_after_title(text: str, toks: list[_Tok], a: int, b: int) -> tuple[int, int] | None:
    """A name with no listed surname right after a title: "Thủ tướng Australia Anthony Albanese",
    "Phó Giám đốc Sở Nội vụ Lữ Minh Sinh", "Chủ tịch Hồ Chí Minh". The capitalised run toks[a:b] follows
    a position (and its unit) on the same line; a leading country or province, or the place a settlement
    word names ("huyện Tây Giang …"), is skipped; the rest, 2–4 capitalised words that are no unit,
    place or acronym, is the person."""
    if a == 0 or not toks[a - 1].word or not _adjacent(text, toks[a - 1], toks[a]):
        return None
    if toks[a - 1].key in ("vực", "vùng", "miền", "nước", "quốc", "địa", "bàn"):
        return None  # "… khu vực Tây Nguyên", "… trên địa bàn …": a region follows, not a person
    words = tuple(t.key for t in toks[a:b])
    title, p = _title_before(text, toks, a)
    if title and _match(toks, p, _TITLES, a) == a - p and words in _PLACES and len(words) >= 3 \
            and _is_surname(toks[a]) and _match(toks, p, _RANKS, a) != a - p:
        return a, b  # "Chủ tịch Hồ Chí Minh": a leader, not the city
    i = a
    n = _match(toks, a, _PLACES, b)
    if n:
        i = a + n
    elif _before_is(toks, a, _PLACE_ENDS) and _match(toks, a - 1, _SETTLEMENTS, a):
        i = a + 2  # "UBND huyện Tây Giang Bhling Mai": the district's two syllables, then the person
    foreign = [k for k in range(i, b) if not _syllable(toks[k])]
    if i == a and len(foreign) >= 2 and foreign == list(range(b - len(foreign), b)) and b - len(foreign) > a:
        i = b - len(foreign)  # "Tổng thống Mỹ Joe Biden": the romanised name after a country
    if not 2 <= b - i <= 4:
        return None
    title, p = _title_before(text, toks, i) if i != a else (title, p)
    if not title or _match(toks, p, _RANKS, i) == i - p:
        return None
    for k in range(i, b):
        t = toks[k]
        if t.acronym or (t.upper and len(t.text) > 1) or _match(toks, k, _UNIT_HEADS, b) or _match(toks, k, _TITLES, b) \
                or _match(toks, k, _PLACES, b) or _match(toks, k, _UNIT_WORDS, b):
            return None
    if tuple(t.key for t in toks[i:b]) in _NOT_NAMES:
        return None
    return i, b


def _rank_before(text: str, toks: list[_Tok], a: int) -> int | None:
    """Index of the first token of a military rank written right before toks[a] ("Trung tá"), or None."""
    for n in (2, 3):
        p = a - n
        if p >= 0 and toks[p].key in _RANK_FIRST and _match(toks, p, _RANKS, a) == n \
                and _adjacent(text, toks[a - 1], toks[a]):
            return p
    return None


_RANK_RE = re.compile(
    r"^(?:(?P<lead>(?:%s)\s*,?\s*)|.*?(?P<trail>\s*,?\s*(?:%s)))$"
    % tuple("|".join(r"\s+".join(p) for p in sorted(_RANKS, key=len, reverse=True)) for _ in range(2)),
    re.IGNORECASE)


def _drop_rank(title: str) -> str | None:
    """A title read before the name without its military rank: "Đại tá" → None, "Phó Chính ủy Bộ Chỉ
    huy Quân sự tỉnh, Thượng tá" → "Phó Chính ủy Bộ Chỉ huy Quân sự tỉnh"."""
    m = _RANK_RE.match(canonical_tones(title))
    if not m:
        return title
    if m.group("lead") is not None:
        return None
    return title[:m.start("trail")] or None


def _bare_ok(text: str, toks: list[_Tok], i: int, j: int) -> bool:
    """A name with neither cue nor title: accepted when it plainly looks like a full name
    (surname, then "Văn"/"Thị", 3–4 syllables), is not a school or a street, and not a credit."""
    if not (3 <= j - i <= 4) or toks[i + 1].key not in ("văn", "thị"):
        return False
    if not all(_syllable(t) for t in toks[i:j]):
        return False
    before = text[max(0, toks[i].start - 20):toks[i].start]
    if _PLACE_BEFORE.search(before) or _SCHOOL_BEFORE.search(before) or _after_institution(text, toks, i):
        return False
    return not (i > 0 and (toks[i - 1].acronym or (toks[i - 1].cap and _adjacent(text, toks[i - 1], toks[i]))))


@dataclass
class _Person:
    key: str
    mentions: list[_Mention] = field(default_factory=list)


def _pick_title(mentions: list[_Mention]) -> _Mention | None:
    """The mention with the fullest title of the article (most words; the first of equals), a full-name
    mention before a bare given name."""
    titled = [m for m in mentions if m.title and len(m.name.split()) >= 2] or [m for m in mentions if m.title]
    if not titled:
        return None
    return max(titled, key=lambda m: (len(_title_tokens(m.title)), -m.start))


def _title_tokens(s: str | None) -> list[str]:
    return [t for t in re.split(r"[\s,;:\-–—()]+", person_key(s or "")) if t]


def _token_f1(a: str | None, b: str | None) -> float:
    ta, tb = _title_tokens(a), _title_tokens(b)
    if not ta or not tb:
        return float(ta == tb)
    pool, common = list(tb), 0
    for t in ta:
        if t in pool:
            pool.remove(t)
            common += 1
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def _tidy_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(title.split()).strip(" ,;:-–—")
    if not title:
        return None
    if title.isupper():
        return title
    return title[0].upper() + title[1:]


def find_officials(text: Document | str, byline: str | None = None) -> list[dict]:
    """Every named person in an article body, once each, in order of first appearance.

    `text` is the article body as the shared `extract.document.Document` (a plain string is wrapped
    by `as_document`, i.e. put in NFC); spans and evidence refer to the document's NFC text.
    `byline` is the article's author line, which is not an official and is skipped where it occurs.
    Photo and source credits ("Ảnh: …", "Theo …", "Tin, ảnh: …") are skipped too.

    Each person is `{"name", "title", "honorific", "evidence", "start", "end", "mentions"}`:
    name in normal capitalisation with diacritics; title (position and unit) as written at the
    fullest mention, or None; honorific ("đồng chí", "ông", "bà", "PGS.TS", "TS.", "ThS." …) or
    None; evidence is the sentence of the fullest mention and start/end the span of the name there.
    `mentions` lists every mention with `name_as_written`, `title`, `honorific`, `evidence`,
    `start`, `end`. Never raises on odd input; returns [] when nobody is named.
    """
    if not isinstance(text, (str, Document)) or not text:
        return []
    doc = as_document(text)
    try:
        return _find(doc, byline)
    except Exception:  # noqa: BLE001 - one odd page must not break a whole extraction run
        _log.exception("find_officials failed on a %d-character text", len(doc.text))
        return []


def _find(doc: Document, byline: str | None) -> list[dict]:
    text = doc.text
    sentences = _Sentences(doc)
    toks = _tokenize(text)
    mentions = _find_mentions(text, toks, sentences)
    bkeys = _byline_keys(byline if isinstance(byline, str) else None)

    people: dict[str, _Person] = {}
    for m in mentions:
        if m.plain or (m.last - m.first) < 2:
            continue
        if not (m.honorific or m.title) and _is_credit(text, m.start, m.end):
            continue
        if _in_byline(m.name, bkeys):
            continue
        key = person_key(m.name)
        people.setdefault(key, _Person(key)).mentions.append(m)

    # plain and one-syllable mentions of people already known ("đồng chí Hoa đề nghị")
    by_given: dict[str, list[str]] = {}
    for key in people:
        by_given.setdefault(key.split()[-1], []).append(key)
    for m in mentions:
        if not m.plain and (m.last - m.first) >= 2:
            continue
        key = person_key(m.name)
        if key in people:
            people[key].mentions.append(m)
        elif len(key.split()) == 1 and len(by_given.get(key, [])) == 1 and m.honorific:
            people[by_given[key][0]].mentions.append(m)

    result = []
    for person in people.values():
        ms = sorted({id(m): m for m in person.mentions}.values(), key=lambda m: m.start)
        for m in ms:
            m.caption = _is_caption(text, m.start)
            m.evidence = sentences.evidence(m.start)
        full = [m for m in ms if len(m.name.split()) >= 2]
        best = _pick_title(ms) or (full[0] if full else ms[0])
        honorific = ms[0].honorific  # the form at the first mention, None if it has none
        result.append({
            "name": full[0].name if full else best.name,
            "title": _tidy_title(best.title),
            "honorific": honorific,
            "evidence": best.evidence,
            "start": best.start,
            "end": best.end,
            "mentions": [{
                "name_as_written": m.written,
                "title": _tidy_title(m.title),
                "honorific": m.honorific,
                "evidence": m.evidence,
                "start": m.start,
                "end": m.end,
            } for m in ms],
            "_first": ms[0].start,
        })
    result.sort(key=lambda p: p["_first"])
    for p in result:
        del p["_first"]
    return result
