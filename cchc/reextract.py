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


def reextract_all(archive: Archive, workers: int | None = None, everything: bool = True,
                  progress=None) -> tuple[int, int]:
    """Re-run extraction on the latest preserved version of every article page, on every core
    (store.reextract): decoded as the crawl decoded it, aliases of stored articles skipped.
    Returns (articles rebuilt, pages that failed)."""
    from store.reextract import reextract

    path = archive.path
    configs = {name: site_config(name, archive) for (name,) in archive.db.execute("SELECT DISTINCT site FROM pages")}
    archive.close()  # the engine opens its own connections (one writer, one reader per worker)
    result = reextract(path, site_config=configs.get, workers=workers, everything=everything, progress=progress)
    for error in result.errors:
        log.error("re-extraction failed for %s", error)
    return result.done, result.failed
