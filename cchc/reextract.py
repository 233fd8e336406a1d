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


def reextract_all(archive: Archive, workers: int | None = None, everything: bool = True,
                  progress=None) -> tuple[int, int]:
    """Re-run extraction on the latest preserved version of every article page, on every core
    (store.reextract). Returns (articles rebuilt, pages that failed)."""
    from store.reextract import reextract

    path = archive.path
    archive.close()  # the engine opens its own connections (one writer, one reader per worker)
    result = reextract(path, site_config=site_config, workers=workers, everything=everything, progress=progress)
    for error in result.errors:
        log.error("re-extraction failed for %s", error)
    return result.done, result.failed
