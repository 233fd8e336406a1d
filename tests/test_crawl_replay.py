"""End to end, config mode: crawl the five configured replay sites over loopback into a temp DB.

Checks: every article of replay/truth.json is archived and nothing else is; every response is
preserved with status, headers and hash; a second crawl changes no row counts; an incremental crawl
fetches no known article; robots Crawl-delay and robots 404 are handled; an unreachable site comes
back as a clear report. Extraction uses the stub in tests/fixtures/crawler (the crawler is under
test here, not the extractor)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FAST_CRAWL, db_rows
from crawler.run import crawl
from crawler.sites import UnknownSiteError, load_site
from store import Archive

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
CONFIGURED = ("vinhphuc", "hanoi", "dongthap", "hungyen", "quangninh")
FAST = {**FAST_CRAWL, "CCHC_EXTRACTOR": "stub_extract:extract_html"}


@pytest.fixture(scope="module")
def configs(replay):
    try:
        return {name: load_site(name).for_replay(replay.sites[name]) for name in CONFIGURED}
    except UnknownSiteError as exc:
        pytest.skip(f"replay site config missing: {exc}")


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory, stub_extractor, replay, configs):
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    report = crawl(db, sites=list(configs.values()), settings=FAST, log_file=db.with_suffix(".log"))
    return db, report


def counts(db: Path) -> dict[str, int]:
    names = [r[0] for r in db_rows(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%fts%'")]
    return {n: db_rows(db, f"SELECT count(*) FROM [{n}]")[0][0] for n in names}


def expected_articles(truth: dict, replay) -> set[str]:
    return {replay.sites[a["site"]] + a["url"] for a in truth["articles"] if a["site"] in CONFIGURED}


def test_report_is_clean(first_crawl):
    _, report = first_crawl
    assert report["ok"], report
    assert set(report["sites"]) == set(CONFIGURED)
    for name, site in report["sites"].items():
        assert site["status"] == "ok" and site["reached"], (name, site)
        assert site["errors"] == 0, (name, site["messages"])
        assert site["articles"] > 0 and site["pages"] > site["articles"]


def test_every_truth_article_and_nothing_else(first_crawl, truth, replay):
    db, _ = first_crawl
    got = {r[0] for r in db_rows(db, "SELECT url FROM articles")}
    want = expected_articles(truth, replay)
    assert want - got == set(), "articles missed"
    assert got - want == set(), "pages stored as articles that are not articles"
    by_site = {(r[0], r[1]) for r in db_rows(db, "SELECT site, url FROM articles")}
    for site, url in by_site:
        assert url.startswith(replay.sites[site] + "/")


def test_no_listing_contact_or_documents_page_is_an_article(first_crawl, truth, replay):
    db, _ = first_crawl
    article_pages = {r[0] for r in db_rows(db, "SELECT final_url FROM pages WHERE kind = 'article'")}
    for name in CONFIGURED:
        info = truth["sites"][name]
        for path in info["listing_pages"] + info["non_article_pages"]:
            assert replay.sites[name] + path not in article_pages


def test_listing_pages_are_preserved_as_listings(first_crawl, truth, replay):
    db, _ = first_crawl
    listings = {r[0] for r in db_rows(db, "SELECT url FROM pages WHERE kind = 'listing' AND status = 200")}
    for name in CONFIGURED:
        for path in truth["sites"][name]["listing_pages"]:
            assert replay.sites[name] + path in listings, (name, path)


def test_every_page_preserved_with_status_headers_hash(first_crawl):
    db, report = first_crawl
    pages = db_rows(db, "SELECT id, url, final_url, status, headers, content_hash, "
                     "content_type, fetched_at, site, kind FROM pages")
    assert len(pages) == report["pages"]
    archive = Archive(db, create=False)
    for page_id, url, final_url, status, headers, digest, ctype, fetched_at, site, kind in pages:
        raw = archive.page_body(page_id)
        assert hashlib.sha256(raw).hexdigest() == digest
        assert status in (200, 404) and fetched_at and site in CONFIGURED
        assert kind in ("article", "listing", "other")
        h = {k.lower(): v for k, v in json.loads(headers).items()}
        assert h["content-type"][0].startswith("text/html") and ctype.startswith("text/html")
        assert urlsplit(url).netloc == urlsplit(final_url).netloc
    # one page row per article, linked from the article
    linked = db_rows(db, "SELECT count(*) FROM articles a JOIN pages p ON p.id = a.page_id WHERE p.kind = 'article'")
    assert linked[0][0] == db_rows(db, "SELECT count(*) FROM articles")[0][0]


def test_sites_table_records_the_configs(first_crawl):
    db, _ = first_crawl
    got = {r[0]: r[1] for r in db_rows(db, "SELECT name, verified FROM sites")}
    assert set(got) == set(CONFIGURED)


def test_robots_crawl_delay_and_404(first_crawl, truth):
    _, report = first_crawl
    for name in CONFIGURED:
        robots = truth["sites"][name]["robots"]
        site = report["sites"][name]
        if robots == "crawl-delay":
            assert site["crawl_delay_requested"] == 1.0
            assert site["crawl_delay"] == pytest.approx(0.01)  # capped by CCHC_CRAWL_DELAY_MAX here
        else:
            assert site["crawl_delay_requested"] is None
        assert site["robots_forbidden"] == 0  # 404, HTML and permissive robots files all allow


def test_second_crawl_changes_no_row_counts(first_crawl, configs):
    db, _ = first_crawl
    before = counts(db)
    report = crawl(db, sites=list(configs.values()), settings=FAST)
    assert report["ok"]
    assert counts(db) == before


def test_incremental_crawl_fetches_no_known_article(first_crawl, configs, truth, replay):
    db, _ = first_crawl
    before = counts(db)
    seen_before = dict(db_rows(db, "SELECT id, last_seen_at FROM pages WHERE kind = 'article'"))
    report = crawl(db, sites=list(configs.values()), settings=FAST, incremental=True)
    assert report["ok"]
    assert report["articles"] == 0
    want = expected_articles(truth, replay)
    assert 0 < sum(s["skipped_known"] for s in report["sites"].values()) <= len(want)
    for name, site in report["sites"].items():
        n_listings = len(truth["sites"][name]["listing_pages"])
        # listings are re-fetched until a page brings no unknown article (crawler.middlewares
        # CrawlGuardMiddleware), never past the end; articles are not re-fetched
        assert 1 <= site["pages"] <= n_listings + 1, (name, site)
    assert dict(db_rows(db, "SELECT id, last_seen_at FROM pages WHERE kind = 'article'")) == seen_before
    assert counts(db) == before


def test_resumable_crawl_with_jobdir(tmp_path, stub_extractor, configs):
    db, jobdir = tmp_path / "a.db", tmp_path / "job"
    report = crawl(db, sites=[configs["hanoi"]], settings=FAST, jobdir=jobdir)
    assert report["ok"] and report["articles"] > 0
    # the frontier lives in the archive (crawler/frontier.py); a job that finished is cleared
    assert db_rows(db, "SELECT count(*) FROM frontier")[0][0] == 0
    again = crawl(db, sites=[configs["hanoi"]], settings=FAST, jobdir=jobdir)
    assert again["ok"] and again["sites"]["hanoi"]["resumed"] == 0  # nothing was left to resume


def test_unreachable_site_is_a_clear_report(tmp_path, stub_extractor):
    report = crawl(tmp_path / "a.db", start_urls=["http://127.0.0.1:9/"], settings=FAST)
    assert not report["ok"]
    site = report["sites"]["127.0.0.1:9"]
    assert site["status"] == "unreachable" and site["pages"] == 0
    assert "could not be reached" in site["messages"][0]
    assert any("127.0.0.1:9" in m for m in site["messages"])


def test_nothing_to_crawl(tmp_path):
    report = crawl(tmp_path / "a.db")
    assert not report["ok"] and "nothing to crawl" in report["messages"][0]


def test_real_extractor_when_available(tmp_path, stub_extractor, configs, truth, replay):
    extract = pytest.importorskip("extract")
    if not hasattr(extract, "extract_html"):
        pytest.skip("extract.extract_html is not written yet")
    settings = {k: v for k, v in FAST.items() if k != "CCHC_EXTRACTOR"}
    db = tmp_path / "real.db"
    report = crawl(db, sites=[configs["vinhphuc"]], settings=settings)
    assert report["ok"], report
    want = {replay.sites["vinhphuc"] + a["url"] for a in truth["articles"] if a["site"] == "vinhphuc"}
    got = {r[0] for r in db_rows(db, "SELECT url FROM articles WHERE title IS NOT NULL AND title != ''")}
    assert got == want
