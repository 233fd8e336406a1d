"""Guards at the entry of extraction: any input gives a record, in bounded time, that fits the schema.

- `cap_nesting`: HTML nested deeper than MAX_DEPTH (a 10,000-level <div> tower) is flattened in one
  linear pass: tags past the cap are left out, their text kept. Without it the tree walkers recurse
  (RecursionError) or go quadratic, and lxml silently drops everything below depth 255.
- `plausible_record`: dates outside PLAUSIBLE_YEARS become null (a CCHC news page neither predates the
  1990s nor comes from the future), and list entries missing a value the schema requires are left
  out, so every output validates against shared/schema/article.schema.json.
"""
from __future__ import annotations

import datetime as dt
import re

MAX_DEPTH = 180
FIRST_PLAUSIBLE_YEAR = 1990
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
         "param", "keygen", "command", "basefont", "frame", "isindex"}
_SELF_CLOSING_SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot"}
_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9:_-]*)\b[^>]*>", re.S)
_RAW_TEXT_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I),
                 "textarea": re.compile(r"</textarea\s*>", re.I)}
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")




def _raw_text(name: str) -> str:
    # an opening tag whose name (as _TOKEN reads it, ASCII letters, longest name followed by \b) is
    # `name`, not self-closing, then its raw text up to the first closing tag _RAW_TEXT_END finds
    cased = "".join(f"[{c.upper()}{c}]" for c in name)
    return rf"({cased})\b(?![A-Za-z0-9:_-]+\b)[^>]*(?<!/)>[^<]*(?:<(?!(?i:/{name}\s*>))[^<]*)*"


# The tokens cap_nesting's loop visits, in one findall: comments; script/style/textarea openers with
# their raw text consumed (the loop jumps over it); other tags as (slash, name, "/" when self-closing).
_FAST_TOKEN = re.compile(r"<(?:!--.*?(?:-->|$)|" + "|".join(_raw_text(n) for n in _RAW_TEXT_END)
                         + r"|(/?)([A-Za-z][A-Za-z0-9:_-]*)\b[^>/]*(?:/(?!>)[^>/]*)*(/?)>)", re.S)


def cap_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """`html` with elements nested deeper than `max_depth` unwrapped (their content kept); the
    input itself when it is not that deep. Linear time."""
    if html.count("<") < max_depth:
        return html
    # The common case, a page never that deep, is decided over findall's tuples (3x faster than the
    # token-by-token search below); the first tag that would be cut hands the page to that search.
    stack: list[str] = []
    pop, push = stack.pop, stack.append
    for script, style, textarea, slash, name, self_closing in _FAST_TOKEN.findall(html):
        if name:
            name = name.lower()
            if slash:
                if name in stack:
                    while pop() != name:
                        pass
                continue
            if self_closing or name in _VOID:
                continue
        elif script or style or textarea:
            name = (script or style or textarea).lower()
        else:
            continue  # a comment
        if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            pop()
        if len(stack) >= max_depth:
            return _cut_nesting(html, max_depth)
        push(name)
    return html


def _cut_nesting(html: str, max_depth: int) -> str:
    """cap_nesting's cuts, token by token."""
    stack: list[str] = []
    dropped: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _TOKEN.search(html, pos)
        if m is None:
            break
        pos = m.end()
        name = (m.group(2) or "").lower()
        if not name:  # a comment
            continue
        if m.group(1):  # a closing tag
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append(m.span())
            elif name in stack[-max_depth:]:
                while stack and stack.pop() != name:
                    pass
            continue
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            stack.pop()  # <p>…<p>: the parser closes the first; no deeper nesting
        if len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append(m.span())
        else:
            stack.append(name)
        end = _RAW_TEXT_END.get(name)
        if end is not None:  # the text of a script or style is no markup
            close = end.search(html, pos)
            pos = close.start() if close else len(html)
    if not cuts:
        return html
    parts, last = [], 0
    for start, stop in cuts:
        parts.append(html[last:start])
        last = stop
    parts.append(html[last:])
    return "".join(parts)


def _plausible_date(value, last_year: int):
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value if FIRST_PLAUSIBLE_YEAR <= day.year <= last_year else None


def plausible_record(record: dict, today: dt.date | None = None) -> dict:
    """The record with implausible dates nulled and schema-breaking list entries left out."""
    last_year = (today or dt.date.today()).year + 1
    for key in ("published_date", "event_start", "event_end"):
        if key in record:
            record[key] = _plausible_date(record[key], last_year)
    rankings = []
    for r in record.get("rankings") or []:
        if isinstance(r.get("year"), int) and not isinstance(r.get("year"), bool) \
                and FIRST_PLAUSIBLE_YEAR <= r["year"] <= last_year:
            rankings.append(r)
    record["rankings"] = rankings
    documents = []
    for d in record.get("documents") or []:
        if isinstance(d.get("number"), str):
            documents.append({**d, "date": _plausible_date(d.get("date"), last_year)})
    record["documents"] = documents
    learners = record.get("learners")
    if learners is not None and not (isinstance(learners.get("count"), int) and learners["count"] >= 0):
        record["learners"] = None
    if not isinstance(record.get("venues_count"), int) or isinstance(record.get("venues_count"), bool):
        record["venues_count"] = None
    return record
