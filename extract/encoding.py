"""Bytes of a web page to text: which encoding, and how sure we are.

Order of trust: the HTTP header's charset, a byte-order mark, the page's own <meta> declaration,
then a detector (charset-normalizer, which knows windows-1258 and Vietnamese). A declaration is
believed only if the body decodes under it without error: a page declared UTF-8 but written in
windows-1258 goes on to the next witness instead of becoming text full of U+FFFD. Only when every
witness fails is the body decoded as UTF-8 with replacement characters, and `replaced` says how
many, so the caller can refuse such a page as an article rather than store it silently.

The result is NFC: windows-1258 writes tone marks as combining characters.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

# Names that codecs.lookup accepts but that are not text encodings a web page can be in (a
# `<meta charset=idna>` would otherwise raise or decode nonsense).
_NOT_PAGE_ENCODINGS = {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "utf-7", "uu", "base64",
                       "hex", "quopri", "rot-13", "zlib", "bz2", "undefined", "mbcs", "oem"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DETECT_BYTES = 256 * 1024


@dataclass(frozen=True)
class Decoded:
    """A decoded page: its text, the codec used, which witness chose it, and how many bytes could
    not be decoded (U+FFFD put in their place; 0 unless every witness failed)."""

    text: str
    encoding: str
    source: str          # "header" | "bom" | "meta" | "detector" | "fallback"
    replaced: int = 0


def page_encoding(name: str | bytes | None) -> str | None:
    """The Python codec for a declared charset name, or None when it is no usable page encoding."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    name = name.strip().strip("\"'").lower()
    if name in ("x-user-defined",):
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    canonical = info.name.replace("_", "-")
    if canonical in _NOT_PAGE_ENCODINGS or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def header_charset(content_type: str | bytes | None) -> str | None:
    """The charset parameter of a Content-Type header value, as declared (or None)."""
    if not content_type:
        return None
    if isinstance(content_type, str):
        content_type = content_type.encode("latin-1", "ignore")
    m = _CHARSET.search(content_type)
    return m.group(1).decode("ascii", "ignore") if m else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in its first 4 kB (<meta charset> or http-equiv), or None."""
    head = body[:4096]
    for m in re.finditer(rb"<meta\b[^>]*>", head, re.I):
        found = _CHARSET.search(m.group(0))
        if found:
            return found.group(1).decode("ascii", "ignore")
    return None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_page(body: bytes, content_type: str | bytes | None = None) -> Decoded:
    """Decode a page body; see the module docstring for the order of trust."""
    declared = page_encoding(header_charset(content_type))
    if declared:
        text = _strict(body, declared)
        if text is not None:
            return Decoded(unicodedata.normalize("NFC", text), declared, "header")
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = _strict(body, encoding)
            if text is not None:
                return Decoded(unicodedata.normalize("NFC", text.lstrip("\ufeff")), encoding, "bom")
    meta = page_encoding(meta_charset(body))
    if meta:
        text = _strict(body, meta)
        if text is not None:
            return Decoded(unicodedata.normalize("NFC", text), meta, "meta")
    if _strict(body, "utf-8") is not None:  # undeclared but valid UTF-8: the detector cannot do better
        return Decoded(unicodedata.normalize("NFC", body.decode("utf-8")), "utf-8", "detector")
    guess = _detect(body)
    if guess:
        text = _strict(body, guess)
        if text is not None:
            return Decoded(unicodedata.normalize("NFC", text), guess, "detector")
    text = body.decode("utf-8", errors="replace")
    return Decoded(unicodedata.normalize("NFC", text), "utf-8", "fallback", text.count("\ufffd"))


def _detect(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # the detector is optional; without it the fallback decides
        return None
    best = from_bytes(body[:_DETECT_BYTES]).best()
    return page_encoding(best.encoding) if best is not None else None
