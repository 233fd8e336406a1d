"""Profile `extract.extract_html` on the large replay's pages (config or generic mode).

    python -m benchmarks.profile_extract config 300     # ms/page, then the top cProfile entries
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time


def main(argv: list[str]) -> None:
    """Time and profile one mode over N replay pages."""
    from benchmarks.check_identical import pages
    import extract

    mode, n = argv[0], int(argv[1])
    sort = argv[2] if len(argv) > 2 else "tottime"
    items = [p for p in pages(replay_pages=n, peer_pages=0) if p[0].startswith(f"replay-{mode}:")]
    for _, _, url, site, body in items[:3]:
        extract.extract_html(body, url=url, site=site)
    start = time.perf_counter()
    for _, _, url, site, body in items:
        extract.extract_html(body, url=url, site=site)
    took = time.perf_counter() - start
    print(f"{mode}: {len(items)} pages, {1000 * took / len(items):.2f} ms/page")
    profiler = cProfile.Profile()
    profiler.enable()
    for _, _, url, site, body in items:
        extract.extract_html(body, url=url, site=site)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(int(argv[3]) if len(argv) > 3 else 35)


if __name__ == "__main__":
    main(sys.argv[1:])
