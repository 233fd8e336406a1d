"""An article's reading page (`/archive/articles/<id>`): headline, dates, province then and now, the
body as paragraphs, the facts beside it, each linked to its evidence sentence highlighted in the
body; the original address, the preserved copy (sandboxed) and the other versions of the page."""
from __future__ import annotations

import sqlite3

from cchc.web import common
from cchc.web.markup import Mark, locate, merge, paragraphs

QUALIFIER_WORDS = {"over": "more than", "about": "about", "under": "almost", "exact": ""}


def _officials(conn: sqlite3.Connection, article_id: int) -> list[dict]:
    """One entry per person, in order of first mention, with every mention of the article."""
    mentions = common.rows(conn, """
        SELECT ap.id, ap.person_id, p.name, p.scope, ap.name_as_written, ap.title, ap.honorific,
               ap.evidence, ap.span_start, ap.span_end
        FROM appearances ap JOIN people p ON p.id = ap.person_id
        WHERE ap.article_id = ? ORDER BY coalesce(ap.span_start, 1e18), ap.id""", [article_id])
    people: dict[int, dict] = {}
    for m in mentions:
        person = people.setdefault(m["person_id"], {
            "person_id": m["person_id"], "name": m["name"], "scope": m["scope"], "title": None,
            "honorific": None, "mentions": [], "href": common.person_path(m["person_id"])})
        person["mentions"].append(m)
        if m["title"] and len(m["title"]) > len(person["title"] or ""):
            person["title"] = m["title"]
        person["honorific"] = person["honorific"] or m["honorific"]
    return list(people.values())


def article_context(conn: sqlite3.Connection, article_id: int) -> dict | None:
    """Everything the article page shows, or None when there is no such article."""
    article = common.one(conn, "SELECT * FROM articles WHERE id = ?", [article_id])
    if article is None:
        return None
    text = article["text"] or ""
    facts: list[dict] = []
    marks: list[Mark] = []

    def add(kind: str, label: str, detail: str | None, evidence: str | None, near: int | None = None,
            href: str | None = None) -> dict:
        fact = {"id": f"fact-{len(facts) + 1}", "kind": kind, "label": label, "detail": detail,
                "evidence": evidence, "href": href, "anchor": None}
        span = locate(text, evidence, near)
        if span:
            marks.append(Mark(span[0], span[1], [fact["id"]]))
        fact["_span"] = span
        facts.append(fact)
        return fact

    if article["event_start"]:
        when = article["event_start"]
        if article["event_end"] and article["event_end"] != article["event_start"]:
            when += f" to {article['event_end']}"
        add("dates", "Event dates", when, article["event_evidence"])
    if article["learners_count"] is not None:
        qualifier = QUALIFIER_WORDS.get(article["learners_qualifier"] or "", "")
        add("learners", "Learners", f"{qualifier} {article['learners_count']:,}".strip()
            + (f" ({article['learners_text']})" if article["learners_text"] else ""),
            article["learners_evidence"])
    if article["venues_count"] is not None:
        add("venues", "Venues", f"{article['venues_count']} venue(s) or online points", article["venues_evidence"])
    officials = _officials(conn, article_id)
    for person in officials:
        first = person["mentions"][0]
        fact = add("official", person["name"],
                   ", ".join(x for x in (person["honorific"], person["title"]) if x) or None,
                   first["evidence"], first["span_start"], person["href"])
        if fact["_span"] is None and first["span_start"] is not None and first["span_end"]:
            marks.append(Mark(first["span_start"], first["span_end"], [fact["id"]]))
            fact["_span"] = (first["span_start"], first["span_end"])
        for mention in person["mentions"][1:]:  # every sentence naming the person is highlighted
            span = locate(text, mention["evidence"], mention["span_start"])
            if span is None and mention["span_start"] is not None and mention["span_end"]:
                span = (mention["span_start"], mention["span_end"])
            if span:
                marks.append(Mark(span[0], span[1], [fact["id"]]))
    for r in common.rows(conn, "SELECT * FROM rankings WHERE article_id = ? ORDER BY id", [article_id]):
        rank = f"{r['rank']}/{r['total']}" if r["total"] else f"{r['rank']}"
        detail = f"{r['subject'] or '?'}: {rank} in {r['year'] or '?'}"
        if r["change"]:
            detail += f" ({r['change']:+d} places)"
        add("ranking", r["index_name"] or "Ranking", detail, r["evidence"])
    for d in common.rows(conn, "SELECT * FROM documents WHERE article_id = ? ORDER BY id", [article_id]):
        add("document", d["number"], ", ".join(x for x in (d["kind"], d["date"]) if x) or None, d["evidence"])

    merged = merge(marks)
    for fact in facts:
        span = fact.pop("_span")
        if span:
            fact["anchor"] = next(m.anchor for m in merged if m.start <= span[0] < m.end)
    versions = common.rows(conn, """
        SELECT id, fetched_at, last_seen_at, status, content_hash FROM pages
        WHERE url = ? ORDER BY fetched_at, id""", [article["url"]])
    for v in versions:
        v["href"] = common.archived_path(v["id"])
        v["current"] = v["id"] == article["page_id"]
    return {
        "article": article,
        "paragraphs": paragraphs(text, merged),
        "facts": facts,
        "officials": officials,
        "versions": versions,
        "archived_href": common.archived_path(article["page_id"]) if article["page_id"] else None,
        "province_href": common.province_path(article["province"]),
        "province_now_href": common.province_path(article["province_now"]),
        "marked": len(merged),
    }
