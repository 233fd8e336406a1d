"""Crawl health: the per-site report gives field coverage (title, date, body, relevant) of the
articles a crawl extracted and warns when titles repeat across articles, when item links come out
as listings, and when most articles lack a date or a body.

Two crawls of the Huế-style fixture portal (tests/fixtures/generic_layouts/hue), each into its own
archive, with the real extractor: the generic mode, which gets the site right, and a config that is
wrong in the ways an unverified config is wrong (its article pattern also matches the listing's
own pages and the introduction pages; its title selector picks the sidebar's heading)."""
from __future__ import annotations

import contextlib

import pytest

from conftest import db_rows
from crawler.run import crawl, crawled_articles, health_lines, site_health
from crawler.sites import from_dict
from test_generic_layouts import FAST, load, serve

pytestmark = pytest.mark.e2e


def misconfigured(base: str) -> dict:
    """A config for the fixture portal with a too-wide article pattern and a wrong title selector."""
    return {"name": "hue_misconfigured", "province": "Thừa Thiên Huế", "base_url": base, "cms": "aspnet",
            "verified": False, "verified_note": "a deliberately wrong config (crawl health test)",
            "listings": ["/?gd=1&cn=129"],
            "pagination": {"style": "query", "param": "page", "first": 1, "max_pages": 3},
            "article_url": r"[?&]cn=(129|2)(&|$)", "selectors": {"title": ".leftTitle"}}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """Two archives (the store links identical pages across sites, so the two crawls of one portal
    are kept apart); returns (db of the correct crawl, db of the wrong one, merged report)."""
    good_db = tmp_path_factory.mktemp("health_good") / "archive.db"
    bad_db = tmp_path_factory.mktemp("health_bad") / "archive.db"
    with serve("hue") as (base, _):
        good = crawl(good_db, start_urls={"hue": base + load("hue")[0]["start"]}, settings=FAST,
                     log_file=good_db.with_suffix(".log"), timeout=120)
        bad = crawl(bad_db, sites=[from_dict(misconfigured(base))], settings=FAST,
                    log_file=bad_db.with_suffix(".log"), timeout=120)
    return {"hue": good_db, "hue_misconfigured": bad_db}, {"sites": {**good["sites"], **bad["sites"]}}


def test_a_correct_crawl_has_full_coverage_and_no_warning(crawls):
    dbs, report = crawls
    db = dbs["hue"]
    site = report["sites"]["hue"]
    _, truth = load("hue")
    assert site["status"] == "ok", site
    cov = site["coverage"]
    assert cov["articles"] == len(truth["articles"])
    assert (cov["title"], cov["date"], cov["body"]) == (1.0, 1.0, 1.0)
    assert cov["body_median_chars"] >= 800
    relevant = db_rows(db, "SELECT avg(relevant) FROM articles WHERE site = 'hue'")[0][0]
    assert cov["relevant"] == round(relevant, 3)
    assert site["warnings"] == []
    assert site["item_pages"].get("listing", 0) == 0 and site["item_pages"]["article"] >= len(truth["articles"])


def test_a_wrong_config_is_reported(crawls):
    _, report = crawls
    site = report["sites"]["hue_misconfigured"]
    assert site["status"] == "ok" and site["errors"] == 0, site
    warnings = " | ".join(site["warnings"])
    assert "share their title" in warnings and "'Danh mục'" in warnings, warnings
    assert "came out as listings" in warnings, warnings
    assert site["item_pages"]["listing"] >= 1


def test_coverage_is_counted_over_the_archive(crawls):
    dbs, report = crawls
    db = dbs["hue_misconfigured"]
    site = report["sites"]["hue_misconfigured"]
    rows = db_rows(db, "SELECT title, published_date, length(text) FROM articles WHERE site = 'hue_misconfigured'")
    assert site["coverage"]["articles"] == len(rows) == site["articles"]
    assert site["coverage"]["date"] == round(sum(1 for r in rows if r[1]) / len(rows), 3)
    assert site["coverage"]["title"] == round(sum(1 for r in rows if r[0]) / len(rows), 3)


def test_missing_dates_and_bodies_are_warned(crawls):
    db = crawls[0]["hue"]
    rows = crawled_articles(db, "hue")
    assert rows and site_health(rows)["warnings"] == []
    undated = [{**r, "published_date": None} for r in rows]
    assert any("no publication date" in w for w in site_health(undated)["warnings"])
    bodiless = [{**r, "text_len": 0} for r in rows[:-1]] + rows[-1:]
    health = site_health(bodiless)
    assert any("no body" in w for w in health["warnings"]), health
    assert health["coverage"]["body"] == round(1 / len(rows), 3)
    assert crawled_articles(db, "hue", since="9999-01-01T00:00:00+00:00") == []


def test_health_lines_print_coverage_and_warnings(crawls):
    _, report = crawls
    lines = health_lines(report["sites"]["hue_misconfigured"])
    assert lines[0].startswith("  coverage of ") and "date" in lines[0] and "relevant" in lines[0]
    assert sum(1 for ln in lines if ln.startswith("  warning: ")) == len(report["sites"]["hue_misconfigured"]["warnings"])
    assert health_lines({"coverage": site_health([])["coverage"], "warnings": []}) == []
