"""WARC export of the preserved responses (warcio): one `response` record per stored page version,
with the HTTP status line, the headers and the body as they were received (a gzip-encoded body stays
gzip-encoded, with its Content-Encoding and wire Content-Length), WARC-Date = the fetch time, and a
WARC-Payload-Digest over the bytes. Readers (warcio, pywb, replayweb.page) get the original exchange.
"""
from __future__ import annotations

import io
import os
from http import HTTPStatus
from typing import Iterator

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from store.archive import Archive


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _iter_pages(archive: Archive, site: str | None) -> Iterator[tuple]:
    sql = "SELECT id, url, final_url, fetched_at FROM pages" + (" WHERE site = ?" if site else "") + " ORDER BY id"
    yield from archive.db.execute(sql, [site] if site else [])


def export_warc(archive: Archive, path: str | os.PathLike, site: str | None = None, gzip: bool = True) -> int:
    """Write every stored response (of `site`, if given) to a WARC file at `path`; return the
    number of records. `gzip` writes a .warc.gz (one gzip member per record, the standard way)."""
    count = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for page_id, url, final_url, fetched_at in _iter_pages(archive, site):
            status, headers, body = archive.page_wire(page_id)
            header_list = [(name, value) for name, values in headers.items() for value in values]
            http_headers = StatusAndHeaders(_status_line(status), header_list, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": _warc_date(fetched_at)}
            if final_url and url and final_url != url:
                warc_headers["WARC-Refers-To-Target-URI"] = url  # the address first asked for
            record = writer.create_warc_record(final_url or url, "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http_headers,
                                               warc_headers_dict=warc_headers)
            writer.write_record(record)
            count += 1
    return count


def _warc_date(fetched_at: str | None) -> str:
    if not fetched_at:
        from store.archive import utc_now

        fetched_at = utc_now()
    return fetched_at.replace("+00:00", "Z")
