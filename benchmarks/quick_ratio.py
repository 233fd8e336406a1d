"""extract_html (config, generic) vs trafilatura.extract on the same large-replay pages, interleaved
rounds in one process: pages/s and the ratios (a quicker stand-in for `benchmarks.run --stages extract`).

    python -m benchmarks.quick_ratio 300 3
"""
from __future__ import annotations

import statistics
import sys
import time


def main(argv: list[str]) -> None:
    """Print median pages/s of each runner over interleaved rounds, and the ratios."""
    import trafilatura

    import extract
    from benchmarks.check_identical import pages

    n, rounds = int(argv[0]), int(argv[1])
    items = [p for p in pages(replay_pages=n, peer_pages=0) if p[0].startswith("replay-config:")]
    runners = {
        "config": lambda u, s, b: extract.extract_html(b, url=u, site=s),
        "generic": lambda u, s, b: extract.extract_html(b, url=u),
        "trafilatura": lambda u, s, b: trafilatura.extract(b, url=u),
    }
    for run in runners.values():
        run(*items[0][2:])
    rates = {k: [] for k in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            for _, _, url, site, body in items:
                run(url, site, body)
            rates[name].append(len(items) / (time.perf_counter() - start))
    med = {k: statistics.median(v) for k, v in rates.items()}
    for k, v in med.items():
        print(f"{k:12s} {v:7.1f} pages/s  {1000 / v:6.2f} ms/page  rounds {[round(x) for x in rates[k]]}")
    print(f"ratio config/trafilatura {med['config'] / med['trafilatura']:.2f}, "
          f"generic/trafilatura {med['generic'] / med['trafilatura']:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
