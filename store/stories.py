"""One story, many portals: near-duplicate articles found by a SimHash of their text.

The same press release is often reposted by several portals with other chrome, a changed
first line or a comma more; byte-identical copies are caught by their SHA-256, these are not.
Each article's folded text gets a 64-bit SimHash over its word 3-grams (a bottom-k sample of them,
so the cost is bounded), kept in `story_prints` with eight 8-bit bands indexed: two texts within
`MAX_DISTANCE` bits share at least one band exactly (pigeonhole), so a lookup reads a few index
rows, never the whole archive. A near duplicate (close print, similar length, the same headline)
found on another site is linked to the article stored first (`article_links`, reason "near duplicate"), not stored as a second story.

Why not trafilatura's `Simhash`: it samples single tokens, and on Vietnamese CCHC news (short
syllables, one shared vocabulary) it put distinct replay articles of one topic 2–5 bits apart. Over
word 3-grams the distinct articles of the replay are ≥ 16 bits apart and a repost 5
(tests/test_near_duplicates.py).
"""
from __future__ import annotations

import functools
import hashlib
import re
import sqlite3

from extract.normalize import fold

MIN_CHARS = 500      # short texts (notices, captions) share too many phrases to be told apart
MAX_DISTANCE = 6     # of 64 bits; 8 bands of 8 bits keep every pair within 7 bits findable
MIN_LENGTH_RATIO = 0.8
MIN_TITLE_OVERLAP = 0.8  # share of the shorter headline's words found in the other
SAMPLE = 256         # word 3-grams hashed into the print (those with the smallest hashes)
_BANDS = 8
_WORD = re.compile(r"\w+")


def _gram_hash(gram: str) -> int:
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")


# The crawl asks for one text's print twice in a row (near_duplicate, then save_print): cached.
@functools.lru_cache(maxsize=16)
def story_print(text: str | None) -> int | None:
    """The 64-bit SimHash of an article text over its word 3-grams (folded: diacritics, case and đ
    do not count), or None for a text too short to fingerprint."""
    folded = fold(text)
    if len(folded) < MIN_CHARS:
        return None
    words = _WORD.findall(folded)
    hashes = sorted({_gram_hash(" ".join(words[i:i + 3])) for i in range(len(words) - 2)})[:SAMPLE]
    half = len(hashes) / 2
    # per bit, how many sampled hashes set it: the columns of their binary forms (zip works in C)
    columns = zip(*(format(h, "064b") for h in hashes))
    return sum(1 << (63 - bit) for bit, column in enumerate(columns) if column.count("1") > half)


def _bands(value: int) -> list[int]:
    return [(value >> (8 * i)) & 0xFF for i in range(_BANDS)]


def ensure_schema(conn: sqlite3.Connection) -> None:
    """The `story_prints` table and its band indexes."""
    conn.execute("CREATE TABLE IF NOT EXISTS story_prints (article_id INTEGER PRIMARY KEY REFERENCES articles(id), "
                 "site TEXT, simhash TEXT, length INTEGER, "
                 + ", ".join(f"b{i} INTEGER" for i in range(_BANDS)) + ")")
    for i in range(_BANDS):
        conn.execute(f"CREATE INDEX IF NOT EXISTS idx_story_prints_b{i} ON story_prints (b{i})")


_UNKNOWN = object()


def save_print(conn: sqlite3.Connection, article_id: int, site: str | None, text: str | None,
               value: int | None | object = _UNKNOWN) -> None:
    """Record (or replace, or drop) the fingerprint of one stored article; `value` is
    `story_print(text)` when the caller (a reextract worker) computed it already."""
    if value is _UNKNOWN:
        value = story_print(text)
    if value is None:
        conn.execute("DELETE FROM story_prints WHERE article_id = ?", [article_id])
        return
    bands = ", ".join(f"b{i}" for i in range(_BANDS))
    conn.execute(f"INSERT OR REPLACE INTO story_prints (article_id, site, simhash, length, {bands}) "
                 f"VALUES (?, ?, ?, ?, {', '.join('?' * _BANDS)})",
                 [article_id, site, f"{value:016x}", len(text or ""), *_bands(value)])


def _title_words(title: str | None) -> set[str]:
    return set(_WORD.findall(fold(title)))


def same_headline(a: str | None, b: str | None) -> bool:
    """Do two headlines name the same story: most of their words shared (a repost may add a place
    or a prefix, "Lâm Viên: …")? Two texts built from one template of a Sở never pass both tests."""
    wa, wb = _title_words(a), _title_words(b)
    return bool(wa and wb) and len(wa & wb) >= MIN_TITLE_OVERLAP * min(len(wa), len(wb))


def near_duplicate(conn: sqlite3.Connection, text: str | None, site: str | None,
                   exclude_article: int | None = None, title: str | None = None) -> int | None:
    """The id of an article stored from ANOTHER site that tells the same story — SimHash within
    MAX_DISTANCE bits, lengths within MIN_LENGTH_RATIO and the same headline (`same_headline`) —
    the earliest stored; None otherwise. Two articles of one site are never merged: a portal's own
    series ("lớp 1", "lớp 2") look alike. A false merge would lose an article, so every test must hold."""
    value = story_print(text)
    if value is None or not title:
        return None
    bands = _bands(value)
    any_band = " OR ".join(f"b{i} = ?" for i in range(_BANDS))
    # Each band value is shared by 1/256 of the prints, so the candidates grow with the archive
    # (≈ 5,000 at 200k articles): they are filtered on the print table alone, and only the close
    # ones are joined to their headline (the join for every candidate took 70 ms a call at 200k).
    candidates = conn.execute(
        f"SELECT article_id, simhash, length FROM story_prints WHERE ({any_band}) "
        "AND coalesce(site, '') != coalesce(?, '') AND article_id != coalesce(?, -1) ORDER BY article_id",
        [*bands, site, exclude_article]).fetchall()
    length = len(text or "")
    for article_id, simhash, other_length in candidates:
        if (bin(int(simhash, 16) ^ value).count("1") <= MAX_DISTANCE
                and min(length, other_length) >= MIN_LENGTH_RATIO * max(length, other_length)):
            other_title = conn.execute("SELECT title FROM articles WHERE id = ?", [article_id]).fetchone()
            if other_title and same_headline(title, other_title[0]):
                return article_id
    return None
