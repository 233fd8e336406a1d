"""extract.page.parse_html on a Liferay portal's pages: title, date, lead and body where the old
page layer failed (footer heading as title, lead beside the body lost, date line missed, link-only
pages whose body became the footer), plus the crawl context."""
from pathlib import Path

import pytest

from extract import extract_html
from extract.page import parse_html

LIFERAY = Path(__file__).parent / "fixtures" / "pages" / "liferay"
FOOTER = ("SỞ NỘI VỤ TỈNH BÌNH PHƯỚC", "Địa chỉ", "Điện thoại", "Chịu trách nhiệm")
CHROME = ("Lượt xem", "In bài viết", "Cỡ chữ", "Các tin khác", "Hội nghị tổng kết", "Thống kê truy cập",
          "Hôm nay", "Chuyên mục", "Kết quả thực hiện nhiệm vụ", "Trang chủ", "Tìm kiếm") + FOOTER


def page_of(name: str, **kwargs):
    return parse_html((LIFERAY / name).read_bytes(), url=f"http://127.0.0.1/web/snv/{name}", **kwargs)


@pytest.mark.parametrize("name, title, date, author", [
    ("article-boi-duong.html", "Bồi dưỡng nghiệp vụ cải cách hành chính cho công chức cấp xã năm 2024",
     "2024-04-19", "Thu Trang"),
    ("article-chi-so.html", "Hội nghị triển khai chấm điểm Chỉ số cải cách hành chính năm 2024 của các sở, ngành",
     "2024-05-02", "P.CCHC"),
])
def test_liferay_article_title_date_author(name, title, date, author):
    page = page_of(name)
    assert (page.title, page.published_date, page.author) == (title, date, author)
    assert page.date_line.startswith("Ngày đăng")


@pytest.mark.parametrize("name", ["article-boi-duong.html", "article-chi-so.html", "links-van-ban.html"])
def test_liferay_footer_heading_is_never_the_title_and_no_chrome_in_body(name):
    page = page_of(name)
    assert page.title and page.title.casefold() != "sở nội vụ tỉnh bình phước"
    for chrome in CHROME:
        assert chrome not in page.text, chrome


def test_lead_beside_the_body_container_is_kept_first():
    page = page_of("article-boi-duong.html")
    assert page.text.startswith("Ngày 17/4/2024, Sở Nội vụ tỉnh Bình Phước khai giảng lớp bồi dưỡng")
    assert "Đồng chí Nguyễn Văn Hòa, Phó Giám đốc Sở Nội vụ phát biểu khai giảng" in page.text  # table caption


def test_lead_found_by_position_when_its_class_is_unknown():
    html = (LIFERAY / "article-chi-so.html").read_text(encoding="utf-8").replace("asset-summary", "gioi-thieu-bai")
    page = parse_html(html)
    assert page.text.startswith("Sáng 29/4/2024, Sở Nội vụ tổ chức hội nghị triển khai")
    assert page.text.count("Sáng 29/4/2024") == 1


def test_link_only_page_keeps_its_links_not_the_footer():
    page = page_of("links-van-ban.html")
    assert page.title == "Văn bản chỉ đạo, điều hành về cải cách hành chính năm 2024"
    assert "Kế hoạch số 45/KH-SNV ngày 22/01/2024" in page.text
    assert page.published_date is None  # the documents' dates are not the page's


def test_site_wide_title_is_not_the_page_title():
    page = page_of("article-site-title.html")  # <title> is the site's name on every page
    assert page.title == "Hội nghị triển khai chấm điểm Chỉ số cải cách hành chính năm 2024 của các sở, ngành"
    with_context = page_of("article-site-title.html", context={"site_title": "Sở Nội vụ tỉnh Bình Phước"})
    assert with_context.title == page.title


def test_link_text_from_the_crawl_picks_the_heading_it_names():
    html = (LIFERAY / "article-chi-so.html").read_text(encoding="utf-8")
    # a second, longer classed title block (a banner slogan) competes with the article's title
    html = html.replace('<div class="asset-title-wrap">',
                        '<div class="slogan-title">Chung tay xây dựng nền hành chính phục vụ nhân dân</div>'
                        '<div class="asset-title-wrap">')
    context = {"link_text": "Hội nghị triển khai chấm điểm Chỉ số cải cách hành chính năm 2024…",
               "site_title": None, "from_listing": True}
    page = parse_html(html, context=context)
    assert page.title == "Hội nghị triển khai chấm điểm Chỉ số cải cách hành chính năm 2024 của các sở, ngành"


def test_extract_html_passes_the_context_through():
    html = (LIFERAY / "article-site-title.html").read_bytes()
    record = extract_html(html, url="http://127.0.0.1/web/snv/x", context={"site_title": "Sở Nội vụ tỉnh Bình Phước"})
    assert record["title"].startswith("Hội nghị triển khai chấm điểm") and record["published_date"] == "2024-05-02"


@pytest.mark.parametrize("placeholder", ["01/01/0001", "1/1/0001 12:00:00 AM", "01/01/1900"])
def test_placeholder_dates_are_no_date(placeholder):
    html = (LIFERAY / "article-chi-so.html").read_text(encoding="utf-8").replace("02/05/2024", placeholder)
    assert parse_html(html).published_date is None


def test_date_is_found_without_the_title():
    html = (LIFERAY / "article-chi-so.html").read_text(encoding="utf-8")
    html = html.replace('<span class="asset-title">Hội nghị triển khai chấm điểm Chỉ số cải cách hành chính năm 2024 '
                        'của các sở, ngành</span>', "")
    assert parse_html(html).published_date == "2024-05-02"


def test_a_teaser_matching_a_known_container_does_not_win():
    article = "".join(f"<p>Đoạn {i}: Sở Nội vụ tổ chức hội nghị tập huấn nghiệp vụ cải cách hành chính cho "
                      f"cán bộ, công chức các sở, ngành và địa phương trên địa bàn tỉnh.</p>" for i in range(6))
    html = (f"<html><head><title>Tập huấn cải cách hành chính - Sở Nội vụ</title></head><body>"
            f"<div class='box-hot'><div class='noidung'>Tin nổi bật hôm nay</div></div>"
            f"<div class='main'><h1>Tập huấn cải cách hành chính</h1><div class='story'>{article}</div></div></body></html>")
    page = parse_html(html)
    assert page.text.startswith("Đoạn 0:") and "Tin nổi bật" not in page.text
