"""Extraction throughput and peak memory: the five seeds, extracted repeatedly."""
from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from extract import extract_text

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def main() -> None:
    """Print articles/second and peak traced memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    extract_text(texts[0])  # warm-up: lexicons and regexes
    tracemalloc.start()
    start = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            extract_text(text)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    n = args.rounds * len(texts)
    print(f"{n} extractions in {elapsed:.2f} s: {n / elapsed:.1f} articles/s; peak traced memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
