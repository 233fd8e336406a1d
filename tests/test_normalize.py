"""Vietnamese text rules: NFC, tone placement, search folding, numerals, sentences."""
import unicodedata

import pytest

from extract.normalize import (canonical_tones, clean_text, fold, name_case, parse_number, person_key,
                               sentence_at)


@pytest.mark.parametrize("a, b", [("Trần Văn Hoà", "Trần Văn Hòa"), ("Nguyễn Thị Thuý", "Nguyễn Thị Thúy"),
                                  ("Khoẻ", "Khỏe"), ("THUỶ", "THỦY")])
def test_tone_placement_compares_equal(a, b):
    assert person_key(a) == person_key(b)
    assert canonical_tones(a).casefold() == canonical_tones(b).casefold()


def test_different_names_stay_different():
    assert person_key("Nguyễn Đình Hoa") != person_key("Nguyễn Đình Hòa")


def test_nfd_input_is_normalised():
    decomposed = unicodedata.normalize("NFD", "Đỗ Quý Tiến")
    assert clean_text(decomposed) == "Đỗ Quý Tiến"
    assert person_key(decomposed) == person_key("Đỗ Quý Tiến")


@pytest.mark.parametrize("text, key", [("Đỗ Quý Tiến", "do quy tien"), ("tập huấn", "tap huan"),
                                       ("ĐỒNG THÁP", "dong thap"), ("Hoà  Bình", "hoa binh")])
def test_fold_strips_diacritics_and_d(text, key):
    assert fold(text) == key


@pytest.mark.parametrize("token, value", [("1.703", 1703), ("91,43", 91.43), ("02", 2), ("1.234.567", 1234567),
                                          ("hai trăm", 200), ("một trăm năm mươi", 150), ("ba trăm linh năm", 305),
                                          ("hai mươi lăm", 25), ("abc", None), ("", None)])
def test_parse_number(token, value):
    assert parse_number(token) == value


def test_name_case_for_capitals():
    assert name_case("MINH THÙY") == "Minh Thùy"
    assert name_case("Nguyễn Thị Định") == "Nguyễn Thị Định"


def test_sentence_at_returns_the_sentence():
    text = "Ngày 13/11/2019 Sở mở lớp. Tới dự có đồng chí Trần Văn Hòa, Phó Giám đốc. Lớp kết thúc."
    start = text.index("Trần")
    assert sentence_at(text, start, start + 12) == "Tới dự có đồng chí Trần Văn Hòa, Phó Giám đốc."
