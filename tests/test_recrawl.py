"""Incremental re-crawl: the second crawl of an unchanged site fetches only listings and what is new;
a re-fetched page that did not change costs a 304; a changed article keeps its earlier version."""
from __future__ import annotations

import pytest

from conftest import FAST_CRAWL, db_rows
from crawler.run import crawl
from crawler.sites import from_dict
from replay.bulk import PER_PAGE, article_path, start_bulk

pytestmark = pytest.mark.e2e

N = 120   # five listing pages


def article_requests(site, since: int) -> list[str]:
    return [p for p, _ in site.requests[since:] if p.startswith("/tin-tuc/bai-")]


def listing_requests(site, since: int) -> list[str]:
    return [p for p, _ in site.requests[since:] if p.startswith("/tin-tuc?") or p == "/tin-tuc"]


def test_incremental_recrawl_fetches_only_the_first_listings_and_the_new_articles(tmp_path):
    db = tmp_path / "archive.db"
    with start_bulk(N) as site:
        assert crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL)["articles"] == N
        site.add_articles(7)  # published since: they head the listing
        before = len(site.requests)
        report = crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL, incremental=True)
        assert report["ok"]
        new = sorted(article_requests(site, before))
        assert new == sorted(article_path(n) for n in range(N + 1, N + 8))
        # page 1 holds the 7 new ones, page 2 still one; page 3 brings nothing unknown: paging stops
        assert len(listing_requests(site, before)) <= 3 < (N + 7) // PER_PAGE + 1
    assert db_rows(db, "SELECT count(*) FROM articles")[0][0] == N + 7


def test_a_full_recrawl_asks_if_modified_and_keeps_every_version(tmp_path):
    db = tmp_path / "archive.db"
    with start_bulk(40) as site:
        crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL)
        pages_before = db_rows(db, "SELECT count(*) FROM pages")[0][0]
        site.changed[3] = "Đính chính: lớp học kéo dài thêm một ngày theo đề nghị của học viên."
        before = len(site.requests)
        report = crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL)
        assert report["ok"]
        asked = [h for p, h in site.requests[before:] if p.startswith("/tin-tuc/bai-")]
        assert len(asked) == 40 and all("If-None-Match" in h for h in asked)
    # only the changed article is a new version; the old one is still there
    assert db_rows(db, "SELECT count(*) FROM pages")[0][0] == pages_before + 1
    url = site.base_url + article_path(3)
    versions = db_rows(db, "SELECT id FROM pages WHERE url = ? ORDER BY id", [url])
    assert len(versions) == 2
    [(text, page_id)] = db_rows(db, "SELECT text, page_id FROM articles WHERE url = ?", [url])
    assert "Đính chính" in text and page_id == versions[-1][0]
    assert db_rows(db, "SELECT count(*) FROM articles")[0][0] == 40
