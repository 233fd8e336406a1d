"""Assemble the article record (shared/schema/article.schema.json) from a parsed page.

Every fact finder reads the same clean body text; the record keeps, beside the schema fields,
an `evidence` map (sentence per fact) that the archive stores and Datasette shows.
"""
from __future__ import annotations

import datetime as dt

from extract import bylines, classify, dates, documents, officials, quantities, rankings
from extract.document import Document
from extract.normalize import person_key
from extract.page import Page


def _iso_to_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def build_record(page: Page, url: str | None = None, province: str | None = None) -> dict:
    """The schema record for a parsed page. `province` (from the site config) wins over the
    province read from the text."""
    doc = Document(page.text, page.title)  # parsed once, read by every fact finder
    text = doc.text
    title = page.title or ""
    published = _iso_to_date(page.published_date)
    # the site config's province wins; then the text; then credits ("Thu Hằng (Báo Quảng Ninh)")
    province = (province or classify.find_province(title, doc, url)
                or classify.find_province(None, "\n".join(page.credits)))
    relevant = classify.is_relevant(title, doc)
    kind = classify.event_type(title, doc)
    if classify.reports_training(relevant, kind):
        event = dates.find_event_dates(doc, published=published, title=title)
        learners = quantities.find_learners(doc)
        venues = quantities.find_venues(doc)
    else:
        # a meeting, announcement, inspection, ceremony or notice: no event dates, learners or venues
        # (conventions.md: "Non-training articles: both null", "Non-training events → null")
        event, learners, venues = {"start": None, "end": None, "evidence": None}, None, None
    people = [p for p in officials.find_officials(doc, byline=page.author)
              if not page.author or person_key(p["name"]) != person_key(page.author)]
    found_rankings = rankings.find_rankings(doc, published_year=published.year if published else None,
                                            province=province)
    found_documents = documents.find_documents(doc, published=published)
    return {
        "url": url,
        "title": page.title,
        "published_date": page.published_date,
        "author": page.author,
        # a source credit ("Nguồn: Báo …", "Theo TTXVN") is no author; kept beside it (conventions.md)
        "source": bylines.find_source(page.credits + text.split("\n", 1)[:1]),
        "text": text,
        "relevant": relevant,
        "province": province,
        "event_type": kind,
        "event_start": event.get("start"),
        "event_end": event.get("end"),
        "learners": {k: learners[k] for k in ("count", "qualifier", "text")} if learners else None,
        "venues_count": venues["count"] if venues else None,
        "officials": people,
        "rankings": found_rankings,
        "documents": found_documents,
        "evidence": {
            "event_dates": event.get("evidence"),
            "learners": learners.get("evidence") if learners else None,
            "venues": venues.get("evidence") if venues else None,
            "published_date": page.date_line,
        },
    }
