"""Exact preservation and WARC: a gzip-encoded response is kept as it came (bytes, Content-Encoding,
wire Content-Length), `cchc export-warc` writes standard WARC, and warcio reads every record back to
the stored headers and bytes."""
from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from cchc.cli import cli
from conftest import FAST_CRAWL, db_rows
from crawler.run import crawl
from crawler.sites import from_dict
from replay.bulk import start_bulk
from store import Archive

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("warc") / "archive.db"
    with start_bulk(12) as site:
        assert crawl(db, sites=[from_dict(site.config())], settings=FAST_CRAWL)["ok"]
    return db


def test_a_gzip_response_is_stored_as_received(archive_db):
    rows = db_rows(archive_db, "SELECT id, body, body_encoding, headers, content_hash FROM pages "
                               "WHERE body_encoding = 'gzip'")
    assert len(rows) == 6  # the odd articles of twelve
    archive = Archive(archive_db, create=False)
    for page_id, body, encoding, headers, digest in rows:
        headers = {k.lower(): v for k, v in json.loads(headers).items()}
        assert headers["content-encoding"] == ["gzip"]
        assert int(headers["content-length"][0]) == len(body)  # the wire length of the wire bytes
        assert hashlib.sha256(gzip.decompress(body)).hexdigest() == digest
        assert archive.page_body(page_id) == gzip.decompress(body)  # extraction sees the entity
    archive.close()


def test_export_warc_round_trips_every_response(archive_db, tmp_path):
    out = tmp_path / "archive.warc.gz"
    result = CliRunner().invoke(cli, ["export-warc", "--db", str(archive_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stored = {r[0]: r for r in db_rows(archive_db, "SELECT final_url, status, headers, body_encoding, content_hash FROM pages")}
    archive = Archive(archive_db, create=False)
    wire = {url: archive.page_wire(pid)[2] for pid, url in db_rows(archive_db, "SELECT id, final_url FROM pages")}
    archive.close()
    seen = set()
    with open(out, "rb") as stream:
        for record in ArchiveIterator(stream):
            assert record.rec_type == "response"
            url = record.rec_headers.get_header("WARC-Target-URI")
            _, status, headers, encoding, digest = stored[url]
            assert record.http_headers.get_statuscode() == str(status)
            want = [(k, v) for k, vs in json.loads(headers).items() for v in vs]
            assert record.http_headers.headers == want
            raw = record.raw_stream.read()
            assert raw == wire[url]
            entity = gzip.decompress(raw) if encoding == "gzip" else raw
            assert hashlib.sha256(entity).hexdigest() == digest
            seen.add(url)
    assert seen == set(stored)


def test_export_warc_bad_database_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["export-warc", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.warc.gz")])
    assert result.exit_code != 0 and "no archive" in result.output and "Traceback" not in result.output
