"""extract.page: title, publication date, byline and chrome-free body from text and HTML."""
import unicodedata

import pytest

from extract.page import is_date_line, parse_date_line, parse_html, parse_text


@pytest.mark.parametrize("line, iso", [
    ("Ngày đăng 19/04/2019 | 05:20", "2019-04-19"),
    ("Cập nhật ngày: 30/07/2020 05:16:15", "2020-07-30"),
    ("Thứ năm, 30/05/2024 11:24 (GMT+7)", "2024-05-30"),
    ("Thứ năm - 30/05/2024 11:24", "2024-05-30"),
    ("Thứ năm, 26/7/2018, 00:00 (GMT+7)", "2018-07-26"),
    ("01/11/2024 - 09:50", "2024-11-01"),
    ("13:30 | 16/9/2021", "2021-09-16"),
    ("27/12/2013 14:00", "2013-12-27"),
    ("[17-05-2022]", "2022-05-17"),
    ("Ngày đăng 19/04/2019 | 05:20 | View count: 4012", "2019-04-19"),
])
def test_date_lines(line, iso):
    assert is_date_line(line)
    assert parse_date_line(line) == iso


@pytest.mark.parametrize("line", ["Tháng 5, 2022", "CN T2 T3 T4 T5 T6 T7", "Hôm nay: 838",
                                  "Thực hiện Kế hoạch số 204/KH-UBND ngày 23/12/2021 của UBND tỉnh về cải cách hành chính"])
def test_not_date_lines(line):
    assert not is_date_line(line)


def test_text_with_section_label_date_line_and_chrome():
    page = parse_text("Tin tức sự kiện\n\nTập huấn cải cách hành chính năm 2024\nNgày đăng 19/04/2024 | 05:20\n\n"
                      "Ngày 18/4, Sở Nội vụ tổ chức tập huấn.\n\nTRẦN MINH ĐỨC\n\nGửi bình luận của bạn\n"
                      "Thống kê truy cập\nHôm nay: 838")
    assert page.title == "Tập huấn cải cách hành chính năm 2024"
    assert page.published_date == "2024-04-19"
    assert page.author == "Trần Minh Đức"
    assert page.text == "Ngày 18/4, Sở Nội vụ tổ chức tập huấn."


def test_calendar_is_not_a_date_and_not_body():
    page = parse_text("Lớp bồi dưỡng CCHC\n\nNội dung bài.\n\nPhòng Cải cách hành chính\n\nTháng 5, 2022\n"
                      "CN T2 T3 T4 T5 T6 T7\n1 2 3 4 5 6 7\n8 9 10 11 12 13 14")
    assert page.published_date is None
    assert page.author == "Phòng Cải cách hành chính"
    assert page.text == "Nội dung bài."


def test_name_then_unit_byline_gives_the_person():
    page = parse_text("Tiêu đề bài viết về tập huấn\n\nNội dung bài viết.\n\nNguyễn Thị Định\nSở Nội vụ tỉnh Vĩnh Phúc")
    assert page.author == "Nguyễn Thị Định" and page.text == "Nội dung bài viết."


LIFERAY = """<html><head><title>Tập huấn chấm điểm Chỉ số CCHC - Sở Nội vụ</title></head><body>
<header><nav><a href="/">Trang chủ</a> <a href="/lien-he">Liên hệ</a></nav></header>
<h1 class="portlet-title">Tin tức sự kiện</h1>
<div class="title-news"><h1>Tập huấn chấm điểm Chỉ số CCHC</h1></div>
<div class="date">15/09/2021 08:30 | Lượt xem: 842</div>
<div class="journal-content-article"><p>Ngày 15/9/2021, Sở Nội vụ tổ chức lớp tập huấn chấm điểm Chỉ số cải cách hành chính.</p>
<table><tr><td><img src="a.jpg"></td></tr><tr><td>Đ/c Lê Văn An, Phó Giám đốc Sở Nội vụ phát biểu</td></tr></table>
<p>Tin, ảnh: Hoàng Yến</p></div>
<div class="other-news"><h3>Các tin khác</h3><ul><li><a href="/x">Hội nghị tổng kết</a> (12/05/2022)</li></ul></div>
<div class="thong-ke">Hôm nay: 838 Đã truy cập: 1307973</div>
<footer>Địa chỉ: số 1, đường X. Điện thoại: 0277</footer></body></html>"""


def test_liferay_page_decoy_title_caption_kept_chrome_dropped():
    page = parse_html(LIFERAY)
    assert page.title == "Tập huấn chấm điểm Chỉ số CCHC"
    assert page.published_date == "2021-09-15"
    assert page.author == "Hoàng Yến"
    assert "Đ/c Lê Văn An, Phó Giám đốc Sở Nội vụ phát biểu" in page.text
    for chrome in ("Lượt xem", "Các tin khác", "Hôm nay", "Địa chỉ", "Trang chủ", "Tin, ảnh"):
        assert chrome not in page.text


def test_uploader_account_is_not_the_author():
    html = ("<html><body><h1 class=title>Hội nghị tập huấn cải cách hành chính năm 2024</h1>"
            "<span class=date>12/05/2024</span><span class=author>Đăng bởi: admin</span>"
            "<div class=news-content><p>Ngày 10/5/2024, Sở Nội vụ tổ chức hội nghị tập huấn cải cách hành chính"
            " cho 200 học viên.</p><p>Trần Minh Đức</p></div></body></html>")
    assert parse_html(html).author == "Trần Minh Đức"


def test_nfd_html_becomes_nfc():
    html = unicodedata.normalize("NFD", "<html><body><h1>Tập huấn cải cách hành chính</h1>"
                                        "<div class='news-content'><p>Đồng chí Đỗ Quý Tiến dự lớp bồi dưỡng"
                                        " nghiệp vụ cải cách hành chính.</p></div></body></html>")
    page = parse_html(html.encode())
    assert "Đỗ Quý Tiến" in page.text and unicodedata.is_normalized("NFC", page.text)


@pytest.mark.parametrize("junk", [b"", b"\x00\xff" * 1000, "<html><body><div><p>broken".encode(),
                                  ("<p>" + "chữ " * 200_000).encode()])
def test_bad_html_gives_a_page_not_an_error(junk):
    page = parse_html(junk)
    assert isinstance(page.text, str)


@pytest.mark.parametrize("line, author", [
    ("P.CCHC", "P.CCHC"),
    ("BBT", "BBT"),
    ("Thanh Tâm - VP Sở", "Thanh Tâm"),
    ("Lê Thị Hoa - Phòng Xây dựng chính quyền", "Lê Thị Hoa"),
    ("Phòng CCHC - Sở Nội vụ", "Phòng CCHC - Sở Nội vụ"),
    ("Tin: Văn Nam; Ảnh: Lê Hùng", "Văn Nam"),
    ("Tin, ảnh: Hoàng Yến", "Hoàng Yến"),
    ("Tác giả bài viết: Phòng Cải cách hành chính- Văn thư lưu trữ", "Phòng Cải cách hành chính - Văn thư lưu trữ"),
])
def test_byline_styles(line, author):
    page = parse_text(f"Tập huấn cải cách hành chính\n\nSở Nội vụ tổ chức tập huấn.\n\n{line}")
    assert page.author == author and page.text == "Sở Nội vụ tổ chức tập huấn."


@pytest.mark.parametrize("line", ["Lịch công tác | Văn bản mới | Hỏi đáp", "Trang chủ > Tin tức > Cải cách hành chính",
                                  "Bài viết cùng chuyên mục", "Số lượt truy cập: 2.093.115"])
def test_menu_bars_breadcrumbs_and_related_lists_are_cut(line):
    page = parse_text(f"Tập huấn cải cách hành chính\n\nSở Nội vụ tổ chức tập huấn.\n\n{line}\n- Tin khác (28/05/2018)")
    assert page.text == "Sở Nội vụ tổ chức tập huấn."


@pytest.mark.parametrize("text, author", [
    ("Tập huấn cải cách hành chính\nThu Hằng (Báo Quảng Ninh)\nCập nhật: 14/03/2023 08:15\n\nNgày 12/3, Sở tổ chức lớp.",
     "Thu Hằng"),
    ("Tập huấn cải cách hành chính\nHồng Thắm\nCập nhật lúc: 18/09/2025 17:05\n\nNgày 16/9, Sở tổ chức lớp.", "Hồng Thắm"),
    ("Tập huấn cải cách hành chính\n17/06/2019\n\nNgày 16/6, Sở tổ chức lớp.\n\nThanh Hà\n(Theo Báo Hà Tĩnh)", "Thanh Hà"),
    ("Tập huấn cải cách hành chính\n17/06/2019\n\nNgày 16/6, Sở tổ chức lớp.\n\n(Theo Báo Hà Tĩnh)", None),  # a source, no author
    ("Tập huấn cải cách hành chính\n17/06/2019\n\nNgày 16/6, Sở tổ chức lớp.\n\nHoài Thu (TTXVN)", "Hoài Thu"),
])
def test_press_bylines_at_top_or_bottom(text, author):
    page = parse_text(text)
    assert page.author == author
    assert page.text.startswith("Ngày 1") and page.text.endswith("Sở tổ chức lớp.")
