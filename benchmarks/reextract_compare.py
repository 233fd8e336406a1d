"""`store.reextract` on a kept archive, timed (pages/s); run it twice with PYTHONPATH pointing at an
older copy of `extract/` to compare extractors on the same archive and machine minutes apart.

    python -m benchmarks.run --size 10000 --stages preserve --keep /tmp/a.db --no-write
    python -m benchmarks.reextract_compare /tmp/a.db
    PYTHONPATH=/tmp/base python -m benchmarks.reextract_compare /tmp/a.db   # /tmp/base/extract = old code
"""
from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> None:
    """Re-extract every article of the archive at argv[0] on every core; print pages/s."""
    import extract
    from crawler.sites import load_site
    from store.reextract import reextract

    def site_config(name):
        try:
            return load_site(name).for_replay("http://127.0.0.1").as_dict()
        except Exception:
            return None

    start = time.perf_counter()
    r = reextract(argv[0], site_config=site_config, everything=True)
    took = time.perf_counter() - start
    print(f"extract from {extract.__file__}: {r.done} pages ({r.failed} failed) in {took:.1f} s = {r.done / took:.1f} pages/s")


if __name__ == "__main__":
    main(sys.argv[1:])
