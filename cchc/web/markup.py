"""Crawled text to safe HTML with our own highlights: the text is always escaped first.

`paragraphs(text, marks)` splits an article body on its line breaks and wraps the marked spans in
`<mark>`; `locate(text, sentence, near)` finds where an evidence sentence sits in the body (exactly,
else ignoring diacritics and case, offsets kept by the aligned fold of extract/document.py);
`snippet_html(fragment)` turns an FTS5 snippet with our private markers into escaped HTML."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from extract.document import fold_aligned

# Private-use characters FTS5 snippet() puts around a match; they never occur in crawled text
# (extract/ drops control and private-use characters), so they cannot be forged by a page.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"


@dataclass
class Mark:
    """A highlighted span of the body and the facts (anchors) read from it."""

    start: int
    end: int
    facts: list[str] = field(default_factory=list)
    anchor: str = ""


def locate(text: str, sentence: str | None, near: int | None = None) -> tuple[int, int] | None:
    """Span of `sentence` in `text` (the occurrence nearest `near`), or None when it is not there."""
    if not sentence or not text:
        return None
    sentence = sentence.strip()
    for haystack, needle in ((text, sentence), (fold_aligned(text), fold_aligned(sentence))):
        spans = []
        start = haystack.find(needle)
        while start != -1 and len(spans) < 50:
            spans.append((start, start + len(needle)))
            start = haystack.find(needle, start + 1)
        if spans:
            if near is None:
                return spans[0]
            return min(spans, key=lambda s: 0 if s[0] <= near < s[1] else min(abs(s[0] - near), abs(s[1] - near)))
    return None


def merge(marks: list[Mark]) -> list[Mark]:
    """Overlapping marks as one (facts joined), in text order, each with its anchor `ev-N`."""
    merged: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, m.end)):
        if merged and mark.start < merged[-1].end:
            merged[-1].end = max(merged[-1].end, mark.end)
            merged[-1].facts += [f for f in mark.facts if f not in merged[-1].facts]
        else:
            merged.append(Mark(mark.start, mark.end, list(mark.facts)))
    for number, mark in enumerate(merged, 1):
        mark.anchor = f"ev-{number}"
    return merged


def paragraphs(text: str, marks: list[Mark]) -> list[Markup]:
    """The body as escaped paragraphs, marked spans wrapped in <mark id=… data-facts=…>."""
    out: list[Markup] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        pieces, cursor = [], start
        for mark in marks:
            if mark.end <= start or mark.start >= end:
                continue
            lo, hi = max(mark.start, start), min(mark.end, end)
            pieces.append(escape(text[cursor:lo]))
            first = lo == mark.start
            attrs = Markup(' id="{}"').format(mark.anchor) if first else Markup("")
            pieces.append(Markup('<mark class="cchc-evidence"{} data-facts="{}">{}</mark>').format(
                attrs, " ".join(mark.facts), text[lo:hi]))
            cursor = hi
        pieces.append(escape(text[cursor:end]))
        out.append(Markup("").join(pieces))
    return out


def snippet_html(fragment: str | None) -> Markup:
    """An FTS5 snippet (our markers around the hits) as escaped HTML with <mark> around the hits."""
    if not fragment:
        return Markup("")
    html = str(escape(fragment))
    return Markup(html.replace(HIT_OPEN, '<mark class="cchc-hit">').replace(HIT_CLOSE, "</mark>"))
