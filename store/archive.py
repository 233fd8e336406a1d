"""The archive database (archive.db), through sqlite-utils.

Two layers:
- `pages` keeps every fetched response as it was (URL, final URL, status, headers, body
  compressed with a per-site zstd dictionary (store/compress.py), fetch time, content hash). It is written as each response arrives and never
  rewritten, so a crawl killed at any moment loses nothing that was committed.
- `articles` and the fact tables (`appearances`, `people`, `rankings`, `documents`) are derived from
  pages by `extract/`; `save_article` replaces an article's facts in one transaction, so running the
  same crawl or `reextract` twice leaves the same rows.

Search: `articles_fts` indexes each article's title and text with đ→d (`search_title`,
`search_text`: generated columns, computed when read, never stored), through the
`unicode61 remove_diacritics 2` tokenizer, which strips every other diacritic and folds case: the
folded query "do quy tien" (extract.normalize.fold) finds "Đỗ Quý Tiến", phrases included. It is an
external-content table over `articles`, kept in step by triggers (the old values of a changed or
deleted row come from the row itself). `people_fts` indexes a person's name as written and folded.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
import zlib
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from extract.normalize import fold, person_key
from store import stories
from store.compress import BodyCodec
from store.provinces import province_now
from store.records import iter_records

SCHEMA_VERSION = 1
CONTENT_HASH_PREFIX = "substr(content_hash, 1, 16)"
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
CENTRAL_SCOPE = "trung ương"

# Units whose staff work nationally: a person titled this way is the same person in every province.
# Case-sensitive on purpose: "Bộ Nội vụ" is a ministry, "cán bộ" is not.
_CENTRAL_UNIT = re.compile(r"\b(Bộ|Vụ|Học viện|Viện|Chính phủ|Quốc hội|Trung ương|Đại học Quốc gia)\b")
_PROVINCIAL_UNIT = re.compile(r"\b(Sở|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Tỉnh ủy|Tỉnh uỷ|tỉnh|huyện)\b")


# Callables run on every schema check after the store's own tables, e.g. publishing's SQL views
# (cchc registers `cchc.views.create_views`): the store knows nothing of who reads it.
SCHEMA_EXTENSIONS: list[Callable[[sqlite_utils.Database], None]] = []


def register_schema_extension(extension: Callable[[sqlite_utils.Database], None]) -> None:
    """Run `extension(db)` whenever an archive's schema is ensured (idempotent; registered once)."""
    if extension not in SCHEMA_EXTENSIONS:
        SCHEMA_EXTENSIONS.append(extension)


class ArchiveError(Exception):
    """The database is missing, corrupt or not an archive."""


def utc_now() -> str:
    """Current UTC time as an ISO 8601 string with seconds."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def content_hash(body: bytes) -> str:
    """SHA-256 of a response body, hex."""
    return hashlib.sha256(body).hexdigest()


_UNSET = object()


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, values in headers.items():
        if str(key).lower() == name:
            values = values if isinstance(values, list) else [values]
            return values[0] if values else None
    return None


def _decode_content(body: bytes, encoding: str) -> bytes | None:
    """Undo a gzip or deflate Content-Encoding (None when the bytes do not decode)."""
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(body, 31)
        try:
            return zlib.decompress(body)
        except zlib.error:  # raw deflate, as some servers send it
            return zlib.decompress(body, -15)
    except zlib.error:
        return None


def person_scope(title: str | None, province: str | None) -> str:
    """Which 'scope' a person's appearance belongs to, for the merge rule.

    People with the same normalised name are merged only within one scope: the province of the
    article, or `trung ương` when the title names a central body (Bộ Nội vụ, a Vụ, Học viện …),
    because central officials travel to many provinces."""
    title = title or ""
    if _CENTRAL_UNIT.search(title) and not _PROVINCIAL_UNIT.search(title):
        return CENTRAL_SCOPE
    return province or "?"


def document_key(number: str | None) -> str | None:
    """What a cited document number is searched by: folded (no diacritics, đ→d, lower case), no
    spaces ("1294/QĐ-BNV" → "1294/qd-bnv"). Stored beside the number, so a search for part of a
    number is a plain LIKE over the documents, not a fold of every row."""
    return fold(number).replace(" ", "") if number is not None else None


def article_row(record: dict, page_id: int | None = None, site: str | None = None,
                extractor_version: str = "") -> dict:
    """The `articles` row of an extracted record (pure: re-extraction builds it in its workers)."""
    url = record.get("url")
    if not url:
        raise ValueError("an archived article needs a URL")
    evidence = record.get("evidence") or {}
    learners = record.get("learners") or {}
    published = record.get("published_date")
    event_start = record.get("event_start")
    return {
        "url": url, "page_id": page_id, "site": site, "province": record.get("province"),
        "province_now": province_now(record.get("province")), "title": record.get("title"),
        "published_date": published, "published_year": int(published[:4]) if published else None,
        "author": record.get("author"), "text": record.get("text") or "",
        "relevant": int(bool(record.get("relevant"))), "event_type": record.get("event_type"),
        "event_start": event_start, "event_end": record.get("event_end"),
        "event_year": int((event_start or published or "")[:4]) if (event_start or published) else None,
        "event_evidence": evidence.get("event_dates"),
        "learners_count": learners.get("count"), "learners_qualifier": learners.get("qualifier"),
        "learners_text": learners.get("text"), "learners_evidence": evidence.get("learners"),
        "venues_count": record.get("venues_count"), "venues_evidence": evidence.get("venues"),
        "extracted_at": utc_now(), "extractor_version": extractor_version,
    }


# What articles_fts indexes: title and text with đ/Đ → d. Every other diacritic (and case) is left
# to the tokenizer (remove_diacritics 2 decomposes all Vietnamese letters but đ), so folding just
# this letter is enough for tokens to equal those of fold(): a built-in expression, hence a virtual
# generated column any connection can compute (no Python function needed to read or write it).
SEARCH_COLUMNS = {
    "search_title": "replace(replace(title, 'đ', 'd'), 'Đ', 'D')",
    "search_text": "replace(replace(text, 'đ', 'd'), 'Đ', 'D')",
}
# content='articles' in single quotes on purpose: Datasette does not recognise it as the articles
# table's index, so the project plugin runs that table's search (bounded, cchc/plugins).
ARTICLES_FTS_SQL = (
    "CREATE VIRTUAL TABLE [articles_fts] USING FTS5 (search_title, search_text, content='articles', "
    f"content_rowid='id', tokenize='{FTS_TOKENIZE}')")
_FTS_COLUMNS = ", ".join(SEARCH_COLUMNS)
_FTS_OLD = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
_FTS_NEW = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
ARTICLES_FTS_TRIGGERS = {
    "articles_fts_ai": f"""CREATE TRIGGER [articles_fts_ai] AFTER INSERT ON [articles] BEGIN
  INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) VALUES (new.id, {_FTS_NEW});
END""",
    "articles_fts_ad": f"""CREATE TRIGGER [articles_fts_ad] AFTER DELETE ON [articles] BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_FTS_OLD});
END""",
    # only when what is indexed changes: re-extraction rewrites every column, a fix of one date
    # or flag should not re-index the text
    "articles_fts_au": f"""CREATE TRIGGER [articles_fts_au] AFTER UPDATE OF id, title, text ON [articles] BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_FTS_OLD});
  INSERT INTO articles_fts (rowid, {_FTS_COLUMNS}) VALUES (new.id, {_FTS_NEW});
END""",
}


def ensure_articles_fts(conn: sqlite3.Connection) -> None:
    """Create `articles_fts`, its generated columns and triggers; migrate an archive whose index was
    built the earlier way (title, text and a stored folded copy `search_text`, sqlite-utils triggers):
    the old index and triggers are dropped, the stored copy removed, the index rebuilt once."""
    schema = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('articles', 'articles_fts')"))
    if schema.get("articles_fts") == ARTICLES_FTS_SQL and all(
            schema.get(name) == sql for name, sql in ARTICLES_FTS_TRIGGERS.items()):
        return
    with conn:
        for name, sql in schema.items():
            if name in ("articles_ai", "articles_ad", "articles_au", *ARTICLES_FTS_TRIGGERS) and sql.startswith("CREATE TRIGGER"):
                conn.execute(f"DROP TRIGGER [{name}]")
        conn.execute("DROP TABLE IF EXISTS articles_fts")
        columns = {r[1]: r[6] for r in conn.execute("PRAGMA table_xinfo(articles)")}  # name -> hidden
        for name, expression in SEARCH_COLUMNS.items():
            if name in columns and columns[name] == 0:  # a stored column of an older archive
                conn.execute(f"ALTER TABLE articles DROP COLUMN [{name}]")
                columns.pop(name)
            if name not in columns:
                conn.execute(f"ALTER TABLE articles ADD COLUMN [{name}] TEXT "
                             f"GENERATED ALWAYS AS ({expression}) VIRTUAL")
        conn.execute(ARTICLES_FTS_SQL)
        for sql in ARTICLES_FTS_TRIGGERS.values():
            conn.execute(sql)
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


class Archive:
    """An archive database: open (creating the schema if needed), write pages and articles, read back."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ArchiveError(f"no archive at {self.path}")
        try:
            conn = sqlite3.connect(str(self.path), timeout=30)
            # 8 KB pages for a new file (no effect on an existing one): articles of 1-2 KB left a
            # quarter of each 4 KB page empty; 4% fewer bytes after VACUUM on the large replay
            conn.execute("PRAGMA page_size = 8192")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self.db = sqlite_utils.Database(conn)
            self.codec = BodyCodec(conn)
            self._batching = False
            if create:
                self.ensure_schema()
            elif "pages" not in self.db.table_names():
                raise ArchiveError(f"{self.path} is not a cchc archive (no pages table)")
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{self.path} is not a readable SQLite database: {exc}") from None

    # -- schema ---------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create every table, index, FTS table and view that does not exist yet."""
        db = self.db
        if "sites" not in db.table_names():
            db["sites"].create({"name": str, "province": str, "province_now": str, "site_name": str,
                                "base_url": str, "cms": str, "verified": int}, pk="name")
        if "pages" not in db.table_names():
            db["pages"].create({
                "id": int, "url": str, "final_url": str, "status": int, "headers": str,
                "body": bytes, "body_encoding": str, "content_type": str, "content_length": int,
                "content_hash": str, "fetched_at": str, "last_seen_at": str, "site": str, "kind": str,
            }, pk="id", foreign_keys=[("site", "sites", "name")])
            db["pages"].create_index(["url", "content_hash"], unique=True)
            db["pages"].create_index(["site", "kind"])
        if "articles" not in db.table_names():
            db["articles"].create({
                "id": int, "url": str, "page_id": int, "site": str, "province": str, "province_now": str,
                "title": str, "published_date": str, "published_year": int, "author": str, "text": str,
                "relevant": int, "event_type": str, "event_start": str, "event_end": str, "event_year": int,
                "event_evidence": str, "learners_count": int, "learners_qualifier": str,
                "learners_text": str, "learners_evidence": str, "venues_count": int,
                "venues_evidence": str, "extracted_at": str, "extractor_version": str,
            }, pk="id", foreign_keys=[("page_id", "pages", "id"), ("site", "sites", "name")])
            db["articles"].create_index(["url"], unique=True)
            db["articles"].create_index(["province", "published_year"])
            db["articles"].create_index(["relevant", "event_year"])
        if "people" not in db.table_names():
            db["people"].create({"id": int, "key": str, "name": str, "name_folded": str, "scope": str},
                                pk="id")
            db["people"].create_index(["key"], unique=True)
        if "appearances" not in db.table_names():
            db["appearances"].create({
                "id": int, "person_id": int, "article_id": int, "name_as_written": str, "title": str,
                "honorific": str, "evidence": str, "span_start": int, "span_end": int,
            }, pk="id", foreign_keys=[("person_id", "people", "id"), ("article_id", "articles", "id")])
            db["appearances"].create_index(["article_id"])
            db["appearances"].create_index(["person_id"])
        if "rankings" not in db.table_names():
            db["rankings"].create({
                "id": int, "article_id": int, "index_name": str, "year": int, "rank": int, "total": int,
                "change": int, "subject": str, "score": float, "evidence": str,
            }, pk="id", foreign_keys=[("article_id", "articles", "id")])
            db["rankings"].create_index(["article_id"])
            db["rankings"].create_index(["subject", "index_name", "year"])
        if "documents" not in db.table_names():
            db["documents"].create({
                "id": int, "article_id": int, "number": str, "kind": str, "date": str, "evidence": str,
                "number_key": str,
            }, pk="id", foreign_keys=[("article_id", "articles", "id")])
            db["documents"].create_index(["article_id"])
            db["documents"].create_index(["number"])
        if "fetch_log" not in db.table_names():
            # one row per (site, URL): the latest failure, how many attempts it took, how many crawls saw it
            db["fetch_log"].create({"id": int, "url": str, "site": str, "error": str, "status": int,
                                    "attempts": int, "times": int, "first_logged_at": str, "logged_at": str},
                                   pk="id", not_null={"site", "url"}, defaults={"site": "", "times": 1})
            db["fetch_log"].create_index(["site", "url"], unique=True)
        if "article_links" not in db.table_names():
            # another URL of an article already stored: the same bytes, or a page naming it canonical
            db["article_links"].create({"url": str, "article_id": int, "page_id": int, "reason": str,
                                        "linked_at": str}, pk="url",
                                       foreign_keys=[("article_id", "articles", "id"), ("page_id", "pages", "id")])
            db["article_links"].create_index(["article_id"])
        if "number_key" not in db["documents"].columns_dict:  # archives made before the key existed
            with db.conn:
                db.conn.execute("ALTER TABLE documents ADD COLUMN number_key TEXT")
                db.conn.create_function("cchc_document_key", 1, document_key, deterministic=True)
                db.conn.execute("UPDATE documents SET number_key = cchc_document_key(number)")
        pages_columns = set(db["pages"].columns_dict)
        for column in ("charset", "charset_source"):
            if column not in pages_columns:  # archives written before the encoding was recorded
                db["pages"].add_column(column, str)
        # What publishing filters and orders on (province pages, canned queries), also on archives
        # made before these indexes existed; covering, so a province's events are counted and
        # ordered without reading the article rows (their text sits before these columns).
        for place in ("province", "province_now"):
            db["articles"].create_index([place, "relevant", "event_year", "event_start", "published_date",
                                         "learners_count", "learners_qualifier"], if_not_exists=True)
        db["appearances"].create_index(["article_id", "person_id", "title"], if_not_exists=True)
        # reextract finds the pages still to extract by joining articles on page_id: without it the
        # join compares every page with every article (80 s on a 10k archive, 0.04 s with it)
        db["articles"].create_index(["page_id"], if_not_exists=True)
        # the same bytes under another URL (article_with_content): a 16-hex prefix indexes as well
        # as the whole SHA-256 for lookup and takes a third of the bytes
        db.conn.execute(f"CREATE INDEX IF NOT EXISTS idx_pages_content_hash_prefix ON pages ({CONTENT_HASH_PREFIX})")
        ensure_articles_fts(db.conn)
        if "people_fts" not in db.table_names():
            db["people"].enable_fts(["name", "name_folded"], tokenize=FTS_TOKENIZE, create_triggers=True)
        self.codec.ensure_schema()
        stories.ensure_schema(self.db.conn)
        for extension in SCHEMA_EXTENSIONS:
            extension(db)
        db.execute("PRAGMA user_version = %d" % SCHEMA_VERSION)

    # -- pages ----------------------------------------------------------------------------------
    def save_page(self, *, url: str, body: bytes, status: int = 200, final_url: str | None = None,
                  headers: dict[str, Any] | None = None, fetched_at: str | None = None,
                  site: str | None = None, kind: str = "other", wire_body: bytes | None = None,
                  wire_headers: dict[str, Any] | None = None) -> int:
        """Keep one fetched response as it was; return its page id.

        `body` is the entity (decoded); when the server sent it Content-Encoded, `wire_body` and
        `wire_headers` are the bytes and headers as received: those are stored (body_encoding
        "gzip" or "deflate"), so the archive and its WARC export hold exactly what came over the
        wire, and `page_body` still gives the entity. `content_hash` is the entity's SHA-256.

        Idempotent: the same URL with the same body is stored once (its `last_seen_at` moves on);
        a changed body is a new row, so earlier versions are never lost."""
        digest = content_hash(body)
        now = fetched_at or utc_now()
        existing = self.page_id(url, digest)
        if existing is not None:
            self.db.execute("UPDATE pages SET last_seen_at = ?, kind = ? WHERE id = ?", [now, kind, existing])
            if not self._batching:
                self.db.conn.commit()
            return existing
        stored, encoding, dictionary_id = None, None, _UNSET
        if wire_body is not None and wire_headers:
            wire_encoding = _header(wire_headers, "content-encoding")
            wire_encoding = (wire_encoding or "").strip().lower()
            if wire_encoding in ("gzip", "x-gzip", "deflate") and _decode_content(wire_body, wire_encoding) == body:
                stored, encoding, headers = wire_body, wire_encoding.replace("x-gzip", "gzip"), wire_headers
                dictionary_id = None
        header_map = {str(k): v if isinstance(v, list) else [v] for k, v in (headers or {}).items()}
        content_type = _header(header_map, "content-type")
        if dictionary_id is _UNSET:  # not kept as received: compressed with the site's dictionary
            stored, encoding, dictionary_id = self.codec.encode(body, site)
        row = {
            "url": url, "final_url": final_url or url, "status": status,
            "headers": json.dumps(header_map, ensure_ascii=False), "body": stored,
            "body_encoding": encoding, "dictionary_id": dictionary_id, "content_type": content_type,
            "content_length": len(body), "content_hash": digest, "fetched_at": now, "last_seen_at": now,
            "site": site, "kind": kind,
        }
        with self._transaction():  # plain SQL: sqlite-utils' insert re-reads the table's schema on every call
            page_id = self.db.conn.execute(
                f"INSERT INTO pages ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())).lastrowid
        self.codec.after_insert(site)
        return page_id

    def set_page_charset(self, page_id: int, encoding: str, source: str) -> None:
        """Record which encoding a page was read in and which witness chose it (header, bom,
        meta, detector, fallback); committed with the next write."""
        self.db.execute("UPDATE pages SET charset = ?, charset_source = ? WHERE id = ?", [encoding, source, page_id])

    def set_page_kind(self, page_id: int, kind: str) -> None:
        """Change what a preserved page is taken for (an article-shaped soft 404 is `other`)."""
        with self.db.conn:
            self.db.execute("UPDATE pages SET kind = ? WHERE id = ?", [kind, page_id])

    def page_content_type(self, page_id: int) -> str | None:
        """The Content-Type a stored page was served with."""
        row = self.db.execute("SELECT content_type FROM pages WHERE id = ?", [page_id]).fetchone()
        return row[0] if row else None

    def log_fetch(self, url: str, error: str, attempts: int = 1, site: str | None = None,
                  status: int | None = None) -> None:
        """Record a fetch that did not give a usable page (network error, HTTP error, refused
        redirect, oversized body, not an article after all …)."""
        now = utc_now()
        with self.db.conn:
            self.db.execute(
                "INSERT INTO fetch_log (url, site, error, status, attempts, times, first_logged_at, logged_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT (site, url) DO UPDATE SET error = excluded.error, "
                "status = excluded.status, attempts = excluded.attempts, times = times + 1, "
                "logged_at = excluded.logged_at", [url, site or "", error[:500], status, attempts, now, now])

    def article_with_content(self, digest: str, url: str) -> int | None:
        """Id of an article stored from a page with exactly these bytes under another URL."""
        # pages by the hash's prefix index first, then their articles by page_id; min() rather than
        # ORDER BY, which made the planner walk every article (O(N) a call, O(N²) a crawl). The
        # unary + keeps SQLite from propagating the full hash into substr(), which hid the index.
        row = self.db.execute(
            "SELECT min(a.id) FROM articles a WHERE a.page_id IN (SELECT id FROM pages "
            f"WHERE {CONTENT_HASH_PREFIX} = ? AND +content_hash = ?) AND a.url != ?",
            [digest[:16], digest, url]).fetchone()
        return row[0] if row else None

    def article_id(self, url: str) -> int | None:
        """Id of the article stored under `url`, or of the article `url` is linked to."""
        row = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
        if row is None:
            row = self.db.execute("SELECT article_id FROM article_links WHERE url = ?", [url]).fetchone()
        return row[0] if row else None

    def link_article(self, url: str, article_id: int, page_id: int | None, reason: str) -> None:
        """Record `url` as another address of an article (not a second article)."""
        with self.db.conn:
            self.db["article_links"].upsert({"url": url, "article_id": article_id, "page_id": page_id,
                                             "reason": reason, "linked_at": utc_now()}, pk="url")

    def page_id(self, url: str, digest: str | None = None) -> int | None:
        """Id of the stored page for `url` (with that content hash, if given; else the latest)."""
        if digest:
            row = self.db.execute("SELECT id FROM pages WHERE url = ? AND content_hash = ?", [url, digest]).fetchone()
        else:
            row = self.db.execute("SELECT id FROM pages WHERE url = ? ORDER BY id DESC LIMIT 1", [url]).fetchone()
        return row[0] if row else None

    def page_body(self, page_id: int) -> bytes:
        """The raw body of a stored page, decompressed."""
        return self.codec.read(page_id)

    def latest_validators(self, url: str) -> tuple[int, str | None, str | None] | None:
        """(page id, ETag, Last-Modified) of the latest successful version of `url`, or None."""
        row = self.db.execute("SELECT id, headers FROM pages WHERE url = ? AND status = 200 ORDER BY id DESC LIMIT 1",
                              [url]).fetchone()
        if row is None:
            return None
        headers = json.loads(row[1] or "{}")
        return row[0], _header(headers, "etag"), _header(headers, "last-modified")

    def has_article_from(self, page_id: int) -> bool:
        """Is an article stored from this very page version?"""
        return self.db.execute("SELECT 1 FROM articles WHERE page_id = ? LIMIT 1", [page_id]).fetchone() is not None

    def page_wire(self, page_id: int) -> tuple[int, dict[str, list[str]], bytes]:
        """(status, headers, body) of a stored response as received: the body still Content-Encoded
        when it came so (what a WARC response record holds)."""
        row = self.db.execute("SELECT status, headers, body, body_encoding FROM pages WHERE id = ?",
                              [page_id]).fetchone()
        if row is None:
            raise KeyError(page_id)
        status, headers, body, encoding = row
        return status, json.loads(headers or "{}"), self.codec.read(page_id, keep_content_encoding=True)

    def iter_pages(self, kind: str | None = "article") -> Iterator[dict]:
        """Stored pages (latest version of each URL), without bodies, oldest first."""
        where = "WHERE kind = ?" if kind else ""
        sql = (f"SELECT id, url, final_url, status, headers, site, kind, fetched_at FROM pages "
               f"WHERE id IN (SELECT max(id) FROM pages {where} GROUP BY url) ORDER BY id")
        cursor = self.db.execute(sql, [kind] if kind else [])
        cols = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            yield dict(zip(cols, row))

    def unextracted_article_pages(self, site: str | None) -> list[dict]:
        """Latest article pages of `site` that have no article row: what a crawl killed between
        preserving a page and storing its extraction left behind."""
        sql = ("SELECT id, url, final_url FROM pages p WHERE kind = 'article' AND site IS ? AND id IN "
               "(SELECT max(id) FROM pages WHERE kind = 'article' AND site IS ? GROUP BY url) "
               "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.page_id = p.id) ORDER BY id")
        return list(self.db.query(sql, [site, site]))

    def known_urls(self, site: str | None = None) -> set[str]:
        """URLs already preserved (optionally for one site): what an incremental crawl can skip."""
        if site:
            rows = self.db.execute("SELECT DISTINCT url FROM pages WHERE site = ?", [site])
        else:
            rows = self.db.execute("SELECT DISTINCT url FROM pages")
        return {r[0] for r in rows}

    # -- sites ----------------------------------------------------------------------------------
    def save_site(self, site: dict) -> None:
        """Record (or update) a site's config summary."""
        self.db["sites"].upsert({
            "name": site["name"], "province": site.get("province"),
            "province_now": province_now(site.get("province")), "site_name": site.get("site_name"),
            "base_url": site.get("base_url"), "cms": site.get("cms"), "verified": int(bool(site.get("verified"))),
        }, pk="name")
        self.db.conn.commit()

    # -- articles -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many `save_article` calls into one transaction (committed at the end, rolled
        back whole on an exception): what `cchc reextract` writes with."""
        if self._batching:
            yield
            return
        self._batching = True
        try:
            with self.db.conn:
                yield
        finally:
            self._batching = False

    def _transaction(self):
        return contextlib.nullcontext() if self._batching else self.db.conn

    def save_article(self, record: dict, page_id: int | None = None, site: str | None = None,
                     extractor_version: str = "", row: dict | None = None,
                     story_print: int | None | object = stories._UNKNOWN) -> int:
        """Insert or replace one extracted article (keyed by URL) and all its facts; return its id.
        `row` is `article_row(...)` of the same arguments and `story_print` the text's
        `stories.story_print` when the caller (a worker process) computed them already."""
        row = row or article_row(record, page_id, site, extractor_version)
        url = row["url"]
        columns = list(row)
        with self._transaction():
            conn = self.db.conn
            old = conn.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
            former_people: list[int] = []
            if old:
                article_id = old[0]
                former_people = self._people_of(article_id)
                conn.execute(f"UPDATE articles SET {', '.join(f'[{c}] = ?' for c in columns)} WHERE id = ?",
                             [row[c] for c in columns] + [article_id])
            else:
                article_id = conn.execute(
                    f"INSERT INTO articles ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [row[c] for c in columns]).lastrowid
            self._insert_facts(article_id, record)
            self._drop_orphan_people(former_people)
            stories.save_print(conn, article_id, site, row["text"], story_print)
        return article_id

    def near_duplicate(self, record: dict, site: str | None) -> int | None:
        """Id of an article of another site that tells the same story as `record` (its text and
        headline, `store.stories`), or None; the article stored under the record's URL never counts."""
        url = record.get("url")
        own = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone() if url else None
        return stories.near_duplicate(self.db.conn, record.get("text"), site, own[0] if own else None,
                                      title=record.get("title"))

    def _people_of(self, article_id: int) -> list[int]:
        """The ids of the people an article mentioned (its facts are then replaced by
        `_insert_facts`, which keeps the id of every fact that is still there)."""
        return [r[0] for r in self.db.conn.execute(
            "SELECT DISTINCT person_id FROM appearances WHERE article_id = ?", [article_id])]

    def _drop_orphan_people(self, candidates: list[int]) -> None:
        """Delete those of `candidates` who no longer appear in any article (a re-extraction may
        drop a name); only they can have become orphans."""
        for person_id in candidates:
            self.db.conn.execute("DELETE FROM people WHERE id = ? AND NOT EXISTS "
                                 "(SELECT 1 FROM appearances WHERE person_id = ?)", [person_id, person_id])

    # Columns that identify a fact within its article: a re-extraction that finds the same fact keeps
    # its row id (publishing links to appearance, ranking and document ids), a new fact gets a new id,
    # a vanished one is deleted.
    _FACT_KEYS = {
        "appearances": ("person_id", "name_as_written", "span_start", "span_end"),
        "rankings": ("index_name", "year", "subject", "rank", "total", "change"),
        "documents": ("number", "date"),
    }

    def _sync_facts(self, table: str, article_id: int, rows: list[dict]) -> None:
        keys = self._FACT_KEYS[table]
        existing: dict[tuple, list[int]] = {}
        conn = self.db.conn  # plain SQL throughout: sqlite-utils re-reads the schema on every call
        for row in conn.execute(f"SELECT id, {', '.join(keys)} FROM {table} WHERE article_id = ? ORDER BY id",
                                [article_id]):
            existing.setdefault(tuple(row[1:]), []).append(row[0])
        for row in rows:
            key = tuple(row.get(k) for k in keys)
            ids = existing.get(key)
            if ids:
                conn.execute(f"UPDATE {table} SET {', '.join(f'[{c}] = ?' for c in row)} WHERE id = ?",
                             [*row.values(), ids.pop(0)])
            else:
                conn.execute(f"INSERT INTO {table} (article_id, {', '.join(f'[{c}]' for c in row)}) "
                             f"VALUES (?{', ?' * len(row)})", [article_id, *row.values()])
        stale = [i for ids in existing.values() for i in ids]
        if stale:
            conn.execute(f"DELETE FROM {table} WHERE id IN ({', '.join('?' * len(stale))})", stale)

    def _insert_facts(self, article_id: int, record: dict) -> None:
        province = record.get("province")
        appearances = []
        for official in record.get("officials") or []:
            person_id = self._person_id(official["name"], person_scope(official.get("title"), province))
            mentions = official.get("mentions") or [official]
            for mention in mentions:
                appearances.append({
                    "person_id": person_id,
                    "name_as_written": mention.get("name_as_written") or official["name"],
                    "title": mention.get("title") or official.get("title"),
                    "honorific": mention.get("honorific") or official.get("honorific"),
                    "evidence": mention.get("evidence") or official.get("evidence"),
                    "span_start": mention.get("start"), "span_end": mention.get("end"),
                })
        self._sync_facts("appearances", article_id, appearances)
        self._sync_facts("rankings", article_id, [{
            "index_name": r.get("index"), "year": r.get("year"), "rank": r.get("rank"), "total": r.get("total"),
            "change": r.get("change"), "subject": r.get("subject"), "score": r.get("score"),
            "evidence": r.get("evidence")} for r in record.get("rankings") or []])
        self._sync_facts("documents", article_id, [{
            "number": d.get("number"), "kind": d.get("kind"), "date": d.get("date"), "evidence": d.get("evidence"),
            "number_key": document_key(d.get("number"))} for d in record.get("documents") or []])

    def _person_id(self, name: str, scope: str) -> int:
        key = f"{person_key(name)}|{scope}"
        row = self.db.conn.execute("SELECT id FROM people WHERE key = ?", [key]).fetchone()
        if row:
            return row[0]
        return self.db.conn.execute("INSERT INTO people (key, name, name_folded, scope) VALUES (?, ?, ?, ?)",
                                    [key, name, fold(name), scope]).lastrowid

    def counts(self) -> dict[str, int]:
        """Row count of every table (FTS shadow tables and the re-extraction log left out)."""
        return {t: self.db[t].count for t in self.db.table_names()
                if "_fts" not in t and t != "reextract_runs"}  # runs are bookkeeping, not archive rows

    def iter_records(self, relevant_only: bool = False) -> Iterator[dict]:
        """Every archived article as a record of the shared schema (officials, rankings, documents nested)."""
        return iter_records(self.db, relevant_only=relevant_only)

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

