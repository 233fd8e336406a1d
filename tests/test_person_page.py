"""A person's page (`/archive/people/<id>`): headed by the name, appearances grouped by article and
date (three mentions in one article are one article), titles over time, provinces, links."""
from __future__ import annotations

import sqlite3

from publish_fixtures import client, published_db  # noqa: F401
from publish_client import Elements, text_of  # noqa: E402


def person_with_most_mentions_in_one_article(db) -> tuple[int, str, int, int]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("""
            SELECT p.id, p.name, ap.article_id, count(*) AS n FROM appearances ap JOIN people p ON p.id = ap.person_id
            GROUP BY ap.person_id, ap.article_id ORDER BY n DESC, p.id LIMIT 1""").fetchone()
    finally:
        conn.close()


def test_headed_by_the_name(client, published_db):
    person_id, name, _, _ = person_with_most_mentions_in_one_article(published_db)
    html = client.html(f"/archive/people/{person_id}")
    page = Elements(html)
    assert [text_of(h) for h in page.select("h1")] == [name]
    assert f"<title>{name} · CCHC archive</title>" in html


def test_mentions_in_one_article_are_one_appearance(client, published_db):
    person_id, _, article_id, mentions = person_with_most_mentions_in_one_article(published_db)
    assert mentions >= 2  # the demo has a person named several times in one article
    page = Elements(client.html(f"/archive/people/{person_id}"))
    conn = sqlite3.connect(published_db)
    articles = conn.execute("SELECT count(DISTINCT article_id), count(*) FROM appearances WHERE person_id = ?",
                            [person_id]).fetchone()
    conn.close()
    entries = page.select("li", "cchc-appearance")
    assert len(entries) == articles[0]
    links = [a["attrs"]["href"] for a in page.found if a["tag"] == "a"]
    assert f"/archive/articles/{article_id}" in links
    entry = next(e for e in entries if f"{mentions} mentions" in text_of(e))
    assert entry
    assert f"named in {articles[0]} article" in text_of(page.select("p", "cchc-meta")[0])


def test_titles_over_time_and_provinces(client, published_db):
    conn = sqlite3.connect(published_db)
    person_id, n_titles = conn.execute("""
        SELECT person_id, count(DISTINCT lower(title)) FROM appearances WHERE title IS NOT NULL
        GROUP BY person_id ORDER BY 2 DESC, person_id LIMIT 1""").fetchone()
    provinces = {r[0] for r in conn.execute(
        "SELECT DISTINCT a.province FROM appearances ap JOIN articles a ON a.id = ap.article_id WHERE ap.person_id = ?",
        [person_id]) if r[0]}
    conn.close()
    page = Elements(client.html(f"/archive/people/{person_id}"))
    titles = page.select("span", "cchc-title")
    assert 1 <= len(titles) <= n_titles
    section = page.select("section", "cchc-places")[0]
    for province in provinces:
        assert province in text_of(section)
    province_links = [a["attrs"]["href"] for a in page.found if a["tag"] == "a" and a["attrs"].get("href", "").startswith("/-/province/")]
    assert province_links
    for href in set(province_links):
        assert client.get(href).status_code == 200, href


def test_unknown_person(client):
    assert client.get("/archive/people/987654321").status_code == 404
