"""A province's page (`/-/province/<name>`): events over time, learners per year, rankings stated
by its own articles, its officials; old and post-2025 names, diacritics optional."""
from __future__ import annotations

import sqlite3
import urllib.parse

from publish_fixtures import client, published_db  # noqa: F401
from publish_client import Elements, text_of  # noqa: E402


def q(db, sql, args=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def busiest_province(db) -> str:
    return q(db, "SELECT province FROM articles WHERE relevant = 1 GROUP BY province ORDER BY count(*) DESC, province LIMIT 1")[0][0]


def test_events_and_learners_per_year(client, published_db):
    province = busiest_province(published_db)
    page = Elements(client.html("/-/province/" + urllib.parse.quote(province)))
    assert [text_of(h) for h in page.select("h1")] == [province]
    events = q(published_db, "SELECT id FROM articles WHERE relevant = 1 AND province = ?", [province])
    listed = [a["attrs"]["href"] for e in page.select("ol", "cchc-events") for a in page.found
              if a["tag"] == "a" and a["attrs"].get("href", "").startswith("/archive/articles/")]
    assert {f"/archive/articles/{i}" for (i,) in events} <= set(listed)
    rows = page.select("table", "cchc-per-year")[0]
    expected = q(published_db, "SELECT event_year, count(*), sum(learners_count) FROM articles WHERE relevant = 1 AND "
                               "province = ? AND event_year IS NOT NULL GROUP BY event_year", [province])
    cells = [text_of(td) for td in page.found if td["tag"] == "td" and td in page.found[page.found.index(rows):]]
    for year, count, learners in expected:
        i = cells.index(str(year))
        assert cells[i + 1] == str(count)
        if learners is not None:
            assert cells[i + 2].startswith(f"{learners:,}")


def test_rankings_are_the_provinces_own(client, published_db):
    rankings = q(published_db, """SELECT a.province, r.index_name, r.year, r.rank, r.total FROM rankings r
                                  JOIN articles a ON a.id = r.article_id WHERE r.subject = a.province""")
    assert rankings, "the demo states at least one province's own ranking"
    province, index_name, year, rank, total = rankings[0]
    html = client.html("/-/province/" + urllib.parse.quote(province))
    page = Elements(html)
    assert index_name in [text_of(h) for h in page.select("h3")]
    assert f"{rank}/{total}" in html
    others = q(published_db, """SELECT r.rank, r.total FROM rankings r JOIN articles a ON a.id = r.article_id
                                WHERE a.province = ? AND r.subject IS NOT a.province AND r.rank IS NOT NULL""", [province])
    tables = " ".join(text_of(t) for t in page.select("table", "cchc-rankings"))
    for rank_other, total_other in others:
        if (rank_other, total_other) not in {(r[3], r[4]) for r in rankings if r[0] == province}:
            assert f"{rank_other}/{total_other}" not in tables


def test_officials_link_to_their_pages(client, published_db):
    province = busiest_province(published_db)
    page = Elements(client.html("/-/province/" + urllib.parse.quote(province)))
    people = q(published_db, """SELECT DISTINCT ap.person_id FROM appearances ap JOIN articles a ON a.id = ap.article_id
                                WHERE a.province = ? AND a.relevant = 1""", [province])
    links = {a["attrs"]["href"] for a in page.found if a["tag"] == "a" and a["attrs"].get("href", "").startswith("/archive/people/")}
    assert links == {f"/archive/people/{p}" for (p,) in people}


def test_names_without_diacritics_and_after_the_merger(client, published_db):
    assert "Vĩnh Phúc" in text_of(Elements(client.html("/-/province/vinh%20phuc")).select("h1")[0])
    page = client.html("/-/province/" + urllib.parse.quote("Phú Thọ") + "?now=1")
    vinh_phuc = q(published_db, "SELECT id FROM articles WHERE relevant = 1 AND province = 'Vĩnh Phúc'")
    for (article_id,) in vinh_phuc:  # Vĩnh Phúc belongs to Phú Thọ since 1 July 2025
        assert f'href="/archive/articles/{article_id}"' in page
    assert client.get("/-/province/Atlantis").status_code == 404
