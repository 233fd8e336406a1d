"""Bad input never crashes extraction: each gives a valid (mostly empty) record or a clear error."""
import json
import os

import jsonschema
import pytest

from conftest import SHARED
from extract import ExtractError, extract_file, extract_html, extract_text

SCHEMA_PATH = SHARED / "schema" / "article.schema.json"
pytestmark = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason="../shared is not beside the project")

FIVE_MB_PAGE = ("<html><body><h1>Tin tức</h1><div class='content'>"
                + "<p>Sở Nội vụ tổ chức hội nghị tập huấn cải cách hành chính cho 120 học viên.</p>" * 60_000
                + "</div></body></html>")


@pytest.fixture(scope="module")
def schema():
    return json.loads(SCHEMA_PATH.read_text())


@pytest.mark.parametrize("text", ["", "   \n\n ", "The quick brown fox jumps over the lazy dog. " * 50,
                                  os.urandom(3000).decode("latin-1"), "\x00\x01\x02 rác",
                                  "Ngày 32/13/2019 có 0 học viên"])
def test_bad_text_gives_a_valid_record(text, schema):
    record = extract_text(text)
    jsonschema.validate(record, schema)
    assert record["relevant"] is False


@pytest.mark.parametrize("html", [b"", b"<html", b"<html><body><div><p>unclosed <b>tags", os.urandom(5000),
                                  "<html><body>Không có gì</body></html>".encode("utf-16")])
def test_bad_html_gives_a_valid_record(html, schema):
    jsonschema.validate(extract_html(html), schema)


def test_five_megabyte_page(schema):
    assert len(FIVE_MB_PAGE.encode()) > 5_000_000
    record = extract_html(FIVE_MB_PAGE)
    jsonschema.validate(record, schema)
    assert record["relevant"] is True


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(2000))
    with pytest.raises(ExtractError, match="binary"):
        extract_file(path)
