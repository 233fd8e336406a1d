"""Pure extraction: HTML or text in, an article record out. Knows nothing of Scrapy or SQLite.

    >>> from extract import extract_text
    >>> record = extract_text(open("article.txt").read())
"""
from __future__ import annotations

from pathlib import Path

__version__ = "1"
__all__ = ["ExtractError", "extract_file", "extract_html", "extract_text", "__version__"]

MAX_INPUT_BYTES = 20 * 1024 * 1024


class ExtractError(Exception):
    """The input cannot be read as an article (missing, binary, too large)."""


def extract_html(html: str | bytes, url: str | None = None, site: dict | None = None,
                 context: dict | None = None) -> dict:
    """The record for one saved HTML page. `site` is the site config (province, selectors);
    `context` is what the crawl knew when it reached the page ({"link_text", "site_title",
    "from_listing"}), passed to `extract.page.parse_html`."""
    from extract.encoding import decode_page
    from extract.guard import cap_nesting, plausible_record
    from extract.page import parse_html
    from extract.record import build_record

    site = site or {}
    if isinstance(html, bytes):  # header-less bytes: BOM, <meta>, detector (extract.encoding)
        html = decode_page(html).text
    page = parse_html(cap_nesting(html), url=url, selectors=site.get("selectors"), context=context)
    return plausible_record(build_record(page, url=url, province=site.get("province")))


def extract_text(text: str, url: str | None = None, site: dict | None = None) -> dict:
    """The record for one scraped article text (title near the top, then date line and body)."""
    from extract.guard import plausible_record
    from extract.page import parse_text
    from extract.record import build_record

    return plausible_record(build_record(parse_text(text), url=url, province=(site or {}).get("province")))


def extract_file(path: str | Path, url: str | None = None, site: dict | None = None) -> dict:
    """The record for a saved page (`.html`/`.htm`) or a scraped text (`.txt`); other files are
    sniffed. Raises ExtractError with a one-line reason for a missing, binary or huge file."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"no such file: {path}")
    if not path.is_file():
        raise ExtractError(f"not a file: {path}")
    data = path.read_bytes()
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractError(f"{path} is {len(data) // 1_048_576} MB; the limit is {MAX_INPUT_BYTES // 1_048_576} MB")
    if b"\x00" in data[:8192]:
        raise ExtractError(f"{path} is a binary file, not HTML or text")
    head = data[:2048].lstrip().lower()
    looks_html = head.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<body" in data[:65536].lower()
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml") or (suffix != ".txt" and looks_html):
        return extract_html(data, url=url, site=site)
    if suffix != ".txt":
        raise ExtractError(f"{path} is neither an HTML page nor a scraped article text (.txt)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractError(f"{path} is not UTF-8 text or HTML") from None
    return extract_text(text, url=url, site=site)
