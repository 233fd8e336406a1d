"""What kind of article this is: the event type, relevance to CCHC training, and the organiser's province.

Cues are matched on the folded text (no diacritics, lower case: "HỘI NGHỊ TẬP HUẤN" → "hoi nghi tap huan"),
so capitals and pages typed without some diacritics are tolerated. The province lexicon is
extract/data/provinces.txt (63 units before July 2025 plus the new unit "Huế"); Ho Chi Minh City is stored
as "Hồ Chí Minh".
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from extract.normalize import canonical_tones, fold, nfc, sentence_spans

DATA = Path(__file__).with_name("data")

# ---------------------------------------------------------------- event type

_TYPE_RULES = [  # (folded pattern, event type): tried in order inside one text window
    (r"hoi nghi(?: truc tuyen| truc tiep(?: ket hop truc tuyen)?)?(?: [\w,]+){0,6}? tap huan", "hội nghị tập huấn"),
    (r"(?:lop|khoa)(?: hoc)? (?:tap huan )?boi duong", "lớp bồi dưỡng"),
    (r"(?:lop|khoa)(?: hoc)? (?:boi duong )?tap huan", "lớp tập huấn"),
]
_TYPE_RE = [(re.compile(p), t) for p, t in _TYPE_RULES]
_BARE_TRAIN = re.compile(r"\b(tap huan|boi duong)\b")
_HOI_NGHI = re.compile(r"\bhoi nghi\b")
_OTHER_EVENT = re.compile(r"\b(hoi thao|toa dam|dien dan|khoa hoc|khoa dao tao|lop dao tao|hoi thi|cuoc thi|"
                          r"giao luu|hop bao|le (?:ky ket|cong bo|trao))\b")
_LEAD_SENTENCES = 6


def _lead(text: str, n: int = _LEAD_SENTENCES) -> list[str]:
    return [fold(sentence) for sentence in _lead_nfc(text, n)]


def _lead_nfc(text: str, n: int = _LEAD_SENTENCES) -> list[str]:
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


def event_type(title: str | None, text: str | None) -> str | None:
    """The event the article reports, as its title (else its first sentences) calls it:
    "lớp bồi dưỡng", "hội nghị tập huấn", "lớp tập huấn", "hội nghị", "other", or None when the
    article reports no event. "hội nghị trực tuyến tập huấn" → "hội nghị tập huấn"; "tập huấn" alone →
    "lớp tập huấn"; "khóa bồi dưỡng"/"bồi dưỡng" → "lớp bồi dưỡng"."""
    t = fold(title)[:1000]
    lead = _lead(text or "")
    kind = _type_in(t, bare=False)  # the title names the event: "Lớp bồi dưỡng …", "HỘI NGHỊ TẬP HUẤN …"
    if kind:
        return kind
    if _HOI_NGHI.search(t) and not _BARE_TRAIN.search(t):
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
    return None


# ---------------------------------------------------------------- relevance

_TRAIN = re.compile(r"\b(tap huan|boi duong|lop hoc|khoa hoc|khoa dao tao|lop dao tao|dao tao|"
                    r"hoi nghi huong dan|huong dan nghiep vu|nang cao nang luc|nang cao ky nang)\b")
_TRAIN_STRONG = re.compile(r"\b(tap huan|boi duong)\b")
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
                      r"yêu cầu|trong thời gian tới|thời gian tới|sắp tới|năm tới|cần tổ chức|tiếp tục tổ chức)(?!\w)",
                      re.IGNORECASE)
_REPORTED = re.compile(r"(?<!\w)(đã tổ chức|đã khai mạc|đã diễn ra|vừa tổ chức|vừa qua|đã mở)(?!\w)", re.IGNORECASE)


def _planned_only(sentence: str) -> bool:
    """A sentence that plans or promises a training rather than reporting one held."""
    return bool(_PLANNED.search(sentence)) and not _REPORTED.search(sentence)


def is_relevant(title: str | None, text: str | None) -> bool:
    """True when the article reports a training or capacity-building event (tập huấn, bồi dưỡng, lớp,
    khóa học …) on administrative reform (CCHC, thủ tục hành chính, PAR INDEX/SIPAS/PAPI, một cửa,
    dịch vụ công …). The training cue and the CCHC topic must meet in the title or in one sentence of
    the body; a CCHC meeting that is not a training, or a training on another topic, is not relevant."""
    t = fold(title)[:1000]
    lead = _lead(text or "", 12)
    t_train, t_cchc = bool(_TRAIN.search(t)), bool(_CCHC.search(t))
    t_off, t_other_event = bool(_OFF_TOPIC.search(t)), bool(_NON_TRAIN_EVENT.search(t))
    if t_train and t_cchc:
        return True
    body_hits = [s for s in lead if _TRAIN_STRONG.search(s) and _CCHC.search(s)]
    planned = {fold(s) for s in _lead_nfc(text or "", 12) if _planned_only(s)}
    organised = [s for s in body_hits if _ORGANISE.search(s) and s not in planned]
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


def _alias_pattern(alias: str) -> str:
    alias = canonical_tones(alias).lower()
    parts = [re.escape(p) for p in re.split(r"\s*-\s*|\s+", alias.strip())]
    seps = re.findall(r"\s*-\s*|\s+", alias.strip())
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += (r"\s*[-–—]\s*" if "-" in sep else r"\s+") + part
    return out


@functools.lru_cache(maxsize=1)
def _province_re() -> tuple[re.Pattern, dict]:
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


def _searchable(text: str) -> str:
    # same length as the input, so offsets stay valid
    return canonical_tones(text).lower()


def province_mentions(text: str) -> list[tuple[str, int, int]]:
    """Every province named in `text`: (name, start, end), in order."""
    text = nfc(text)
    low = _searchable(text)
    if len(low) != len(text):
        low = text.lower()
    rx, owner = _province_re()
    return [(owner[m.lastgroup], m.start(), m.end()) for m in rx.finditer(low)]


_ORGANISER = re.compile(r"(?:sở\s+nội\s+vụ|snv)\s*(?:tỉnh|thành\s+phố|tp\.?)?\s*$")
_ADMIN = re.compile(r"(?:ubnd|ủy\s+ban\s+nhân\s+dân|uỷ\s+ban\s+nhân\s+dân|hđnd|tỉnh\s+ủy|thành\s+ủy|ban\s+chỉ\s+đạo"
                    r"(?:\s+cchc|\s+cải\s+cách\s+hành\s+chính)?)\s*(?:tỉnh|thành\s+phố|tp\.?)?\s*$")
_UNIT = re.compile(r"(?:tỉnh|thành\s+phố|tp\.?)\s*$")
_NOT_ORGANISER = re.compile(r"(?:học\s+viện[\w\s]{0,40}|tư\s+tưởng|chủ\s+tịch|đoàn\s+tncs|đại\s+học[\w\s]{0,30}"
                            r"|kinh\s+nghiệm\s+(?:của|tại)\s+(?:tỉnh|thành\s+phố)?|tại)\s*$")


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


def _score_mentions(text: str, weight: float, scores: Counter) -> None:
    low = _searchable(text)
    for name, s, e in province_mentions(text):
        before = low[max(0, s - 45):s]
        if _NOT_ORGANISER.search(before):
            continue
        if _ORGANISER.search(before):
            scores[name] += 10 * weight
        elif _ADMIN.search(before):
            scores[name] += 4 * weight
        elif _UNIT.search(before):
            scores[name] += 3 * weight
        else:
            scores[name] += 1 * weight


def find_province(title: str | None, text: str | None, url: str | None = None) -> str | None:
    """Province or city of the organising body ("Vĩnh Phúc", "Hà Nội", "Hồ Chí Minh"), or None.

    "Sở Nội vụ [tỉnh] X" weighs most, then the URL host (sonoivu.vinhphuc.gov.vn), then "UBND tỉnh X",
    "tỉnh X"/"thành phố X", then bare names; the title counts double. "Học viện Chính trị quốc gia Hồ Chí
    Minh" and "Bộ Nội vụ" name no province. The site configuration normally supplies the province; this
    is the fallback."""
    scores: Counter = Counter()
    _score_mentions(nfc(title)[:1000], 2, scores)
    _score_mentions(nfc(text)[:100_000], 1, scores)
    from_url = _url_province(url)
    if from_url:
        scores[from_url] += 8
    if not scores:
        return None
    return max(scores.items(), key=lambda kv: kv[1])[0]
