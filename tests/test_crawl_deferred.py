"""Extraction after the fetch (crawler.deferred, what `crawler.run.crawl` does) stores what extraction
during the fetch stores: the same articles, links (same content, canonical, near duplicate), soft
404s turned to `other`, fetch_log rows and counts, on the hostile site (config and generic mode) and
on a bulk site large enough to be extracted by the process pool. The articles are stored in crawl
order, and the extraction queue is gone afterwards."""
from __future__ import annotations

import sqlite3

import pytest

from conftest import FAST_CRAWL
from crawler.run import crawl
from crawler.sites import from_dict
from replay import hostile
from replay.bulk import start_bulk

pytestmark = pytest.mark.e2e

SETTINGS = {**FAST_CRAWL, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 4, "CCHC_MAX_PAGES": 400, "LOG_LEVEL": "ERROR"}
COUNTS = ("pages", "articles", "not_articles", "duplicates_linked", "extract_errors", "fetch_failures")


def snapshot(db) -> dict:
    conn = sqlite3.connect(db)
    try:
        q = lambda sql: sorted(conn.execute(sql).fetchall())  # noqa: E731
        return {
            "articles": q("SELECT url, title, text, published_date, relevant FROM articles"),
            "links": q("SELECT l.url, a.url, l.reason FROM article_links l JOIN articles a ON a.id = l.article_id"),
            "kinds": q("SELECT url, kind FROM pages"),
            "fetch_log": q("SELECT url, error FROM fetch_log"),
            "charsets": q("SELECT url, charset, charset_source FROM pages WHERE charset IS NOT NULL"),
        }
    finally:
        conn.close()


def queue_tables(db) -> list[str]:
    """The crawl's bookkeeping tables left in the archive (none once everything is extracted)."""
    return [r[0] for r in sqlite3.connect(db).execute(
        "SELECT name FROM sqlite_master WHERE name IN ('extract_queue', 'extract_site_lists', 'crawl_phase')")]


def crawl_both(tmp_path, run, **settings):
    out = {}
    for deferred in (False, True):
        db = tmp_path / f"deferred-{deferred}.db"
        report = run(db, {**SETTINGS, **settings, "CCHC_EXTRACT_AFTER_CRAWL": deferred})
        out[deferred] = (db, report)
    return out


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_hostile_site_stores_the_same_after_the_fetch_as_during_it(tmp_path, mode):
    site = hostile.start_hostile()
    try:
        def run(db, settings):
            if mode == "config":
                return crawl(db, sites=[from_dict(hostile.site_config(site.base_url))], settings=settings)
            return crawl(db, start_urls={"hostile": site.base_url + "/"}, settings=settings)

        # one request at a time: which pages a generic crawl reaches within its budget depends on
        # the order responses arrive in, and that order must not depend on how busy the machine is
        results = crawl_both(tmp_path, run, **({"CONCURRENT_REQUESTS": 1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
                                               if mode == "generic" else {}))
    finally:
        site.stop()
    (inline_db, inline), (after_db, after) = results[False], results[True]
    before, now = snapshot(inline_db), snapshot(after_db)
    assert after["sites"]["hostile"]["articles"] > 0
    if mode == "generic":
        # which listing pages a generic crawl reaches within its page budget depends on the order
        # responses arrive in, with or without extraction; the articles and their links may not
        for key in ("articles", "links", "charsets"):
            assert now[key] == before[key], key
        assert after["sites"]["hostile"]["articles"] == inline["sites"]["hostile"]["articles"]
        return
    assert now == before
    for key in COUNTS:
        assert after["sites"]["hostile"][key] == inline["sites"]["hostile"][key], key
    assert after["sites"]["hostile"]["item_pages"] == inline["sites"]["hostile"]["item_pages"]
    assert not queue_tables(after_db)


def test_a_bulk_crawl_is_extracted_by_the_pool_in_crawl_order(tmp_path):
    with start_bulk(300) as site:
        results = crawl_both(tmp_path, lambda db, s: crawl(db, sites=[from_dict(site.config())], settings=s))
    (inline_db, inline), (after_db, after) = results[False], results[True]
    assert after["articles"] == inline["articles"] == 300
    assert snapshot(after_db)["articles"] == snapshot(inline_db)["articles"]
    conn = sqlite3.connect(after_db)
    # "first stored" is crawl order: article ids rise with the ids of the pages they came from
    page_ids = [r[0] for r in conn.execute("SELECT page_id FROM articles ORDER BY id")]
    assert page_ids == sorted(page_ids)
    assert not queue_tables(after_db)
