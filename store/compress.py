"""Page-body compression: zstd with one trained dictionary per site.

Every page of a portal repeats the same chrome (menus, scripts, footers), so a body compressed
alone (zlib: ~23% of its size on the large replay) mostly stores what the site's other pages
already hold. A zstd dictionary trained on a site's first `TRAIN_PAGES` bodies captures that chrome:
later bodies compress to ~1.5% (measured on the large replay, 3,177 pages; line-level
content-addressed blocks reached 8.3%, so the dictionary won).

Encodings kept in `pages.body_encoding` (old rows stay readable):
- "zlib"       the archive's first format;
- "zstd"       zstd without dictionary (a site's first pages, before its dictionary exists);
- "zstd-dict"  zstd with the dictionary `pages.dictionary_id` (table `dictionaries`);
- "gzip", "deflate"  the bytes as received with their Content-Encoding (never re-encoded);
- "identity"   stored as is.

When a site reaches TRAIN_PAGES bodies without a dictionary, one is trained from them, stored,
and those bodies are re-encoded with it (each checked byte for byte before its row is replaced).
"""
from __future__ import annotations

import sqlite3
import zlib
from typing import Iterable

import zstandard

TRAIN_PAGES = 256
# Rows the dictionary may re-encode: not those kept as received with their Content-Encoding
# (gzip/deflate wire bytes, which a WARC export must give back exactly).
_REENCODABLE = "body_encoding IN ('zstd', 'zlib')"
DICT_SIZE = 128 * 1024
LEVEL = 9          # with the dictionary: 1.5% at ~0.4 ms a page (level 12: 1.4% at 2.4 ms)
PLAIN_LEVEL = 6    # before the dictionary exists (a short while per site)


class BodyCodec:
    """Encode and decode page bodies of one archive connection (dictionaries cached in memory)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._decoders: dict[int, zstandard.ZstdDecompressor] = {}
        self._encoders: dict[str | None, tuple[int, zstandard.ZstdCompressor] | None] = {}
        self._plain = zstandard.ZstdCompressor(level=PLAIN_LEVEL)
        self._plain_decoder = zstandard.ZstdDecompressor()

    def ensure_schema(self) -> None:
        """The `dictionaries` table and the `pages.dictionary_id` column (added to old archives)."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS dictionaries (id INTEGER PRIMARY KEY, site TEXT, "
                          "samples INTEGER, size INTEGER, level INTEGER, dict BLOB NOT NULL)")
        self.conn.execute("CREATE INDEX IF NOT EXISTS idx_dictionaries_site ON dictionaries (site)")
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(pages)")}
        if columns and "dictionary_id" not in columns:
            self.conn.execute("ALTER TABLE pages ADD COLUMN dictionary_id INTEGER REFERENCES dictionaries(id)")

    # -- reading ----------------------------------------------------------------------------------
    def read(self, page_id: int, keep_content_encoding: bool = False) -> bytes:
        """The body of page `page_id` (KeyError if there is no such page): the entity, or with
        `keep_content_encoding` a gzip/deflate body exactly as it came over the wire."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(pages)")}
        did = "dictionary_id" if "dictionary_id" in columns else "NULL"
        row = self.conn.execute(f"SELECT body, body_encoding, {did} FROM pages WHERE id = ?", [page_id]).fetchone()
        if row is None:
            raise KeyError(page_id)
        if keep_content_encoding and row[1] in ("gzip", "deflate"):
            return bytes(row[0])
        return self.decode(*row)

    def decode(self, blob: bytes | None, encoding: str | None, dictionary_id: int | None = None) -> bytes:
        """The original body bytes of a stored blob."""
        if blob is None:
            return b""
        if encoding == "zlib":
            return zlib.decompress(blob)
        if encoding == "zstd":
            return self._plain_decoder.decompress(blob)
        if encoding == "zstd-dict":
            return self._decoder(dictionary_id).decompress(blob)
        if encoding == "gzip":  # kept as received on the wire (store.archive.save_page)
            return zlib.decompress(blob, 31)
        if encoding == "deflate":
            try:
                return zlib.decompress(blob)
            except zlib.error:  # raw deflate, as some servers send it
                return zlib.decompress(blob, -15)
        if encoding in (None, "", "identity"):
            return bytes(blob)
        raise ValueError(f"unknown body encoding {encoding!r}")

    def _decoder(self, dictionary_id: int | None) -> zstandard.ZstdDecompressor:
        if dictionary_id not in self._decoders:
            row = self.conn.execute("SELECT dict FROM dictionaries WHERE id = ?", [dictionary_id]).fetchone()
            if row is None:
                raise ValueError(f"page body needs dictionary {dictionary_id}, which is missing")
            self._decoders[dictionary_id] = zstandard.ZstdDecompressor(
                dict_data=zstandard.ZstdCompressionDict(row[0]))
        return self._decoders[dictionary_id]

    # -- writing ----------------------------------------------------------------------------------
    def encode(self, body: bytes, site: str | None) -> tuple[bytes, str, int | None]:
        """(blob, encoding, dictionary id) for a new body of `site`."""
        encoder = self._encoder(site)
        if encoder is None:
            return self._plain.compress(body), "zstd", None
        dictionary_id, compressor = encoder
        return compressor.compress(body), "zstd-dict", dictionary_id

    def _encoder(self, site: str | None) -> tuple[int, zstandard.ZstdCompressor] | None:
        if self._encoders.get(site) is None:
            row = self.conn.execute("SELECT id, dict FROM dictionaries WHERE site IS ? ORDER BY id DESC LIMIT 1",
                                    [site]).fetchone()
            self._encoders[site] = None if row is None else (row[0], zstandard.ZstdCompressor(
                level=LEVEL, dict_data=zstandard.ZstdCompressionDict(row[1])))
        return self._encoders[site]

    def after_insert(self, site: str | None) -> None:
        """Called after a page of `site` was stored: train the site's dictionary once it has
        TRAIN_PAGES bodies without one (cheap check: only while the site has no dictionary)."""
        if self._encoder(site) is not None:
            return
        count = self.conn.execute(f"SELECT count(*) FROM pages WHERE site IS ? AND {_REENCODABLE}",
                                  [site]).fetchone()[0]
        if count >= TRAIN_PAGES:
            self.train(site)

    def train(self, site: str | None, limit: int = TRAIN_PAGES) -> int | None:
        """Train and store a dictionary for `site` from its first `limit` bodies, then re-encode the
        site's dictionary-less bodies with it. Returns the dictionary id (None: too few samples)."""
        rows = self.conn.execute("SELECT id, body, body_encoding, dictionary_id FROM pages WHERE site IS ? "
                                 "ORDER BY id LIMIT ?", [site, limit]).fetchall()
        samples = [self.decode(blob, enc, did) for _, blob, enc, did in rows]
        samples = [s for s in samples if s]
        if len(samples) < 8:
            return None
        try:
            trained = zstandard.train_dictionary(DICT_SIZE, samples)
        except zstandard.ZstdError:  # too little or too uniform data to train on
            return None
        with self.conn:
            cursor = self.conn.execute("INSERT INTO dictionaries (site, samples, size, level, dict) VALUES (?, ?, ?, ?, ?)",
                                       [site, len(samples), len(trained.as_bytes()), LEVEL, trained.as_bytes()])
            dictionary_id = cursor.lastrowid
        self._encoders.pop(site, None)
        self.recompress(self.conn.execute(f"SELECT id FROM pages WHERE site IS ? AND {_REENCODABLE}",
                                          [site]).fetchall())
        return dictionary_id

    def recompress(self, page_ids: Iterable[tuple[int]]) -> int:
        """Re-encode the given pages with their site's dictionary; each result is decoded and
        compared with the original before the row changes. Returns how many were rewritten."""
        done = 0
        with self.conn:
            for (page_id,) in page_ids:
                blob, enc, did, site = self.conn.execute(
                    "SELECT body, body_encoding, dictionary_id, site FROM pages WHERE id = ?", [page_id]).fetchone()
                body = self.decode(blob, enc, did)
                new_blob, new_enc, new_did = self.encode(body, site)
                if new_did is None or self.decode(new_blob, new_enc, new_did) != body:
                    continue
                self.conn.execute("UPDATE pages SET body = ?, body_encoding = ?, dictionary_id = ? WHERE id = ?",
                                  [new_blob, new_enc, new_did, page_id])
                done += 1
        return done
