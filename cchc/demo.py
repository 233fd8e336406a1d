"""The demo: the replay of the portals on loopback, crawled into an archive, offline."""
from __future__ import annotations

from pathlib import Path

# Fixed loopback ports for the demo's replay, so that article URLs (and row counts) are the same
# from one build to the next; tests use free ports instead.
DEMO_BASE_PORT = 18410


def build_demo(db_path: str | Path, base_port: int | None = None) -> dict:
    """Start the replay, crawl every replay site (configured sites by config, others generically)
    into `db_path`, stop the replay; return the crawl stats."""
    from store import Archive
    from crawler.run import crawl
    from crawler.sites import UnknownSiteError, load_site
    from replay.server import start_replay

    Archive(db_path).close()
    with start_replay(base_port=base_port) as replay:
        configs, start_urls = [], {}
        for name, url in sorted(replay.sites.items()):
            try:
                configs.append(load_site(name).for_replay(url))
            except UnknownSiteError:
                start_urls[name] = url + "/"  # a layout with no config: the generic mode
        return crawl(str(db_path), sites=configs, start_urls=start_urls)
