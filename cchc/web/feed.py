"""Atom feeds of newly archived training events (`/-/feed.atom`, `/-/feed/<province>.atom`).

Newest first by archive order (an article's id is given when it is first archived and kept by
re-extraction), at most FEED_LIMIT entries. Each entry links to the article's reading page; its
id is a tag: URI built from the original address, so it stays the same whoever serves the archive."""
from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

from cchc.web import common

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50
FEED_TITLE = "CCHC archive: newly archived training events"


def _atom_time(value: str | None) -> str:
    if not value:
        return "1970-01-01T00:00:00Z"
    if len(value) == 10:
        return value + "T00:00:00Z"
    return value.replace("+00:00", "Z")


def feed_entries(conn: sqlite3.Connection, province: str | None = None, era: str = "then") -> list[dict]:
    """The newest relevant articles (optionally of one province), newest first."""
    # "+": not by the relevance index (which would sort every relevant article), but newest ids
    # first until FEED_LIMIT relevant ones are found; a province's feed goes by its index
    where, params = "+a.relevant = 1", []
    if province:
        where += f" AND a.{'province' if era == 'then' else 'province_now'} = ?"
        params.append(province)
    return common.rows(conn, f"""
        SELECT a.id, a.title, a.url, a.province, a.province_now, a.published_date, a.event_start,
               a.event_type, a.learners_count, a.learners_text, p.fetched_at
        FROM articles a LEFT JOIN pages p ON p.id = a.page_id
        WHERE {where} ORDER BY a.id DESC LIMIT {FEED_LIMIT}""", params)


def atom_feed(entries: list[dict], base_url: str, self_path: str, title: str = FEED_TITLE) -> bytes:
    """The Atom document for `entries`; links absolute under `base_url` (e.g. http://127.0.0.1:8001)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "tag:cchc-archive,2025:" + self_path
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base_url + self_path)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base_url + "/archive/events")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = max(
        (_atom_time(e["fetched_at"]) for e in entries), default=_atom_time(None))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "cchc-archive"
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = e["title"] or e["url"]
        ET.SubElement(entry, f"{{{ATOM}}}id").text = "tag:cchc-archive,2025:" + (e["url"] or str(e["id"]))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=base_url + common.article_path(e["id"]))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="via", href=e["url"] or "")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _atom_time(e["fetched_at"] or e["published_date"])
        if e["published_date"]:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _atom_time(e["published_date"])
        if e["province"]:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=e["province"])
        facts = [x for x in (
            e["province"] and f"Province: {e['province']}" + (
                f" (now {e['province_now']})" if e["province_now"] and e["province_now"] != e["province"] else ""),
            e["event_type"], e["event_start"] and f"Event: {e['event_start']}",
            e["learners_count"] is not None and f"Learners: {e['learners_text'] or e['learners_count']}",
        ) if x]
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = " · ".join(facts)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
