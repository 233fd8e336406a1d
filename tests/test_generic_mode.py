"""Generic mode: given only a start URL, find the news listings, page through them and archive the
articles, on every replay site (the five configured ones and the unconfigured `tuyenquang_like`),
plus unit checks of the page/link heuristics in crawler.discovery."""
from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler import discovery
from conftest import FAST_CRAWL, db_rows
from crawler.run import crawl

ROOT = Path(__file__).resolve().parent.parent
FAST = {**FAST_CRAWL, "CCHC_EXTRACTOR": "stub_extract:extract_html"}


@pytest.fixture(scope="module")
def generic_crawl(tmp_path_factory, stub_extractor, replay):
    db = tmp_path_factory.mktemp("generic") / "archive.db"
    report = crawl(db, start_urls=[base + "/" for base in replay.sites.values()], settings=FAST,
                   log_file=db.with_suffix(".log"))
    return db, report


def site_key(base: str) -> str:
    return urlsplit(base).netloc


@pytest.mark.e2e
def test_generic_crawl_report(generic_crawl, replay):
    _, report = generic_crawl
    assert report["ok"], report
    assert set(report["sites"]) == {site_key(b) for b in replay.sites.values()}
    for site in report["sites"].values():
        assert site["status"] == "ok" and site["errors"] == 0, site


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["vinhphuc", "hanoi", "dongthap", "hungyen", "quangninh", "tuyenquang_like"])
def test_generic_mode_finds_exactly_the_articles(generic_crawl, replay, truth, name):
    db, _ = generic_crawl
    base = replay.sites[name]
    want = {base + a["url"] for a in truth["articles"] if a["site"] == name}
    assert want, f"the replay has no articles for {name}"
    got = {r[0] for r in db_rows(db, "SELECT url FROM articles WHERE site = ?", [site_key(base)])}
    assert want - got == set(), "articles missed"
    assert got - want == set(), "non-articles stored as articles"
    info = truth["sites"][name]
    article_pages = {r[0] for r in db_rows(db, "SELECT final_url FROM pages WHERE kind = 'article' AND site = ?",
                                        [site_key(base)])}
    for path in info["listing_pages"] + info["non_article_pages"]:
        assert base + path not in article_pages


@pytest.mark.e2e
def test_generic_mode_stays_on_host_and_skips_files(generic_crawl, replay):
    db, _ = generic_crawl
    for site, url, final_url, ctype, kind in db_rows(db, "SELECT site, url, final_url, content_type, kind FROM pages"):
        assert urlsplit(url).netloc == site and urlsplit(final_url).netloc == site
        if kind == "article":
            assert ctype.startswith("text/html")
            assert not discovery.is_asset(url)


@pytest.mark.e2e
def test_classifier_on_replay_pages(replay, truth):
    """Fetch each site's non-article pages and a listing directly: none is classified an article;
    every article page is."""
    for name, base in replay.sites.items():
        info = truth["sites"][name]
        for path in info["non_article_pages"] + info["listing_pages"][:1]:
            with urllib.request.urlopen(base + path) as resp:
                verdict = discovery.classify(resp.read(), resp.geturl())
            assert verdict.kind != "article", (name, path, verdict)
        for a in [a for a in truth["articles"] if a["site"] == name][:3]:
            with urllib.request.urlopen(base + a["url"]) as resp:
                verdict = discovery.classify(resp.read(), resp.geturl())
            assert verdict.kind == "article", (name, a["url"], verdict)


# -- the local minisite (no replay needed) ----------------------------------------------------------
def test_minisite_generic_crawl(tmp_path, stub_extractor):
    import minisite

    with minisite.serve(robots=None) as base:  # robots.txt answers 404: everything allowed
        report = crawl(tmp_path / "a.db", start_urls=[base + "/"], settings=FAST)
        site = report["sites"][site_key(base)]
        assert report["ok"] and site["robots_forbidden"] == 0
        got = {r[0] for r in db_rows(tmp_path / "a.db", "SELECT url FROM articles")}
        assert got == {base + minisite.article_path(a, s) for a, s, _ in minisite.ARTICLES}
        urls = {r[0] for r in db_rows(tmp_path / "a.db", "SELECT url FROM pages")}
        assert not any("example.org" in u for u in urls)
        assert base + "/uploads/file.pdf" not in urls
        assert base + "/vi/news/tin-tuc/page-3" in urls


def test_minisite_robots_disallow_is_reported(tmp_path, stub_extractor):
    import minisite

    with minisite.serve(robots="User-agent: *\nDisallow: /vi/news/\n") as base:
        report = crawl(tmp_path / "a.db", start_urls=[base + "/"], settings=FAST)
        site = report["sites"][site_key(base)]
        assert site["articles"] == 0 and site["robots_forbidden"] > 0
        assert any("robots.txt" in m for m in site["messages"])


def test_canonical_url_drops_decorative_title():
    url = "http://h/Trang/ChiTietTinTuc.aspx?nid=13066&title=so-noi-vu-to-chuc.html#top"
    assert discovery.canonical_url(url) == "http://h/Trang/ChiTietTinTuc.aspx?nid=13066"
    assert discovery.canonical_url("http://h/a?id=1&type=NEWS") == "http://h/a?id=1&type=NEWS"
    assert discovery.canonical_url("http://h/a?x=1&y=2", drop_params=["y"]) == "http://h/a?x=1"


@pytest.mark.parametrize("url, article", [
    ("http://h/vi/news/cai-cach-hanh-chinh/lop-boi-duong-1917.html", True),
    ("http://h/Trang/ChiTietTinTuc.aspx?nid=168690", True),
    ("http://h/Lists/TinTuc/View_Detail.aspx?ItemID=13820", True),
    ("http://h/vi/tin-bai/slug?id=130235&type=NEWS", True),
    ("http://h/node/195660", True),
    ("http://h/web/guest/-/chu-trong-nang-cao", True),
    ("http://h/uploads/news/2019_05/anh-1234.jpg", False),
    ("http://h/files/van-ban-2024.pdf", False),
    ("http://h/lien-he", False),
    ("http://h/vi/news/tin-tuc/", False),
])
def test_article_shaped_urls(url, article):
    assert discovery.looks_like_article_url(url) is article


def test_news_sections_and_pagination_links():
    from lxml import html

    page = html.fromstring(
        '<html><body><ul class="menu"><li><a href="/">Trang chủ</a></li>'
        '<li><a href="/tin-tuc-su-kien">Tin tức - Sự kiện</a></li><li><a href="/lien-he">Liên hệ</a></li>'
        '<li><a href="/van-ban">Văn bản</a></li><li><a href="/cat/12">Cải cách hành chính</a></li>'
        '<li><a href="http://other.example/tin-tuc">Tin tức</a></li></ul>'
        '<ul class="pagination"><li><a href="/tin-tuc-su-kien?page=1">2</a></li>'
        '<li><a href="/tin-tuc-su-kien?page=1">Trang sau »</a></li></ul>'
        '<table class="calendar"><tr><td><a href="/lich?d=3">3</a></td></tr></table></body></html>')
    base = "http://h/tin-tuc-su-kien"
    assert discovery.news_section_links(page, base) == ["http://h/tin-tuc-su-kien", "http://h/cat/12"]
    assert discovery.pagination_links(page, base) == ["http://h/tin-tuc-su-kien?page=1"]


def test_classify_minisite_pages(stub_extractor):
    import minisite

    table = minisite.routes()
    a, s, _ = minisite.ARTICLES[0]
    assert discovery.classify(table[minisite.article_path(a, s)][2], "http://h" + minisite.article_path(a, s)).kind == "article"
    assert discovery.classify(table["/vi/news/tin-tuc/"][2], "http://h/vi/news/tin-tuc/").kind == "listing"
    for path in ("/lien-he.html", "/van-ban/", "/", "/van-ban/chi-tiet-100.html"):
        assert discovery.classify(table[path][2], "http://h" + path).kind != "article", path
