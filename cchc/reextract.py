"""Rebuild articles and facts from preserved pages: no network, same code path as the crawl."""
from __future__ import annotations

import logging

from store import Archive

log = logging.getLogger(__name__)


def site_config(name: str | None) -> dict | None:
    """The config dict of a configured site, or None for a generically crawled one."""
    if not name:
        return None
    from crawler.sites import UnknownSiteError, load_site

    try:
        return load_site(name).as_dict()
    except UnknownSiteError:
        return None


def reextract_all(archive: Archive) -> tuple[int, int]:
    """Re-run extraction on the latest preserved version of every article page.
    Returns (articles rebuilt, pages that failed)."""
    import extract

    configs: dict[str | None, dict | None] = {}
    done = failed = 0
    for page in archive.iter_pages(kind="article"):
        if page["site"] not in configs:
            configs[page["site"]] = site_config(page["site"])
        try:
            record = extract.extract_html(archive.page_body(page["id"]), url=page["final_url"] or page["url"],
                                          site=configs[page["site"]])
            archive.save_article(record, page_id=page["id"], site=page["site"],
                                 extractor_version=extract.__version__)
            done += 1
        except Exception:  # one bad page must not stop the rebuild; it stays preserved
            log.exception("re-extraction failed for %s", page["url"])
            failed += 1
    return done, failed
