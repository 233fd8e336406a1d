"""The crawler against a hostile portal (replay/hostile.py): every fault stopped, logged and never
stored as an article; the 20 good articles stored once each with correct text, in both modes."""
from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from conftest import FAST_CRAWL
from crawler.middlewares import url_pattern
from crawler.run import crawl
from crawler.sites import from_dict
from replay import hostile

pytestmark = pytest.mark.e2e

# Retries on (the 503 asks for one), a short timeout (the hanging URL hangs for HANG_SECONDS).
SETTINGS = {**FAST_CRAWL, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 4, "CCHC_MAX_PAGES": 400}
ARTICLE = {a.number: a for a in hostile.ARTICLES}


def crawled(tmp_path_factory, mode: str):
    site = hostile.start_hostile()
    db = tmp_path_factory.mktemp(f"hostile-{mode}") / "archive.db"
    if mode == "config":
        report = crawl(db, sites=[from_dict(hostile.site_config(site.base_url))], settings=SETTINGS)
    else:
        report = crawl(db, start_urls={"hostile": site.base_url + "/"}, settings=SETTINGS)
    site.stop()
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return site, report["sites"]["hostile"], conn


@pytest.fixture(scope="module")
def config_crawl(tmp_path_factory):
    site, report, conn = crawled(tmp_path_factory, "config")
    yield site, report, conn
    conn.close()


@pytest.fixture(scope="module")
def generic_crawl(tmp_path_factory):
    site, report, conn = crawled(tmp_path_factory, "generic")
    yield site, report, conn
    conn.close()


def paths(site, rows) -> list[str]:
    return [r[0].replace(site.base_url, "") for r in rows]


def logged(site, conn) -> dict[str, list[sqlite3.Row]]:
    out: dict[str, list] = {}
    for row in conn.execute("SELECT * FROM fetch_log"):
        out.setdefault(row["url"].replace(site.base_url, ""), []).append(row)
    return out


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_every_good_story_is_one_article_and_nothing_else_is(mode, request):
    site, report, conn = request.getfixturevalue(f"{mode}_crawl")
    articles = paths(site, conn.execute("SELECT url FROM articles"))
    linked = dict((p, r) for p, r in zip(paths(site, conn.execute("SELECT url FROM article_links ORDER BY url")),
                                         [r[0] for r in conn.execute("SELECT reason FROM article_links ORDER BY url")]))
    assert len(articles) == len(set(articles)) == 20
    duplicate = next(f.path for f in hostile.faults(site.other_base) if f.kind == "duplicate")
    for a in hostile.ARTICLES:  # each story under its own URL, or under its byte-identical copy
        assert a.path in articles or (a.number == 1 and duplicate in articles and linked.get(a.path) == "same content")
    assert set(articles) <= set(site.good_articles) | {duplicate}
    assert report["status"] == "ok" and report["articles"] == 20


def test_encodings_are_read_from_header_then_detector_never_as_replacement_characters(config_crawl):
    site, _, conn = config_crawl
    assert conn.execute("SELECT count(*) FROM articles WHERE instr(text, char(65533)) OR instr(title, char(65533))").fetchone()[0] == 0
    rows = {r["url"].replace(site.base_url, ""): r for r in conn.execute(
        "SELECT a.url, a.title, a.text, p.charset, p.charset_source FROM articles a JOIN pages p ON p.id = a.page_id")}
    header = rows[ARTICLE[hostile.HEADER_CP1258].path]
    assert (header["charset"], header["charset_source"]) == ("cp1258", "header")
    assert header["title"] == ARTICLE[hostile.HEADER_CP1258].title
    misdeclared = rows[ARTICLE[hostile.MISDECLARED].path]
    assert (misdeclared["charset"], misdeclared["charset_source"]) == ("cp1258", "detector")
    assert misdeclared["title"] == ARTICLE[hostile.MISDECLARED].title
    assert "Phó Giám đốc Sở Nội vụ" in misdeclared["text"]


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_a_control_character_after_a_script_does_not_lose_the_article(mode, request):
    site, _, conn = request.getfixturevalue(f"{mode}_crawl")
    a = ARTICLE[hostile.CONTROL_CHARS]
    row = conn.execute("SELECT a.title, p.body, p.body_encoding FROM articles a JOIN pages p ON p.id = a.page_id "
                       "WHERE a.url = ?", [site.base_url + a.path]).fetchone()
    assert row is not None and row["title"] == a.title
    import zlib
    assert b"\x0b</script>" in zlib.decompress(row["body"])  # preserved as received, not cleaned


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_every_failure_is_in_the_fetch_log_with_its_attempts(mode, request):
    site, report, conn = request.getfixturevalue(f"{mode}_crawl")
    log = logged(site, conn)
    by_kind = {f.kind: f.path for f in hostile.faults(site.other_base)}
    expect = {"500": "HTTP 500", "404": "HTTP 404", "hang": "Timeout", "reset": "", "truncated": "DataLoss",
              "bad_gzip": "decompress", "gzip_bomb": "", "huge": "max size",
              "redirect_chain": "max redirections", "redirect_other_port": "redirect outside the site",
              "png_as_html": "binary"}
    if mode == "config":  # generic mode already takes the soft 404 for no article (too short)
        expect["soft_404"] = "soft 404"
    bomb = [r["error"] for r in log.get(by_kind["gzip_bomb"], [])]  # cut at the cap, or by the timeout
    assert bomb and all("DOWNLOAD_MAXSIZE" in e or "took longer" in e for e in bomb), bomb
    for kind, words in expect.items():
        rows = log.get(by_kind[kind])
        assert rows, f"{kind} not in fetch_log"
        assert any(words in r["error"] for r in rows), (kind, [r["error"] for r in rows])
    assert max(r["attempts"] for r in log[by_kind["500"]]) == SETTINGS["RETRY_TIMES"] + 1
    assert report["fetch_failures"] >= len(expect)


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_nothing_outside_scheme_host_and_port_is_fetched_or_stored(mode, request):
    site, _, conn = request.getfixturevalue(f"{mode}_crawl")
    assert not [p for m, p, _ in site.requests if p.startswith("OTHER")]
    assert conn.execute("SELECT count(*) FROM pages WHERE url LIKE ? OR final_url LIKE ?",
                        [site.other_base + "%"] * 2).fetchone()[0] == 0


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_files_soft_404s_and_oversized_bodies_are_never_articles(mode, request):
    site, _, conn = request.getfixturevalue(f"{mode}_crawl")
    by_kind = {f.kind: site.base_url + f.path for f in hostile.faults(site.other_base)}
    for kind in ("png_as_html", "soft_404"):
        assert conn.execute("SELECT kind FROM pages WHERE url = ?", [by_kind[kind]]).fetchone()[0] == "other"
    for kind in ("huge", "gzip_bomb"):
        assert conn.execute("SELECT count(*) FROM pages WHERE url = ?", [by_kind[kind]]).fetchone()[0] == 0
    assert conn.execute("SELECT max(content_length) FROM pages").fetchone()[0] < 1024 * 1024


def test_retry_after_is_waited_for_and_the_article_kept(config_crawl):
    site, _, conn = config_crawl
    path = ARTICLE[hostile.RETRY_AFTER].path
    assert site.paths_requested(path).count(path) == 2
    assert conn.execute("SELECT count(*) FROM articles WHERE url = ?", [site.base_url + path]).fetchone()[0] == 1


def test_tracking_parameters_and_canonical_copies_are_one_article(config_crawl):
    site, _, conn = config_crawl
    assert not [p for p in site.paths_requested() if "utm_" in p]
    links = {r["url"].replace(site.base_url, ""): r["reason"] for r in conn.execute("SELECT * FROM article_links")}
    canonical = ARTICLE[hostile.CANONICAL].path
    assert links[canonical + "?print=1"] == "canonical"
    copy, original = ARTICLE[1].path.replace("-1001.html", "-ban-sao-1001.html"), ARTICLE[1].path
    # whichever of the two byte-identical pages was stored first is the article, the other is linked
    assert (links.get(copy) or links.get(original)) == "same content"


def test_endless_calendar_and_pager_end_within_a_few_dozen_requests(generic_crawl):
    site, _, conn = generic_crawl
    shapes = Counter(url_pattern(site.base_url + p) for p in site.paths_requested())
    calendar = sum(n for shape, n in shapes.items() if shape.startswith("/su-kien/"))
    assert 5 <= calendar <= 60
    assert 2 <= shapes["/tin-tuc?page=9"] <= 5
    assert any("URL pattern budget" in r[0] for r in conn.execute("SELECT error FROM fetch_log"))


@pytest.mark.parametrize("mode", ["config", "generic"])
def test_the_archive_is_intact(mode, request):
    _, _, conn = request.getfixturevalue(f"{mode}_crawl")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_one_site_is_scheme_host_and_port_with_the_move_to_tls_allowed():
    from crawler.middlewares import same_site

    assert same_site("https://sonoivu.example.gov.vn/tin", "http://sonoivu.example.gov.vn/")
    assert not same_site("http://sonoivu.example.gov.vn:8080/tin", "http://sonoivu.example.gov.vn/")
    assert not same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/")
    assert not same_site("https://other.gov.vn/", "https://sonoivu.example.gov.vn/")
