"""Time officials.find_officials per article on the seeds and every held-out set's texts.

    .venv/bin/python benchmarks/bench_officials.py [--repeat 5]

Each text goes through parse_text as in production; the shared Document is built (and its sentence
index computed) outside the timing, as build_record does once for all fact finders. Prints the best
of --repeat runs in CPU ms per article (process time: the machine may be shared), for a plain string and for a shared Document. Target: < 5 ms per
article on one core, and a 5 MB page in < 15 s.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.document import Document  # noqa: E402
from extract.officials import find_officials  # noqa: E402
from extract.page import parse_text  # noqa: E402


def _texts() -> list[str]:
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    out = [p.read_text(encoding="utf-8") for p in seeds]
    for f in sorted((ROOT / "tests" / "fixtures").glob("heldout*/*.json")):
        out.append(json.loads(f.read_text(encoding="utf-8"))["text"])
    return out


def _best(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        run()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pages = [parse_text(t) for t in _texts()]
    docs = [Document(p.text) for p in pages]
    for d in docs:
        _ = d.sentences
    n = len(pages)
    as_str = _best(lambda: [find_officials(p.text, byline=p.author) for p in pages], args.repeat)
    as_doc = _best(lambda: [find_officials(d, byline=p.author) for p, d in zip(pages, docs)], args.repeat)
    print(f"{n} articles: {as_str / n * 1000:.2f} ms/article from a string, "
          f"{as_doc / n * 1000:.2f} ms/article from a shared Document")
    big = ((pages[0].text + "\n\n") * (5_000_000 // (len(pages[0].text) + 2) + 1))[:5_000_000]
    print(f"5 MB page: {_best(lambda: find_officials(big), 1):.1f} s")


if __name__ == "__main__":
    main()
