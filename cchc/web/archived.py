"""The preserved copy of a page (`/-/archived/<page id>`), shown so that nothing in it can run.

HTML is served with `Content-Security-Policy: sandbox` (a unique origin, no scripts, no forms, no
pop-ups) and `default-src 'none'` (nothing is fetched: no tracker, no image from the live portal),
and the article page embeds it in an `<iframe sandbox>` without `allow-scripts`. `?as=text` serves
the exact bytes as text/plain (the page's source). Anything that is not HTML is served as text."""
from __future__ import annotations

import sqlite3
import zlib

# sandbox without allow-scripts: the document gets an opaque origin and runs no script, even when
# opened directly (not only inside our iframe).
ARCHIVED_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "font-src 'none'; form-action 'none'; frame-ancestors 'self'")


def decode_body(body: bytes | None, encoding: str | None) -> bytes:
    """A stored body as the entity that was received (zlib as stored, or the response's own
    gzip/deflate Content-Encoding undone), like `store.Archive.page_body`."""
    if body is None:
        return b""
    if encoding == "zlib":
        return zlib.decompress(body)
    if encoding == "gzip":
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)
    return bytes(body)


def archived_copy(conn: sqlite3.Connection, page_id: int, as_text: bool = False) -> dict | None:
    """{body, content_type, headers} for a preserved page, or None when there is none."""
    row = conn.execute("SELECT url, body, body_encoding, content_type FROM pages WHERE id = ?",
                       [page_id]).fetchone()
    if row is None:
        return None
    url, body, encoding, content_type = row
    try:  # zstd bodies need their site's dictionary: the store's codec reads them (store/compress.py)
        from store.compress import BodyCodec
    except ImportError:
        data = decode_body(body, encoding)
    else:
        data = BodyCodec(conn).read(page_id)
    charset = "utf-8"
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    is_html = (content_type or "text/html").lower().startswith(("text/html", "application/xhtml"))
    kind = "text/html" if is_html and not as_text else "text/plain"
    return {
        "body": data,
        "content_type": f"{kind}; charset={charset}",
        "headers": {
            "content-security-policy": ARCHIVED_CSP,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "x-cchc-original-url": url.encode("ascii", "backslashreplace").decode("ascii"),
        },
    }
