"""What kind of article this is: the event type, relevance to CCHC training, and the organiser's province.

Cues are matched on the folded text (no diacritics, lower case: "HỘI NGHỊ TẬP HUẤN" → "hoi nghi tap huan"),
so capitals and pages typed without some diacritics are tolerated. The province lexicon is
extract/data/provinces.txt (63 units before July 2025 plus the new unit "Huế"); Ho Chi Minh City is stored
as "Hồ Chí Minh".
"""
from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from extract.document import Document, as_document
from extract.normalize import canonical_tones, fold, nfc, sentence_spans

DATA = Path(__file__).with_name("data")

# ---------------------------------------------------------------- event type

_TYPE_RULES = [  # (folded pattern, event type): tried in order inside one text window
    (r"hoi nghi(?: truc tuyen| truc tiep(?: ket hop truc tuyen)?)?(?: [\w,]+){0,6}? tap huan", "hội nghị tập huấn"),
    # "Hội nghị triển khai nhiệm vụ … kết hợp (với) tập huấn …"
    (r"hoi nghi\b[^.;]{0,160}?\bket hop(?: voi)? (?:tap huan|boi duong)", "hội nghị tập huấn"),
    (r"(?:lop|khoaz)(?: hoc)? (?:tap huan )?boi duong", "lớp bồi dưỡng"),
    (r"(?:lop|khoaz|buoi|dot)(?: hoc)? (?:boi duong )?tap huan", "lớp tập huấn"),
    # other training forms follow the nearest: a drill course is a class ("khóa huấn luyện")
    (r"(?:lop|khoaz|buoi|dot) huan luyen", "lớp tập huấn"),
]
_TYPE_RE = [(re.compile(p), t) for p, t in _TYPE_RULES]
_BARE_TRAIN = re.compile(r"\b(tap huan|boi duong)\b")
_HOI_NGHI = re.compile(r"\bhoi nghi\b")
_OTHER_EVENT = re.compile(r"\b(hoi thao|toa dam|dien dan|khoaz hoc|khoaz dao tao|lop dao tao|hoi thi|cuoc thi|"
                          r"giao luu|hop bao|le (?:ky ket|cong bo|trao)|doan kiem tra|kiem tra|cuoc hop|phien hop|"
                          r"dai hoi|lam viec voi)\b")
_LEAD_SENTENCES = 6
# "khóa" (a course) and "khoa" (a faculty; "Khoa học" = science) fold alike: the course is marked first.
_KHOA_COURSE = re.compile(r"(?<!\w)(kh)(?:óa|oá)(?!\w)", re.IGNORECASE)
# An organisation whose name holds a training word names no event ("Trường Bồi dưỡng cán bộ tỉnh",
# "Trung tâm Bồi dưỡng chính trị huyện").
_TRAINING_BODY = re.compile(r"(?<!\w)(?:Trường|Trung\s+tâm|Phòng|Ban|Khoa|Viện)\s+(?:Đào\s+tạo,?\s+)?(?:Bồi\s+dưỡng|Tập\s+huấn)"
                            r"(?:\s+[A-ZĐÀ-Ỹ][^\s,.;:]*|\s+(?:cán\s+bộ|chính\s+trị|nghiệp\s+vụ)){0,4}", re.IGNORECASE)
# A sentence that sums up many activities ("Thời gian qua, Sở đã tổ chức nhiều lớp bồi dưỡng, hội thảo …")
# names no one event: the article's own event is looked for after it.
_GENERAL = re.compile(r"\b(?:thoi gian qua|nhung nam qua|nhieu nam qua|tu dau nam|hang nam|hàng nam|thuong xuyen|"
                      r"giai doan \d{4}|nhieu (?:lop|hoi nghi|khoaz|hoat dong|buoi|dot)|cac (?:lop|khoaz|hoat dong|hoi nghi)|"
                      r"nhung (?:lop|khoaz|hoat dong))\b")


@functools.lru_cache(maxsize=4096)
def _fold_event(text: str | None) -> str:
    """The folded text cues are matched in: courses marked "khoaz", training bodies' names blanked.
    (Cached: event_type and is_relevant read the same lead sentences.)"""
    text = nfc(text)
    text = _TRAINING_BODY.sub(lambda m: "Đơn vị" + " " * (len(m.group(0)) - 6) if m.group(0)[:1].isupper() else m.group(0), text)
    return fold(_KHOA_COURSE.sub(r"\1oaz", text))


def _lead(text: str, n: int = _LEAD_SENTENCES) -> list[str]:
    return [_fold_event(sentence) for sentence in _lead_nfc(text, n)]


def _lead_nfc(text: "str | Document", n: int = _LEAD_SENTENCES) -> list[str]:
    if isinstance(text, Document):
        body = text.text
        return [body[s:e] for s, e in text.sentences.spans[:n]]
    text = nfc(text)[:6000]
    return [text[s:e] for s, e in sentence_spans(text)[:n]]


def _type_in(window: str, bare: bool) -> str | None:
    best = None
    for rx, kind in _TYPE_RE:
        m = rx.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    if best:
        return best[1]
    if bare:
        m = _BARE_TRAIN.search(window)
        if m:
            if _HOI_NGHI.search(window):
                return "hội nghị tập huấn"
            return "lớp tập huấn" if m.group(1) == "tap huan" else "lớp bồi dưỡng"
    return None


# A sentence that reports a conference being held ("Sở Nội vụ tổ chức Hội nghị công bố quyết định …") names
# the article's own event, also when it is no training.
_HELD_MEETING = re.compile(r"\b(?:to chuc|khai mac|dien ra)\b.{0,40}?\bhoi nghi\b")


def _own_event_sentences(lead: list[str]) -> list[str]:
    """The lead without the sentences that sum up many activities, when a later sentence names an event."""
    specific = [s for s in lead if not _GENERAL.search(s)]
    if len(specific) < len(lead) and any(_type_in(s, bare=False) or _HELD_MEETING.search(s) for s in specific):
        return specific
    return lead


# Words that make a sentence plan, recommend or promise an event rather than report one (matched on NFC text:
# folding would confuse "sẽ" with "sẻ").
_PLANNED_EVENT = re.compile(r"(?<!\w)(?:sẽ|dự kiến|kế hoạch giao|giao cho|phấn đấu|đề nghị|đề xuất|yêu cầu|"
                            r"thời gian tới|sắp tới|năm tới|giai đoạn tới|cần tổ chức|tiếp tục tổ chức)(?!\w)",
                            re.IGNORECASE)


# letters only Vietnamese writes (đ, ơ, ư, ă and the toned vowels of U+1EA0–U+1EF9): never produced by
# English text or by bytes read as Latin-1
_VIETNAMESE_LETTER = re.compile(r"[đĐơƠưƯăĂ\u1ea0-\u1ef9]")


def _planned_event_sentences(text: "str | Document") -> frozenset:
    """The folded lead sentences that only plan or recommend an event (none reported held in them)."""
    return frozenset(_fold_event(s) for s in _lead_nfc(text)
                     if _PLANNED_EVENT.search(s) and not _REPORTED.search(s))


def event_type(title: str | None, text: "str | Document | None") -> str | None:
    """The event the article reports, as its title (else its first sentences) calls it:
    "lớp bồi dưỡng", "hội nghị tập huấn", "lớp tập huấn", "hội nghị", "other" (also for an article
    that reports no event), or None for a text that is no Vietnamese article.
    "hội nghị trực tuyến tập huấn" → "hội nghị tập huấn"; "tập huấn" alone →
    "lớp tập huấn"; "khóa bồi dưỡng"/"bồi dưỡng" → "lớp bồi dưỡng"."""
    t = _fold_event(title)[:1000]
    # a training only recommended or planned ("Đoàn đề nghị huyện tổ chức tập huấn trong quý IV") is not the
    # article's event
    planned = _planned_event_sentences(text or "")  # once, not once per lead sentence
    lead = [s for s in _own_event_sentences(_lead(text or "")) if s not in planned]
    kind = _type_in(t, bare=False)  # the title names the event: "Lớp bồi dưỡng …", "HỘI NGHỊ TẬP HUẤN …"
    if kind:
        return kind
    if _HOI_NGHI.search(t) and not _BARE_TRAIN.search(t):
        # "Hội nghị quán triệt …" whose lead says "… kết hợp (với) tập huấn": a training conference
        if any(_type_in(sent, bare=False) == "hội nghị tập huấn" and _HOI_NGHI.search(sent) for sent in lead[:2]):
            return "hội nghị tập huấn"
        return "hội nghị"  # "Hội nghị triển khai nhiệm vụ …", whatever trainings the body lists
    for sent in lead:  # then the lead names it ("tổ chức 2 lớp tập huấn") …
        kind = _type_in(sent, bare=False)
        if kind:
            return kind
    kind = _type_in(t, bare=True)  # … before bare verbs ("Tập huấn nghiệp vụ …", "bồi dưỡng")
    if kind:
        return kind
    for sent in lead[:3]:
        if re.search(r"\b(to chuc|khai mac|khai giang|mo|dien ra)\b", sent):
            kind = _type_in(sent, bare=True)
            if kind:
                return kind
    for window in [t] + lead[:3]:
        if _HOI_NGHI.search(window):
            return "hội nghị"
    for window in [t] + lead[:3]:
        if _OTHER_EVENT.search(window):
            return "other"
    # an article that names no event (a notice, a results list, a plan) is "other" (conventions.md: everything
    # else → other); text that is no Vietnamese article at all has no event type
    if len(_VIETNAMESE_LETTER.findall(nfc(title or "") + " " + " ".join(_lead_nfc(text or "", 2)))) >= 3:
        return "other"
    return None


TRAINING_TYPES = frozenset(("lớp bồi dưỡng", "lớp tập huấn", "hội nghị tập huấn"))


def reports_training(relevant: bool, kind: str | None) -> bool:
    """Whether the article reports a training event, so that it has event dates, learners and venues: a
    relevant article, or one whose event is a training form (a course or a training conference, on any
    subject). A plain conference (sơ kết, công bố chỉ số, giao ban), an inspection, a ceremony, a contest or
    a notice (`hội nghị`, `other` or no event) is no training."""
    return bool(relevant) or kind in TRAINING_TYPES


# ---------------------------------------------------------------- relevance

_TRAIN = re.compile(r"\b(tap huan|boi duong|huan luyen|lop hoc|khoaz hoc|khoaz dao tao|lop dao tao|dao tao|"
                    r"hoi nghi huong dan|huong dan nghiep vu|nang cao nang luc|nang cao ky nang)\b")
_TRAIN_STRONG = re.compile(r"\b(tap huan|boi duong|(?:lop|khoaz) huan luyen)\b")
_CCHC = re.compile(r"\b(cai cach hanh chinh|cchc|thu tuc hanh chinh|tthc|par ?index|sipas|papi|"
                   r"chi so hai long|chi so cai cach|mot cua|dich vu cong|chinh quyen dien tu|chinh quyen so|"
                   r"hanh chinh cong|hien dai hoa (?:nen )?hanh chinh|cai cach (?:the che|to chuc bo may|"
                   r"tai chinh cong)|kiem soat thu tuc)\b")
_OFF_TOPIC = re.compile(r"\b(quoc phong|an ninh|thi dua|khen thuong|van thu|luu tru|ton giao|tin nguong|dan van|"
                        r"phong chay|chua chay|phong chong tham nhung|tuyen dung|thi tuyen|xet tuyen|bo nhiem|"
                        r"nang ngach|thanh nien|binh dang gioi|ly luan chinh tri|phap luat ve|an toan thuc pham|"
                        r"chuyen doi so(?! .{0,30}(?:cai cach|cchc))|bau cu|hoi nghi dai bieu)\b")
_NON_TRAIN_EVENT = re.compile(r"\b(tong ket|so ket|cong bo|kiem tra|giao ban|hop ban chi dao|trien khai nhiem vu|"
                              r"doi thoai|khen thuong|ky niem|tiep xuc|phat dong|ra mat)\b")
_ORGANISE = re.compile(r"\b(to chuc|khai mac|khai giang|mo|dien ra|tham gia|tham du|phoi hop|bat dau)\b")
# A training that is only planned or promised ("Sở Nội vụ sẽ tham mưu tổ chức các lớp tập huấn",
# "Kế hoạch giao Sở Nội vụ chủ trì tổ chức 04 lớp") is not reported. Matched on NFC text, because
# folding would confuse "sẽ" (will) with "sẻ" (chia sẻ).
_PLANNED = re.compile(r"(?<!\w)(sẽ|dự kiến|kế hoạch giao|giao cho|giao sở|phấn đấu|chuẩn bị|đề nghị|đề xuất|"
                      r"yêu cầu|trong thời gian tới|thời gian tới|sắp tới|năm tới|giai đoạn tới|cần tổ chức|tiếp tục tổ chức|"
                      r"kinh phí|để tổ chức|dành)(?!\w)",
                      re.IGNORECASE)
_REPORTED = re.compile(r"(?<!\w)(đã tổ chức|đã khai mạc|đã diễn ra|vừa tổ chức|vừa qua|đã mở)(?!\w)", re.IGNORECASE)


def _planned_only(sentence: str) -> bool:
    """A sentence that plans or promises a training rather than reporting one held."""
    return bool(_PLANNED.search(sentence)) and not _REPORTED.search(sentence)


# A headline that only promises courses or money for them ("Sẽ mở 10 lớp …", "Dành 2 tỷ đồng cho các khóa
# tập huấn …"): relevant only when the body reports a training held.
_PROMISE = re.compile(r"(?<!\w)(?:sẽ|dự kiến|kế hoạch|kinh phí|tỷ đồng|triệu đồng|dành|phân bổ|chỉ tiêu|phấn đấu)(?!\w)",
                      re.IGNORECASE)


# A legal text (a circular, decree, decision issued) is no training, whatever trainings it provides for:
# "Bộ Nội vụ ban hành Thông tư hướng dẫn bồi dưỡng …", "Văn phòng Chính phủ vừa ban hành Thông tư số …".
_LEGAL_TEXT = re.compile(r"(?<!\w)(?:vừa\s+)?(?:ký\s+)?ban\s+hành\s+(?:các\s+)?(?:Thông\s+tư|Nghị\s+định|Nghị\s+quyết|Luật"
                         r"|Chỉ\s+thị|Quyết\s+định|Quy\s+định|Đề\s+án|Chương\s+trình|Kế\s+hoạch|Hướng\s+dẫn|Công\s+văn)(?!\w)",
                         re.IGNORECASE)


_CITED_BEFORE = re.compile(r"\d+[a-z]?/[A-ZĐ]|(?:Thực\s+hiện|Căn\s+cứ|Theo)\s", re.IGNORECASE)


def _is_legal_text(title: str, first: str) -> bool:
    """The article reports a legal text being issued (the act of the title, or "vừa/đã ban hành …" in the
    first sentence), not a document cited on the way ("Thực hiện Quyết định số … ban hành Kế hoạch …")."""
    for m in _LEGAL_TEXT.finditer(title):
        if not _CITED_BEFORE.search(title[max(0, m.start() - 80):m.start()]):
            return True
    return any(re.match(r"(?:vừa|đã)\s", m.group(0), re.IGNORECASE) for m in _LEGAL_TEXT.finditer(first))


def is_relevant(title: str | None, text: "str | Document | None") -> bool:
    """True when the article reports a training or capacity-building event (tập huấn, bồi dưỡng, lớp,
    khóa học …) on administrative reform (CCHC, thủ tục hành chính, PAR INDEX/SIPAS/PAPI, một cửa,
    dịch vụ công …). The training cue and the CCHC topic must meet in the title or in one sentence of
    the body; a CCHC meeting that is not a training, or a training on another topic, is not relevant."""
    t = _fold_event(title)[:1000]
    lead = _lead(text or "", 12)
    first = _lead_nfc(text or "", 1)
    if _is_legal_text(nfc(title), first[0][:300] if first else ""):
        return False
    t_train, t_cchc = bool(_TRAIN.search(t)), bool(_CCHC.search(t))
    t_off, t_other_event = bool(_OFF_TOPIC.search(t)), bool(_NON_TRAIN_EVENT.search(t))
    if t_train and t_cchc and not _PROMISE.search(nfc(title)):
        return True
    body_hits = [s for s in lead if _TRAIN_STRONG.search(s) and _CCHC.search(s)]
    planned = {_fold_event(s) for s in _lead_nfc(text or "", 12) if _planned_only(s)}
    organised = [s for s in body_hits if _ORGANISE.search(s) and s not in planned]
    if t_train and _PROMISE.search(nfc(title)) and not _REPORTED.search(nfc(title)):
        return bool(organised)
    if t_train:
        if t_off:
            return False
        return bool(body_hits[:1] and any(s in lead[:4] for s in body_hits))
    if t_other_event or t_off:
        return False  # "Hội nghị sơ kết CCHC", "giao ban": a report of past trainings is not a training
    if organised and (t_cchc or any(_CCHC.search(s) for s in lead[:3])):
        return True
    return False


# ---------------------------------------------------------------- province

@functools.lru_cache(maxsize=1)
def load_provinces() -> list[dict]:
    """The province lexicon: [{"name", "code", "era", "aliases": [...], "strict": [...], "keys": [...]}].
    `strict` aliases count only after "thành phố"/"TP"; `keys` are ASCII forms for URL hosts."""
    units = []
    for line in (DATA / "provinces.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, code, era, aliases = (line.split("|") + ["", "", ""])[:4]
        names = [name] + [a for a in aliases.split(";") if a]
        strict = [a[1:] for a in names if a.startswith("!")]
        plain = [a for a in names if not a.startswith("!") and a not in strict]
        keys = {re.sub(r"[^a-z0-9]", "", fold(a)) for a in names}
        units.append({"name": name, "code": code, "era": era, "aliases": plain, "strict": strict,
                      "keys": sorted(k for k in keys if len(k) >= 3)})
    return units


def _alias_pattern(alias: str, cased: bool = False) -> str:
    """A pattern for a name: lower case with flexible blanks and hyphens; `cased` keeps each word's written
    first letter and lets the rest of it be in any case ("Vĩnh Long", "VĨNH LONG", never "vĩnh long")."""
    alias = canonical_tones(alias).strip()
    out = []
    for token in re.split(r"(\s*-\s*|\s+)", alias):
        if not token:
            continue
        if token.isspace():
            out.append(r"\s+")
        elif "-" in token and not token.strip("- "):
            out.append(r"\s*[-–—]\s*")
        elif cased:
            head, rest = token[0], token[1:]
            out.append(re.escape(head) + (f"(?i:{re.escape(rest)})" if rest else ""))
        else:
            out.append(re.escape(token.lower()))
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _province_re() -> tuple[re.Pattern, dict]:
    """One pattern for every province name, matched on the lower-cased text (fast); the case of a match
    is checked on the text as written (`_capitalised`)."""
    groups, owner = [], {}
    for i, u in enumerate(load_provinces()):
        alts = [_alias_pattern(a) for a in u["aliases"] if not re.fullmatch(r"[a-z\-]+", a)]
        alts += [r"(?:thành\s+phố|tp\.?)\s*" + _alias_pattern(a) for a in u["strict"]]
        if not alts:
            continue
        groups.append(f"(?P<p{i}>{'|'.join(sorted(alts, key=len, reverse=True))})")
        owner[f"p{i}"] = u["name"]
    rx = re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)")
    return rx, owner


@functools.lru_cache(maxsize=1)
def _province_dispatch() -> tuple[re.Pattern, dict[str, re.Pattern]]:
    """`_province_re` split by the first letter of its names: (a pattern finding the places a name can
    start, {letter: the pattern holding only the names starting with it}). Each part keeps the group
    names and the order of the alternatives, so at a given place it matches what the whole pattern
    matches; trying ~10 names there instead of ~150 at every character is what makes it fast."""
    by_first: dict[str, dict[int, list[str]]] = {}
    for i, u in enumerate(load_provinces()):
        alts = [(canonical_tones(a).strip().lower()[:1], _alias_pattern(a))
                for a in u["aliases"] if not re.fullmatch(r"[a-z\-]+", a)]
        alts += [("t", r"(?:thành\s+phố|tp\.?)\s*" + _alias_pattern(a)) for a in u["strict"]]
        for first, pattern in sorted(alts, key=lambda fp: len(fp[1]), reverse=True):
            by_first.setdefault(first, {}).setdefault(i, []).append(pattern)
    parts = {first: re.compile(r"(?<!\w)(?:" + "|".join(f"(?P<p{i}>{'|'.join(alts)})" for i, alts in groups.items())
                               + r")(?!\w)") for first, groups in by_first.items()}
    starts = re.compile(r"(?<!\w)[" + re.escape("".join(sorted(parts))) + "]")
    return starts, parts


def _province_matches(low: str) -> list[re.Match]:
    """`_province_re().finditer(low)`, the same matches found through `_province_dispatch`."""
    starts, parts = _province_dispatch()
    out, pos, search = [], 0, starts.search
    while True:
        c = search(low, pos)
        if c is None:
            return out
        m = parts[c.group()].match(low, c.start())
        if m:
            out.append(m)
            pos = m.end()
        else:
            pos = c.start() + 1


_CITY_PREFIX = re.compile(r"(?:thành\s+phố|tp\.?)\s*", re.IGNORECASE)
_NAME_WORD = re.compile(r"[^\W\d_]+")


def _capitalised(name: str) -> bool:
    """Every word of a matched name starts with a capital ("Thái Bình", "THÁI BÌNH"; not "thái bình")."""
    name = _CITY_PREFIX.sub("", name, count=1) if _CITY_PREFIX.match(name) else name
    return all(w[0].isupper() for w in _NAME_WORD.findall(name))


def _searchable(text: str) -> str:
    # same length as the input, so offsets stay valid
    return canonical_tones(text).lower()


@functools.lru_cache(maxsize=1)
def _name_words() -> frozenset:
    """Surnames and common middle names: a province name right after one is part of a person's name
    ("Thứ trưởng Nguyễn Vĩnh Long", "bà Trần Thị Hà Giang")."""
    from extract.officials import SURNAMES

    middles = "văn thị hữu đức công quang xuân thanh ngọc minh kim đình duy bá trọng"
    return frozenset(SURNAMES.split()) | frozenset(middles.split())


_WORD_BEFORE = re.compile(r"(?<!\w)([^\W\d_]+)\s+$")


def province_mentions(text: str) -> list[tuple[str, int, int]]:
    """Every province named in `text`: (name, start, end), in order. Case-sensitive (a capitalised
    name); a name inside a person's name ("Nguyễn Vĩnh Long") is not a mention."""
    return list(_province_mentions(nfc(text)))


@functools.lru_cache(maxsize=1024)
def _province_mentions(text: str) -> tuple:
    # cached: the province finder and the rankings read the same title, body and windows more than once
    canon = canonical_tones(text)
    if len(canon) != len(text):
        canon = text
    low = canon.lower()
    if len(low) != len(canon):
        low = canon
    owner = _province_re()[1]
    out = []
    for m in _province_matches(low):
        if not _capitalised(canon[m.start():m.end()]):
            continue  # "nền thái bình": a common noun
        before = _WORD_BEFORE.search(canon, max(0, m.start() - 12), m.start())
        if before and before.group(1)[0].isupper() and before.group(1).lower() in _name_words():
            continue
        out.append((owner[m.lastgroup], m.start(), m.end()))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _districts() -> tuple[re.Pattern, dict]:
    """The district gazetteer (extract/data/districts.txt): a pattern of "huyện/quận/thị xã/thành phố
    <Name>" for names that belong to exactly one province, and name -> province."""
    owners: dict[str, set] = {}
    for line in (DATA / "districts.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        _kind, name, province, _code = line.split("|")
        owners.setdefault(canonical_tones(name), set()).add(province)
    unique = {n: next(iter(p)) for n, p in owners.items() if len(p) == 1}
    alts = "|".join(_alias_pattern(n, cased=True) for n in sorted(unique, key=len, reverse=True))
    rx = re.compile(r"(?<!\w)(?i:huyện|quận|thị\s+xã|thành\s+phố|TP\.?|TX\.?)\s*(?P<name>" + alts + r")(?!\w)")
    return rx, {n.lower(): p for n, p in unique.items()}


def district_mentions(text: str) -> list[tuple[str, int, int]]:
    """Provinces inferred from districts named in `text` ("UBND huyện Cái Bè" → Tiền Giang): (province,
    start, end) for district names that belong to exactly one province."""
    canon = canonical_tones(nfc(text))
    rx, owner = _districts()
    return [(owner[m.group("name").lower()], m.start(), m.end()) for m in rx.finditer(canon)
            if m.group("name").lower() in owner]


_ORGANISER = re.compile(r"(?:sở\s+nội\s+vụ|snv)\s*(?:tỉnh|thành\s+phố|tp\.?)?\s*$")
_ADMIN = re.compile(r"(?:ubnd|ủy\s+ban\s+nhân\s+dân|uỷ\s+ban\s+nhân\s+dân|hđnd|tỉnh\s+ủy|thành\s+ủy|ban\s+chỉ\s+đạo"
                    r"(?:\s+cchc|\s+cải\s+cách\s+hành\s+chính)?|sở\s+[^\W\d_]+(?:\s+[^\W\d_]+){0,4}|điểm\s+cầu)"
                    r"\s*(?:tỉnh|thành\s+phố|tp\.?)?\s*$")
_UNIT = re.compile(r"(?:tỉnh|thành\s+phố|tp\.?)\s*$")
_NOT_ORGANISER = re.compile(r"(?:học\s+viện[\w\s]{0,40}|tư\s+tưởng|chủ\s+tịch|đoàn\s+tncs|đại\s+học[\w\s]{0,30}"
                            r"|kinh\s+nghiệm\s+(?:của|tại)\s+(?:tỉnh|thành\s+phố)?|tại)\s*$")
# A national body that organises or announces ("Bộ Tư pháp tổ chức …", "Văn phòng Chính phủ phối hợp …",
# "Bộ Nội vụ công bố Chỉ số …"): the article has no province unless one of its bodies takes part.
_NATIONAL = re.compile(
    r"(?<!\w)(?:Bộ\s+(?:trưởng\s+)?[A-ZĐ][^\s,.;:]*(?:\s+[^\s,.;:]+){0,6}?|Chính\s+phủ|Văn\s+phòng\s+Chính\s+phủ"
    r"|Thủ\s+tướng(?:\s+Chính\s+phủ)?|Học\s+viện\s+[^,.;]{0,60}?|Ban\s+Chỉ\s+đạo\s+[^,.;]{0,40}?Chính\s+phủ"
    r"|Cục\s+[A-ZĐ][^\s,.;:]*(?:\s+[^\s,.;:]+){0,5}?)"
    r"\s+(?:đã\s+|vừa\s+|sẽ\s+)?(?:tổ\s+chức|mở|khai\s+mạc|khai\s+giảng|phối\s+hợp|công\s+bố|chủ\s+trì)(?!\w)")
_STRONG_WEIGHT = 4
_LOCAL_UNIT = re.compile(r"(?<!\w)(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường)(?!\w)", re.IGNORECASE)


def _national_organiser(lead: str) -> bool:
    """A national body organises or announces in `lead` — not a provincial body with a national-looking
    head word ("Cục Thuế tỉnh …", "Bộ Chỉ huy Quân sự tỉnh …")."""
    for m in itertools.islice(_NATIONAL.finditer(lead), 20):
        name = m.group(0)
        if not _LOCAL_UNIT.search(name) and not province_mentions(name):
            return True
    return False


def _url_province(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return None
    labels = [re.sub(r"^(?:sonoivu|snv|sonv|noivu)(?=[a-z]{4,})", "", lab) for lab in host.lower().split(".")]
    for u in load_provinces():
        if any(k in labels for k in u["keys"]):
            return u["name"]
    return None


# A body named inside a person's title ("ông A, Giám đốc Sở Nội vụ tỉnh X, cho biết") is that person's, not
# the organiser: it weighs as a plain "tỉnh X".
_PERSON_TITLE_BEFORE = re.compile(r"(?:giám\s+đốc|trưởng\s+phòng|chánh\s+văn\s+phòng|lãnh\s+đạo|chủ\s+tịch|bí\s+thư"
                                  r"|chuyên\s+viên|công\s+chức|đại\s+diện)\s+(?:sở|ubnd|ủy|uỷ|văn|phòng|[^\W\d_]+\s+){0,6}")


def _score_mentions(text: str, weight: float, scores: Counter, strong: set, units: set | None = None) -> None:
    low = _searchable(text)
    for name, s, e in province_mentions(text):
        before = low[max(0, s - 45):s]
        if _NOT_ORGANISER.search(before):
            continue
        organiser, admin = _ORGANISER.search(before), _ADMIN.search(before)
        if (organiser or admin) and _PERSON_TITLE_BEFORE.search(low, max(0, s - 70), s):
            organiser = admin = None
            scores[name] += 3 * weight
        elif organiser:
            scores[name] += 10 * weight
            strong.add(name)
        elif admin:
            scores[name] += _STRONG_WEIGHT * weight
            strong.add(name)
        elif _UNIT.search(before):
            scores[name] += 3 * weight
        else:
            scores[name] += 1 * weight
            continue
        if units is not None:
            units.add(name)
    for name, s, e in district_mentions(text):
        before = low[max(0, s - 45):s]
        admin = bool(_ADMIN.search(before) or re.search(r"phòng\s+nội\s+vụ\s*$", before))
        scores[name] += (_STRONG_WEIGHT if admin else 2) * weight
        if admin:
            strong.add(name)


def find_province(title: str | None, text: "str | Document | None", url: str | None = None) -> str | None:
    """Province or city of the organising body ("Vĩnh Phúc", "Hà Nội", "Hồ Chí Minh"), or None.

    "Sở Nội vụ [tỉnh] X" weighs most, then the URL host (sonoivu.vinhphuc.gov.vn), then "UBND tỉnh X"
    (also another Sở of X, a bridge point of X, a district of X through the gazetteer), "tỉnh X"/"thành
    phố X", then bare names; the title counts double. None when a national body organises or announces
    and no body of a province takes part, and for a round-up of several provinces that centres on none.
    "Học viện Chính trị quốc gia Hồ Chí Minh" and "Bộ Nội vụ" name no province. The site configuration
    normally supplies the province; this is the fallback."""
    doc = as_document(text if text is not None else "")
    body = doc.text
    scores: Counter = Counter()
    strong: set = set()
    title_nfc = nfc(title)[:1000]
    _score_mentions(title_nfc, 2, scores, strong)
    in_title = set(scores)
    units: set = set()
    _score_mentions(body[:100_000], 1, scores, strong, units)
    from_url = _url_province(url)
    if from_url:
        scores[from_url] += 8
        strong.add(from_url)
    if not scores:
        return None
    ranked = scores.most_common()
    best, top = ranked[0]
    lead_nfc = "\n".join(_lead_nfc(doc, 3))
    lead_strong: set = set()
    _score_mentions(title_nfc + "\n" + lead_nfc, 1, Counter(), lead_strong)
    if from_url:
        lead_strong.add(from_url)
    if _national_organiser(title_nfc + "\n" + lead_nfc):
        # a national organiser or announcer: a province only when one of its bodies takes part in the lead
        # ("Tại điểm cầu tỉnh Sơn La …"); provinces named later are venues, participants or rankings
        if best in lead_strong or (in_title == {best} and best in units):
            return best  # …or the article is about that province's own result
        return None
    if best in lead_strong:
        return best
    named = Counter(name for part in (title_nfc, body[:100_000]) for name, _, _ in province_mentions(part))
    share = named[best] / max(1, sum(named.values()))
    if len(named) >= 3 and share < 0.5:
        return None  # a round-up of several provinces (or a ranking table) that centres on none
    if best in strong or in_title == {best}:
        return best  # a body of the province takes part, or the article is about that province
    return best
