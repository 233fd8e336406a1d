"""Rebuild articles and facts from preserved pages: no network, same code path as the crawl."""
from __future__ import annotations

import logging

from store import Archive

log = logging.getLogger(__name__)


def site_config(name: str | None, archive: Archive | None = None) -> dict | None:
    """The config dict of a configured site; else what the archive's `sites` table recorded when
    it was crawled (province, base URL), so a re-extraction sees what the crawl saw; else None."""
    if not name:
        return None
    from crawler.sites import UnknownSiteError, load_site

    try:
        return load_site(name).as_dict()
    except UnknownSiteError:
        pass
    if archive is not None:
        row = archive.db.execute("SELECT name, province, site_name, base_url, cms FROM sites WHERE name = ?",
                                 [name]).fetchone()
        if row is not None:
            return dict(zip(("name", "province", "site_name", "base_url", "cms"), row))
    return None


def reextract_all(archive: Archive) -> tuple[int, int]:
    """Re-run extraction on the latest preserved version of every article page.
    Returns (articles rebuilt, pages that failed)."""
    import extract
    from extract.encoding import decode_page

    configs: dict[str | None, dict | None] = {}
    done = failed = 0
    # another address of an article (same bytes, or naming it canonical) is no article of its own
    aliases = {r[0] for r in archive.db.execute("SELECT url FROM article_links")}
    for page in archive.iter_pages(kind="article"):
        if page["url"] in aliases:
            continue
        if page["site"] not in configs:
            configs[page["site"]] = site_config(page["site"], archive)
        try:
            # decoded as the crawl decoded it: the stored Content-Type's charset first (extract.encoding)
            text = decode_page(archive.page_body(page["id"]), archive.page_content_type(page["id"])).text
            record = extract.extract_html(text, url=page["final_url"] or page["url"], site=configs[page["site"]])
            archive.save_article(record, page_id=page["id"], site=page["site"],
                                 extractor_version=extract.__version__)
            done += 1
        except Exception:  # one bad page must not stop the rebuild; it stays preserved
            log.exception("re-extraction failed for %s", page["url"])
            failed += 1
    return done, failed
