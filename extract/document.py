"""The one document every fact finder reads: a page's body parsed and normalised once.

`Document(text)` holds the NFC body, its sentence index and a folded copy aligned character for
character with the text (so a match found in the folded copy is a span of the text). Fact finders
take a `Document` (or a plain string, wrapped by `as_document`), instead of each normalising and
indexing the text again.
"""
from __future__ import annotations

import unicodedata
from functools import cached_property, lru_cache

from extract.normalize import SentenceIndex, nfc


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """The `str.translate` table of `fold_aligned`, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch.lower() if code <= 127 else _fold_char(ch)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def fold_aligned(text: str) -> str:
    """`text` without diacritics, đ→d, lower case, one character per character of `text`."""
    return text.translate(_FOLD_TABLE)


class Document:
    """A body text in NFC with its sentences and its folded copy, each computed once on demand."""

    __slots__ = ("text", "title", "__dict__")

    def __init__(self, text: str | None, title: str | None = None):
        self.text = nfc(text)
        self.title = nfc(title) if title else None

    @cached_property
    def sentences(self) -> SentenceIndex:
        """The sentence index of the text (for evidence)."""
        return SentenceIndex(self.text)

    @cached_property
    def folded(self) -> str:
        """The text folded for matching (`fold_aligned`): same length, same offsets."""
        return fold_aligned(self.text)

    def evidence(self, start: int, end: int) -> str:
        """The sentence(s) holding the span [start, end) of the text."""
        return self.sentences.evidence(start, max(start + 1, end))


def as_document(text: "str | Document | None") -> Document:
    """A `Document` for `text` (itself when it already is one)."""
    return text if isinstance(text, Document) else Document(text)
