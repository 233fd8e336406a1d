"""One search over articles and officials (`/-/search?q=…`), ranked the way a journalist reads it.

- A query of several words is tried first as a phrase, then as words (all of them, any order):
  phrase hits come first, each group ranked by FTS5's bm25 (title weighted 10× the body).
- Diacritics are optional, đ included: the query is folded (extract.normalize.fold) and matched
  against the folded copy the store indexes beside the text.
- Ranking stays inside FTS5 and its cost is bounded: a query with at most RANK_CAP matches is
  ranked by `bm25()` over all of them (`ORDER BY … LIMIT n`); a commoner one (a word in most
  articles) would make bm25 count its documents over the whole index, so it shows its RANK_CAP
  most recently archived matches instead, those with the words in the title first (FTS5 walks its
  doclist from the newest rowid and stops), and the page says so. Only the rows shown are read
  from `articles`; counts stop at COUNT_CAP.
- Each article comes with a fragment of its text as written around the query (the phrase where it
  occurs, else the stretch holding most of its words), found here in Python for the rows shown
  only: the index holds the text with đ→d (store/archive.py), so FTS5's `snippet()` could not
  give it as written. The query's words are highlighted (escaped first, then our own <mark>)."""
from __future__ import annotations

import itertools
import re
import sqlite3

from markupsafe import Markup, escape

from cchc.web import common
from extract.document import fold_aligned
from extract.normalize import fold

ARTICLE_LIMIT = 20
PEOPLE_LIMIT = 20
COUNT_CAP = 1000
RANK_CAP = 500
SNIPPET_CHARS = 110  # each side of the match
BM25_WEIGHTS = "10.0, 1.0"  # search_title, search_text (title and text, đ→d)
_TOKEN = re.compile(r"\w+")


def query_words(q: str | None) -> list[str]:
    """The folded words of a query (punctuation and FTS syntax dropped)."""
    return _TOKEN.findall(fold(q or ""))


def fts_phrase(q: str | None) -> str:
    """FTS5 query for `q` as one phrase (folded); '""' (matches nothing) when `q` has no word."""
    return '"' + " ".join(query_words(q)) + '"'


def fts_words(q: str | None) -> str:
    """FTS5 query for every word of `q`, in any order (folded)."""
    words = query_words(q)
    return " ".join(f'"{w}"' for w in words) if words else '""'


def _count(conn: sqlite3.Connection, table: str, match: str) -> tuple[int, bool]:
    n = conn.execute(f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)",
                     [match, COUNT_CAP + 1]).fetchone()[0]
    return min(n, COUNT_CAP), n > COUNT_CAP


def snippet(text: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """A fragment of `text` as written around the query: its words as a phrase where they occur,
    else the stretch of 2×`width` characters holding most distinct words (earliest on a tie); the
    start of the text when none occurs (a match in the title only)."""
    text = text or ""
    folded = fold_aligned(text)
    start = end = None
    m = re.search(r"(?<!\w)" + re.escape(" ".join(words)) + r"(?!\w)", folded) if words else None
    if m:
        start, end = m.start(), m.end()
    else:
        hits = sorted((m.start(), m.end(), w) for w in words
                      for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"(?!\w)", folded))
        best = -1
        for i, (s_, e_, _) in enumerate(hits[:200]):  # a common word: its first 200 places will do
            near = list(itertools.takewhile(lambda h: h[0] - s_ <= 2 * width, hits[i:i + 50]))
            distinct = len({h[2] for h in near})
            if distinct > best:
                best, start, end = distinct, s_, max(h[1] for h in near)
            if best == len(words):
                break
    if start is None:
        start, end = 0, 0
        left, right = 0, min(len(text), 2 * width)
    else:
        pad = max(0, 2 * width - (end - start)) // 2
        left, right = max(0, start - pad), min(len(text), end + pad)
    return ("… " if left else "") + " ".join(text[left:right].split()) + (" …" if right < len(text) else "")


def highlight(fragment: str, words: list[str]) -> Markup:
    """`fragment` escaped, the query (as a phrase where it occurs, else each word) in <mark>.

    Matching ignores diacritics and case (the aligned fold keeps offsets), so "do quy tien" marks
    "Đỗ Quý Tiến" in the text as written."""
    folded = fold_aligned(fragment)
    spans: list[tuple[int, int]] = []
    phrase = " ".join(words)
    patterns = [phrase] if phrase and phrase in folded else words
    for word in patterns:
        for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded):
            spans.append(m.span())
    spans.sort()
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(escape(fragment[cursor:start]))
        out.append(Markup('<mark class="cchc-hit">{}</mark>').format(fragment[start:end]))
        cursor = end
    out.append(escape(fragment[cursor:]))
    return Markup("").join(out)


def search_articles(conn: sqlite3.Connection, q: str, limit: int = ARTICLE_LIMIT) -> dict:
    """Ranked article hits: {rows, count, count_capped, phrase_count}."""
    words = query_words(q)
    if not words:
        return {"rows": [], "count": 0, "count_capped": False, "phrase_count": 0, "bounded": False,
                "rank_cap": RANK_CAP}
    tiers = [("phrase", fts_phrase(q))]
    if len(words) > 1:
        tiers.append(("words", fts_words(q)))
    hits: list[dict] = []
    seen: set[int] = set()
    bounded = False
    counts = []
    for tier, match in tiers:
        if len(hits) >= limit and counts:
            counts.append(_count(conn, "articles_fts", match))
            continue
        # one pass over the newest matches gives the count (capped) and the floor of what is ranked
        newest = [r[0] for r in conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            [match, COUNT_CAP + 1])]
        counts.append((min(len(newest), COUNT_CAP), len(newest) > COUNT_CAP))
        if len(newest) > RANK_CAP:
            # too common to rank by bm25: FTS5's bm25 counts the documents of every phrase over the
            # whole index on its first call. The newest RANK_CAP matches instead, title hits first.
            bounded = True
            window = newest[:RANK_CAP]
            floor = window[-1]
            in_title = {r[0] for r in conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ?",
                ["{search_title} : " + match, floor])}
            ordered = sorted(window, key=lambda rowid: (rowid not in in_title, -rowid))
            found = [{"id": rowid} for rowid in ordered[:limit + len(seen)]]
        else:
            found = common.rows(conn, f"""
                SELECT rowid AS id, bm25(articles_fts, {BM25_WEIGHTS}) AS score
                FROM articles_fts WHERE articles_fts MATCH ? ORDER BY score LIMIT ?""",
                                [match, limit + len(seen)])
        for h in found:
            if h["id"] not in seen and len(hits) < limit:
                seen.add(h["id"])
                hits.append({**h, "tier": tier})
    details = {}
    if hits:
        marks = ",".join("?" * len(hits))
        for row in common.rows(conn, f"""
                SELECT id, title, province, province_now, published_date, event_type, relevant, url, text
                FROM articles WHERE id IN ({marks})""", [h["id"] for h in hits]):
            details[row["id"]] = row
    out = []
    for h in hits:
        row = details.get(h["id"])
        if row is None:
            continue
        text = row.pop("text")
        out.append({**row, "article_id": row["id"], "tier": h["tier"], "href": common.article_path(row["id"]),
                    "title_html": highlight(row["title"] or "", words),
                    "snippet_html": highlight(snippet(text, words), words),
                    "province_href": common.province_path(row["province"])})
    count, capped = counts[-1]
    phrase_count = counts[0][0]
    return {"rows": out, "count": count, "count_capped": capped, "phrase_count": phrase_count,
            "bounded": bounded, "rank_cap": RANK_CAP}


def search_people(conn: sqlite3.Connection, q: str, limit: int = PEOPLE_LIMIT) -> dict:
    """Ranked officials: phrase hits first; each with appearances, articles, provinces, dates."""
    words = query_words(q)
    if not words:
        return {"rows": [], "count": 0, "count_capped": False}
    tiers = [fts_phrase(q)] + ([fts_words(q)] if len(words) > 1 else [])
    ids: list[int] = []
    for match in tiers:
        for (person_id,) in conn.execute(
                "SELECT rowid FROM people_fts WHERE people_fts MATCH ? ORDER BY rank LIMIT ?",
                [match, limit]).fetchall():
            if person_id not in ids and len(ids) < limit:
                ids.append(person_id)
    found = {}
    if ids:  # one query for the people shown
        found = {row["person_id"]: row for row in common.rows(conn, f"""
            SELECT p.id AS person_id, p.name, p.scope, count(ap.id) AS appearances,
                   count(DISTINCT ap.article_id) AS articles,
                   group_concat(DISTINCT a.province) AS provinces,
                   min(coalesce(a.event_start, a.published_date)) AS first_seen,
                   max(coalesce(a.event_start, a.published_date)) AS last_seen
            FROM people p LEFT JOIN appearances ap ON ap.person_id = p.id
            LEFT JOIN articles a ON a.id = ap.article_id WHERE p.id IN ({",".join("?" * len(ids))})
            GROUP BY p.id""", ids)}
    rows = []
    for person_id in ids:
        row = found.get(person_id)
        if row:
            row["href"] = common.person_path(person_id)
            row["name_html"] = highlight(row["name"], words)
            rows.append(row)
    count, capped = _count(conn, "people_fts", tiers[-1])
    return {"rows": rows, "count": count, "count_capped": capped}


def search_context(conn: sqlite3.Connection, q: str) -> dict:
    """The search page: officials and articles for one query, with counts."""
    return {"q": q, "words": query_words(q), "people": search_people(conn, q),
            "articles": search_articles(conn, q)}
