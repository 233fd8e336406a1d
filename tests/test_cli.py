"""The cchc command: extract-file on the seeds, and clear one-line errors for bad input."""
import json

import jsonschema
import pytest
from click.testing import CliRunner

from cchc.cli import cli
from conftest import SHARED

SCHEMA_PATH = SHARED / "schema" / "article.schema.json"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
needs_shared = pytest.mark.skipif(not SCHEMA_PATH.exists(), reason="../shared is not beside the project")


@pytest.fixture(scope="module")
def schema():
    return json.loads(SCHEMA_PATH.read_text())


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@needs_shared
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_extract_file_prints_a_valid_record(seed, schema):
    result = run("extract-file", str(seed))
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    jsonschema.validate(record, schema)
    assert record["relevant"] is True and record["title"]


def test_extract_file_records_the_url(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>Tập huấn CCHC</title></head><body><h1>Tập huấn cải cách hành chính</h1>"
                    "<div class='news-content'><p>Ngày 3/6/2023, Sở Nội vụ tổ chức lớp tập huấn cải cách hành chính"
                    " cho 120 học viên.</p></div></body></html>", encoding="utf-8")
    record = json.loads(run("extract-file", str(page), "--url", "http://127.0.0.1/a").output)
    assert record["url"] == "http://127.0.0.1/a" and record["learners"]["count"] == 120


@pytest.mark.parametrize("args, message", [
    (["extract-file", "/no/such/file.html"], "no such file"),
    (["extract-file", "--site", "atlantis", "x"], "unknown site"),
    (["crawl", "--site", "atlantis"], "unknown site"),
    (["crawl", "--start-url", "ftp://example"], "not an http(s) URL"),
    (["serve", "--db", "/no/such/archive.db"], "no archive"),
    (["export", "--db", "/no/such/archive.db"], "no archive"),
    (["reextract", "--db", "/no/such/archive.db"], "no archive"),
])
def test_bad_input_is_one_clear_line(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert message.lower() in result.output.lower()
    assert "Traceback" not in result.output


def test_binary_file_is_refused(tmp_path):
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 10)
    result = CliRunner().invoke(cli, ["extract-file", str(junk)])
    assert result.exit_code == 1 and "binary" in result.output


def test_corrupt_database_is_refused(tmp_path):
    bad = tmp_path / "archive.db"
    bad.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(cli, ["export", "--db", str(bad)])
    assert result.exit_code == 1 and "not a readable SQLite database" in result.output
    assert bad.read_bytes() == b"garbage" * 1000  # nothing lost or overwritten


def test_every_verb_has_help_with_an_example():
    for verb in ("demo", "crawl", "extract-file", "reextract", "export", "serve", "package", "sites"):
        result = run(verb, "--help")
        assert result.exit_code == 0 and "Example" in result.output, verb


def test_unreachable_start_url_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--start-url", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 1
    assert "could not reach http://127.0.0.1:9/" in result.output and "Traceback" not in result.output


def test_non_html_file_is_refused(tmp_path):
    table = tmp_path / "data.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract-file", str(table)])
    assert result.exit_code == 1 and "neither an HTML page nor" in result.output
