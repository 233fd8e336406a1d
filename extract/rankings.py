"""Official rankings quoted in an article: PAR INDEX (Chỉ số CCHC), SIPAS, PAPI, PCI.

A ranking needs an index name AND a rank in the same sentence ("chỉ số CCHC năm 2017 đứng thứ 2/63");
a bare mention ("cải thiện Chỉ số SIPAS", "Phân tích Chỉ số PAPI") is not a ranking. A change
("tăng 4 bậc") belongs to the rank of its own clause: it is looked for after the rank and before the next
rank.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re

from extract.classify import DATA, canonical_tones, province_mentions
from extract.dates import MAX_CANDIDATES, MAX_TEXT
from extract.normalize import SentenceIndex, nfc, parse_number

_MAX_TEXT = MAX_TEXT

_INDEX_RE = re.compile(
    r"(?P<par>chỉ\s+số\s+(?:cải\s+cách\s+hành\s+chính|CCHC)|PAR[\s\-]*INDEX)"
    r"|(?P<sipas>SIPAS|chỉ\s+số\s+(?:đo\s+lường\s+)?(?:sự\s+)?hài\s+lòng)"
    r"|(?P<papi>PAPI|chỉ\s+số\s+hiệu\s+quả\s+quản\s+trị\s+và\s+hành\s+chính\s+công)"
    r"|(?P<pci>(?<![A-Za-z])PCI(?![A-Za-z])|chỉ\s+số\s+năng\s+lực\s+cạnh\s+tranh)"
    r"|(?P<other>DDCI|(?<![A-Za-z])DTI(?![A-Za-z])|chỉ\s+số\s+chuyển\s+đổi\s+số|ICT\s*Index"
    r"|chỉ\s+số\s+(?:sẵn\s+sàng|ứng\s+dụng)[\w\s]{0,30}?(?:CNTT|công\s+nghệ\s+thông\s+tin))",
    re.IGNORECASE,
)
_INDEX_NAME = {"par": "PAR INDEX", "sipas": "SIPAS", "papi": "PAPI", "pci": "PCI", "other": "other"}

_RANK_RE = re.compile(
    r"(?<!\w)(?:(?P<word>thứ|vị\s+trí(?:\s+thứ|\s+số)?|(?:thứ\s+)?hạng(?:\s+thứ)?|top)\s*(?P<rank>\d{1,3})"
    r"|(?P<verb>xếp|đứng|đạt|giữ|ở|lên|xuống)\s+(?P<rank2>\d{1,3})(?=\s*/\s*\d))"
    r"(?:\s*/\s*(?P<total>\d{1,3})|\s+(?:trên|trong\s+(?:tổng\s+)?số)\s+(?P<total2>\d{1,3}))?(?![\d,.]\d|\w)"
    r"|(?P<first>(?:xếp|đứng)\s+(?:vị\s+trí\s+)?(?:thứ\s+)?nhất|(?:dẫn|đứng)\s+đầu\s+(?:cả\s+nước|toàn\s+quốc))",
    re.IGNORECASE,
)
_RANK_VERB_BEFORE = re.compile(r"(?:xếp|đứng|giữ|vị\s+trí|hạng|vươn\s+lên|tụt|lên|xuống|đạt|ở)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_NOT_RANK_BEFORE = re.compile(r"(?:lần|khóa|khoá|kỳ|kì|đợt|phiên|lớp|ngày|năm)\s*$", re.IGNORECASE)
_CHANGE_RE = re.compile(r"(?P<dir>tăng|giảm|tụt|thăng|vượt|lên|xuống|sụt)\s+(?P<n>\d{1,2})\s+(?:bậc|hạng|vị\s+trí|bực)",
                        re.IGNORECASE)
_YEAR_RE = re.compile(r"(?P<pre>so\s+với\s+(?:năm\s+)?|giai\s+đoạn\s+|đến\s+(?:năm\s+)?|[-–]\s*)?"
                      r"(?:năm\s+)?(?<!\d)(?P<y>20[0-4]\d|19\d\d)(?![\d/])", re.IGNORECASE)
_SCORE_RE = re.compile(r"(?:đạt|với|là|\()\s*(?P<v>\d{1,3}(?:,\d{1,4})?)\s*(?:%|điểm)", re.IGNORECASE)
_GROUP_BEFORE = re.compile(r"nhóm|(?<!\w)top(?!\w)|tốp|một\s+trong\s+(?:những|các|số|nhiều)?", re.IGNORECASE)
# A sentence without an index name may still quote a rank of the index just discussed, for another
# province ("trong khi đó tỉnh Đồng Tháp tiếp tục giữ vị trí thứ 2/63"); not when it ranks a measure.
_MEASURE = re.compile(r"tỷ\s+lệ|tỉ\s+lệ|số\s+lượng|số\s+hồ\s+sơ|mức\s+độ|(?<!\w)về\s", re.IGNORECASE)
_PREV_YEAR = re.compile(r"(?<!những )(?<!các )năm\s+(?:trước|qua|vừa\s+qua|ngoái)", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _ministry_re() -> re.Pattern:
    names = [ln.strip() for ln in (DATA / "ministries.txt").read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    alts = [r"\s+".join(re.escape(w) for w in canonical_tones(n).split()) for n in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def _year(text: str, idx: re.Match, rank: re.Match, sent: tuple[int, int], prev_rank_end: int) -> int | None:
    """The year written with a ranking: between the index name and the rank, just after the index
    name, earlier in the sentence, or just after the rank; "so với năm 2017" is the comparison year."""
    lo = min(idx.start(), rank.start())
    windows = [(max(idx.end(), prev_rank_end), rank.start()) if idx.start() < rank.start() else (rank.end(), idx.end() + 20),
               (idx.end(), min(sent[1], idx.end() + 20)),
               (sent[0], lo),
               (rank.end(), min(sent[1], rank.end() + 30))]
    for a, b in windows:
        if b <= a:
            continue
        years = [m for m in _YEAR_RE.finditer(text, a, b) if not m.group("pre")]
        if years:
            return int((years[0] if (a, b) in windows[1::2] else years[-1]).group("y"))
    return None


def _subject(text: str, sent: tuple[int, int], anchor: int, rank: re.Match, province: str | None,
             clause_start: int = -1) -> str | None:
    """Who is ranked: a ministry (totals under 30, "… bộ, cơ quan ngang bộ"), else the province named
    in the rank's own clause (after the previous rank: "tỉnh A xếp thứ 15/63, tỉnh B xếp thứ 52/63"),
    else the one nearest before the index name, else `province`. Names are kept as written (a
    pre-merger province stays itself)."""
    total = rank.group("total") or rank.group("total2")
    window = text[sent[0]:sent[1]]
    if total and int(total) < 30 or re.search(r"\d\s+(?:bộ|cơ\s+quan\s+ngang\s+bộ)", window, re.IGNORECASE):
        ms = list(_ministry_re().finditer(canonical_tones(window)))
        if ms:
            best = min(ms, key=lambda m: abs(sent[0] + m.start() - anchor))
            return re.sub(r"\s+", " ", window[best.start():best.end()])
    found = province_mentions(window)
    district = None if total and int(total) in (34, 61, 63, 64) else \
        _district(text, max(sent[0], clause_start), rank.start(), found, sent[0])
    if district:
        return district
    if found:
        lo = max(sent[0], clause_start)
        own = [p for p in found if lo <= sent[0] + p[1] and sent[0] + p[2] <= rank.start()]
        if own:
            return own[-1][0]
        before = [p for p in found if sent[0] + p[1] <= anchor]
        pick = before[-1] if before else found[0]
        return pick[0]
    return province


# A district, town or city of a province named right before its rank ("huyện Phú Vang xếp thứ 3/9",
# "thị xã Hương Thủy đứng thứ 2/9"): the subject is the place name without the settlement word.
_DISTRICT_RE = re.compile(r"(?<!\w)(?:huyện|quận|thị\s+xã|thành\s+phố|TP\.?)\s*"
                          r"(?P<name>[^\W\d_][^\W\d_]*(?:[ \t]+[^\W\d_]+){0,3})", re.IGNORECASE)
_DISTRICT_GAP = re.compile(r"[^;:\n]{0,50}")
# "… huyện A, Chỉ số CCHC của tỉnh xếp thứ 6/63": the province is ranked, not the district
_NOT_DISTRICT_GAP = re.compile(r"(?<!\w)(?:tỉnh|của|chỉ\s+số)(?!\w)", re.IGNORECASE)


def _district(text: str, lo: int, hi: int, provinces: list, sent_start: int) -> str | None:
    """The district named last in text[lo:hi] (the rank's own clause), after any province named there,
    when only a few words (no ";") separate it from the rank; None when it is a province ("thành phố
    Đà Nẵng") or no district is named."""
    last = None
    for m in itertools.islice(_DISTRICT_RE.finditer(text, lo, hi), 20):
        words = m.group("name").split()
        keep = []
        for w in words:
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
    if province_mentions(name):
        return None
    if any(sent_start + p[1] >= m.start() for p in provinces):
        return None  # a province is named after the district: the province is ranked
    if not _DISTRICT_GAP.fullmatch(text, name_end, hi) or _NOT_DISTRICT_GAP.search(text, name_end, hi):
        return None
    return name


def find_rankings(text: str, published_year: int | None = None, province: str | None = None) -> list[dict]:
    """Rankings quoted in `text`: [{"index": "PAR INDEX"|"SIPAS"|"PAPI"|"PCI"|"other", "year", "rank",
    "total", "change", "subject", "score", "evidence", "span"}], in order, once per (index, year, rank, total).

    year: written in the clause ("năm 2018"), else published_year - 1 when the text says "năm qua/năm
    trước", else published_year (None when unknown). change: "tăng 6 bậc" → 6, "giảm 3 bậc" → -3, in the
    rank's own clause. subject: the province (or ministry) named in the sentence, else `province`.
    score: "đạt 91,43%" → 91.43."""
    if not isinstance(text, str) or not text:
        return []
    text = nfc(text)[:_MAX_TEXT]
    sents = SentenceIndex(text)
    indexes = list(itertools.islice(_INDEX_RE.finditer(text), 5 * MAX_CANDIDATES))
    if not indexes:
        return []
    ranks = [m for m in itertools.islice(_RANK_RE.finditer(text), MAX_CANDIDATES) if not _NOT_RANK_BEFORE.search(text[max(0, m.start() - 8):m.start()])]
    idx_starts = [m.start() for m in indexes]
    out, seen, ranked = [], set(), set()
    claimed = -1  # end of the last change given to a ranking: a change belongs to one ranking only
    for i, rank in enumerate(ranks):
        bare = (rank.group("word") or "").lower() == "thứ" and not (rank.group("total") or rank.group("total2"))
        if bare and not _RANK_VERB_BEFORE.search(text[max(0, rank.start() - 30):rank.start()]):
            continue  # "thứ 2 tuần sau" is a weekday, not a rank
        if rank.group("first") and _GROUP_BEFORE.search(text[max(0, rank.start() - 60):rank.start()]):
            continue  # "nằm trong nhóm / một trong những địa phương dẫn đầu cả nước" is a group, not first place
        sent = sents.bounds(rank.start(), 300)
        lo_i, hi_i = bisect.bisect_left(idx_starts, sent[0]), bisect.bisect_left(idx_starts, sent[1])
        in_sent = indexes[lo_i:hi_i]
        prev_rank_end = ranks[i - 1].end() if i else -1
        before = [m for m in in_sent if prev_rank_end <= m.start() and m.end() <= rank.start()]
        after = [m for m in in_sent if m.start() >= rank.end() and m.start() - rank.end() <= 80]
        inherited = None
        if before:
            idx = before[-1]
        elif after:
            idx = after[0]
        elif in_sent:
            idx = in_sent[-1] if in_sent[-1].start() < rank.start() else in_sent[0]
        else:
            inherited = _inherit(text, out, sent, rank, prev_rank_end)
            if inherited is None:
                continue
            idx = inherited["idx"]
        if rank.group("first"):
            rnk, total = 1, None
        else:
            rnk = int(rank.group("rank") or rank.group("rank2"))
            t = rank.group("total") or rank.group("total2")
            total = int(t) if t else None
        if rnk < 1 or (total is not None and (total < rnk or total < 2)):
            continue
        name = _INDEX_NAME[idx.lastgroup]
        if inherited:
            year = _clause_year(text, max(sent[0], prev_rank_end), rank.start()) or inherited["year"]
        else:
            year = _year(text, idx, rank, sent, prev_rank_end)
        if year is None and published_year:
            clause = text[sent[0]:rank.end() + 40]
            year = published_year - 1 if _PREV_YEAR.search(clause) else published_year
        nxt = ranks[i + 1].start() if i + 1 < len(ranks) else len(text)
        stop = min(sent[1], nxt, rank.end() + 160)
        ch = _CHANGE_RE.search(text, rank.end(), stop)
        if ch is None and idx.start() < rank.start() and not inherited:
            # before the rank, but not back in the previous rank's clause ("tỉnh A xếp thứ 19/63, tăng
            # 5 bậc; tỉnh B xếp thứ 28/63": B has no change)
            ch = _CHANGE_RE.search(text, max(idx.end(), prev_rank_end, claimed), rank.start())
        if ch:
            claimed = ch.end()
        change = None
        if ch:
            n = int(ch.group("n"))
            change = -n if ch.group("dir").lower() in ("giảm", "tụt", "xuống", "sụt") else n
        sc = _SCORE_RE.search(text, sent[0] if inherited else min(idx.end(), rank.start()), min(sent[1], rank.end() + 60))
        score = parse_number(sc.group("v")) if sc else None
        key = (name, year, rnk, total)
        if key in seen or (rank.group("first") and (sent, name) in ranked):
            continue  # "xếp hạng 1/63, … dẫn đầu cả nước" is one ranking
        seen.add(key)
        ranked.add((sent, name))
        lo, hi = (sent[0], rank.end()) if inherited else (min(idx.start(), rank.start()), max(idx.end(), rank.end()))
        out.append({"index": name, "year": year, "rank": rnk, "total": total, "change": change,
                    "subject": _subject(text, sent, rank.start() if inherited else idx.start(), rank, province,
                                        clause_start=prev_rank_end),
                    "_idx": idx,
                    "score": float(score) if score is not None else None,
                    "evidence": sents.evidence(lo, hi), "span": [lo, hi]})
    for r in out:
        del r["_idx"]
    return out


def _clause_year(text: str, a: int, b: int) -> int | None:
    """A year written in text[a:b] that is not a comparison year ("so với năm 2019")."""
    years = [m for m in _YEAR_RE.finditer(text, a, b) if not m.group("pre")]
    return int(years[-1].group("y")) if years else None


def _inherit(text: str, out: list[dict], sent: tuple[int, int], rank: re.Match, prev_rank_end: int) -> dict | None:
    """The index and year of the ranking just read, for a rank in the next sentence of the same
    paragraph that names no index but ranks another province out of a total ("…; trong khi đó tỉnh
    Đồng Tháp tiếp tục giữ vị trí thứ 2/63"). None unless a province is named before the rank in its
    clause and no other measure ("tỷ lệ hồ sơ …", "về …") is being ranked."""
    if not out or not (rank.group("total") or rank.group("total2")):
        return None
    last = out[-1]
    gap = text[last["span"][1]:rank.start()]
    if "\n" in gap or len(gap) > 400:
        return None
    clause = text[max(sent[0], prev_rank_end):rank.start()]
    if _MEASURE.search(clause) or _INDEX_RE.search(clause):
        return None
    if not province_mentions(clause[-80:]):
        return None
    return {"idx": last["_idx"], "year": last["year"]}
