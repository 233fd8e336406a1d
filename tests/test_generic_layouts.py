"""Generic mode on portal layouts the replay does not model (tests/fixtures/generic_layouts/):
a bespoke PHP site with slug-only URLs, a DNN site (/tabid/N/, /currentpage/N, ArticleView URLs),
a WebSphere portal (opaque !ut/p/z1/ state URLs) and a Huế-style ?gd=&cn=&tc= site.

Each site is served from plain files on 127.0.0.1 and crawled with only its start URL and the real
extractor; the archive must hold exactly the true articles, with the right title, date and author,
and bodies free of chrome (counters, calendar, font bar, related lists, comment form, footer)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import db_rows
from crawler import discovery
from extract import extract_html
from fixture_portals import FAST, FixturePortals  # noqa: F401 (FAST, load, serve: imported by other suites)

PORTALS = FixturePortals("generic_layouts")
SITES = ["bespoke_php", "dnn", "websphere", "hue"]
load = PORTALS.load
page_body = PORTALS.page_body
serve = PORTALS.serve


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> dict[str, tuple[str, Path, dict, list]]:
    """Crawl all four sites at once (one child process); site -> (base, db, report, hits)."""
    db = tmp_path_factory.mktemp("generic_layouts") / "archive.db"
    served, report = PORTALS.crawl(SITES, db, timeout=120)
    return {site: (served[site][0], db, report, served[site][1]) for site in SITES}


@pytest.mark.e2e
@pytest.mark.parametrize("site", SITES)
def test_generic_crawl_finds_exactly_the_articles(crawled, site):
    base, db, report, hits = crawled[site]
    _, truth = load(site)
    assert report["sites"][site]["status"] == "ok", report["sites"][site]
    assert report["sites"][site]["errors"] == 0, report["sites"][site]
    want = {base + a["url"] for a in truth["articles"]}
    got = {r[0] for r in db_rows(db, "SELECT url FROM articles WHERE site = ?", [site])}
    assert want - got == set(), "articles missed"
    assert got - want == set(), "non-articles stored as articles"
    article_pages = {r[0] for r in db_rows(db, "SELECT url FROM pages WHERE kind = 'article' AND site = ?", [site])}
    for path in truth["non_articles"]:
        assert base + path not in article_pages, path
    assert hits and all(host.startswith("127.0.0.1:") for host, _ in hits)
    for url, final_url in db_rows(db, "SELECT url, final_url FROM pages WHERE site = ?", [site]):
        assert url.startswith(base) and final_url.startswith(base)


@pytest.mark.e2e
@pytest.mark.parametrize("site", SITES)
def test_generic_crawl_records(crawled, site):
    base, db, _, _ = crawled[site]
    _, truth = load(site)
    got = {r[0]: r[1:] for r in db_rows(db, "SELECT url, title, published_date, author, text FROM articles "
                                         "WHERE site = ?", [site])}
    for a in truth["articles"]:
        title, date, author, text = got[base + a["url"]]
        assert (title, date, author) == (a["title"], a["published_date"], a["author"]), a["url"]
        assert len(text) > 800
        for chrome in truth["chrome"]:
            assert chrome not in text, (a["url"], chrome)


@pytest.mark.parametrize("site", SITES)
def test_extract_fixture_articles(site):
    """The real extractor on each fixture article: title, date, author, and no chrome in the text."""
    _, truth = load(site)
    for a in truth["articles"]:
        record = extract_html(page_body(site, a["url"]), url="http://127.0.0.1" + a["url"])
        assert record["title"] == a["title"], a["url"]
        assert record["published_date"] == a["published_date"], a["url"]
        assert record["author"] == a["author"], a["url"]
        text = record["text"]
        assert text.startswith(("Ngày", "Từ", "Đoàn", "Sáng", "Thực hiện")), text[:80]
        assert len(text.split()) > 200
        for chrome in truth["chrome"]:
            assert chrome not in text, (a["url"], chrome)


@pytest.mark.parametrize("site", SITES)
def test_classify_fixture_pages(site):
    """Articles are articles; contact, introduction, documents and search pages are not."""
    _, truth = load(site)
    for a in truth["articles"]:
        verdict = discovery.classify(page_body(site, a["url"]), "http://127.0.0.1" + a["url"])
        assert verdict.kind == "article", (a["url"], verdict)
    for path in truth["non_articles"]:
        verdict = discovery.classify(page_body(site, path), "http://127.0.0.1" + path)
        assert verdict.kind != "article", (path, verdict)


# -- the heuristics, one at a time -------------------------------------------------------------------
def _tree(body: str):
    from lxml import html

    return html.fromstring(f"<html><body>{body}</body></html>")


def test_title_links_skip_chrome_menus_pagers_and_non_news():
    root = _tree(
        '<div id="menu"><a href="/tin-tuc/mot-bai-trong-menu-rat-dai-nhung-la-chrome.html">'
        'Một bài trong menu rất dài nhưng là chrome</a></div>'
        '<div class="list"><h2><a href="/tin-tuc/hoi-nghi.html">Hội nghị triển khai nhiệm vụ cải cách hành chính</a></h2>'
        '<a href="/tin-tuc/hoi-nghi.html">Xem thêm</a>'
        '<a href="/gioi-thieu/chuc-nang.html">Giới thiệu chức năng, nhiệm vụ của Sở Nội vụ tỉnh</a>'
        '<a href="/files/ke-hoach.pdf">Kế hoạch cải cách hành chính năm 2024 của tỉnh</a>'
        '<a href="http://other.example/x.html">Một tin trên trang khác, không cùng máy chủ</a></div>'
        '<div class="footer"><a href="/ban-quyen.html">Bản quyền thuộc Sở Nội vụ tỉnh Bình Dương</a></div>')
    assert discovery.title_links(root, "http://h/") == ["http://h/tin-tuc/hoi-nghi.html"]
    # the article's "Xem thêm" link and its title link are not a news section
    assert discovery.news_section_links(root, "http://h/") == []


def test_unlabelled_digit_pager_and_calendar():
    root = _tree(
        '<div class="list-nav"><b>1</b> <a href="/wps/portal/!ut/p/z1/AAA/">2</a> '
        '<a href="/wps/portal/!ut/p/z1/BBB/">3</a> <a href="/wps/portal/!ut/p/z1/AAA/">Trang sau</a></div>'
        '<table class="lich"><tr><td><a href="/d?1">1</a></td><td><a href="/d?2">2</a></td></tr></table>'
        '<div class="box"><a href="/x/1">1</a></div>')
    assert discovery.pagination_links(root, "http://h/wps/portal/tin-tuc") == [
        "http://h/wps/portal/!ut/p/z1/AAA/", "http://h/wps/portal/!ut/p/z1/BBB/"]


def test_date_inside_prose_is_no_date_line():
    prose = ("Sở Nội vụ được thành lập theo Quyết định số 1234/QĐ-UBND ngày 20/5/2008 của Ủy ban nhân dân "
             "tỉnh, là cơ quan chuyên môn tham mưu về tổ chức bộ máy, biên chế và cải cách hành chính. ") * 4
    intro = f"<html><head><title>Giới thiệu</title></head><body><h1>Giới thiệu chung</h1><div><p>{prose}</p></div></body></html>"
    assert discovery.classify(intro, "http://h/?gd=1&cn=2&tc=15").kind != "article"
    dated = (f"<html><body><h1>Hội nghị cải cách hành chính</h1><div class='d'>14/05/2024 08:30</div>"
             f"<div><p>{prose}</p></div></body></html>")
    assert discovery.classify(dated, "http://h/tin-tuc/hoi-nghi.html").kind == "article"
    iso = (f"<html><body><h1>Hội nghị cải cách hành chính</h1><time datetime='2024-05-14T08:30'>14 Tháng 5, "
           f"2024</time><div><p>{prose}</p></div></body></html>")
    assert discovery.classify(iso, "http://h/tin-tuc/hoi-nghi.html").kind == "article"
    form = (f"<html><body><h1>Góp ý cải cách hành chính</h1><div><p>14/05/2024</p><p>{prose}</p>"
            f"<p>Họ tên <input name='a'></p><textarea name='b'></textarea></div></body></html>")
    assert discovery.classify(form, "http://h/gop-y.html").kind != "article"


def test_page_wide_aspnet_form_keeps_the_body():
    from extract.page import parse_html

    para = "<p>" + "Sở Nội vụ tổ chức hội nghị về cải cách hành chính với các sở, ngành và địa phương. " * 4 + "</p>"
    html = ('<html><body><form id="Form"><input type="hidden" name="__VIEWSTATE" value="x">'
            f'<h1>Hội nghị cải cách hành chính</h1><div>Ngày đăng: 15/05/2024</div><div class="c">{para * 3}'
            '<p>Lê Thị Hoa - Phòng Xây dựng chính quyền</p></div></form></body></html>')
    page = parse_html(html)
    assert page.published_date == "2024-05-15" and page.author == "Lê Thị Hoa"
    assert page.text.startswith("Sở Nội vụ tổ chức")


def test_decorated_pager_labels():
    root = _tree('<div class="paging">Trang <b>[1]</b> <a href="/d.aspx?catid=5&page=2">[2]</a> '
                 '<a href="/d.aspx?catid=5&page=3">(3)</a></div>')
    assert discovery.pagination_links(root, "http://h/d.aspx?catid=5") == [
        "http://h/d.aspx?catid=5&page=2", "http://h/d.aspx?catid=5&page=3"]
    assert [discovery.pager_label(t) for t in ("[2]", "(3)", "Trang 4", " 5 ")] == ["2", "3", "4", "5"]


def test_a_cited_documents_date_is_no_news_date():
    history = ("Sở được thành lập theo Quyết định số 112/QĐ-UB ngày 20/01/1997 của Ủy ban nhân dân tỉnh trên cơ sở "
               "tổ chức lại Ban Tổ chức chính quyền tỉnh, có tư cách pháp nhân, con dấu và tài khoản riêng. ") * 5
    news = ("Sáng ngày 27/5/2021, Sở Nội vụ tổ chức hội nghị tập huấn công tác cải cách hành chính cho công chức "
            "các sở, ban, ngành và địa phương trên địa bàn tỉnh. ") * 5
    page = "<html><head><title>{t}</title></head><body><div class='title'>{t}</div><div><p>{p}</p></div></body></html>"
    history_page = page.format(t="Những chặng đường phát triển", p=history)
    assert discovery.classify(history_page, "http://h/tin/1234").kind != "article"
    assert discovery.classify(page.format(t="Hội nghị tập huấn", p=news), "http://h/tin/1235").kind == "article"


def test_document_record_and_login_pages_are_not_articles():
    prose = "<p>" + "Quy định chi tiết về trình tự, thủ tục tuyển dụng công chức, viên chức trong cơ quan nhà nước. " * 8 + "</p>"
    record = (f"<html><body><table><tr><td>Số ký hiệu</td><td>12/2024/QĐ-UBND</td></tr><tr><td>Ngày ban hành</td>"
              f"<td>12/03/2024</td></tr><tr><td>Trích yếu</td><td>{prose}</td></tr></table></body></html>")
    assert discovery.classify(record, "http://h/van-ban/123").reason == "a document record"
    login = (f"<html><body><div><p>12/03/2024</p>{prose}<form><input name='u'>"
             f"<input type='password' name='p'></form></div></body></html>")
    assert discovery.classify(login, "http://h/dang-nhap/1234").kind == "other"
