"""Search latency on a synthetic archive of N articles (diacritic-free FTS)."""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from store import Archive
from extract.normalize import fold

WORDS = ("cải cách hành chính tập huấn bồi dưỡng hội nghị công chức viên chức Sở Nội vụ tỉnh "
         "chỉ số thủ tục dịch vụ công trực tuyến một cửa kế hoạch triển khai đánh giá").split()
NAMES = ["Đỗ Quý Tiến", "Trần Văn Hòa", "Nguyễn Thị Thiều Hương", "Lê Văn Chiến", "Bùi Văn Quyết"]


def build(path: Path, n: int) -> Archive:
    """An archive with `n` synthetic articles, inserted in bulk."""
    archive = Archive(path)
    rng = random.Random(1)
    rows = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(300)) + " " + rng.choice(NAMES)
        title = " ".join(rng.choice(WORDS) for _ in range(12))
        rows.append({"url": f"http://127.0.0.1/{i}", "title": title, "text": text, "relevant": 1,
                     "search_text": fold(title + "\n" + text)})
    archive.db["articles"].insert_all(rows, batch_size=2000)
    archive.db.conn.commit()
    return archive


def main() -> None:
    """Print median and p95 latency of folded searches."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        archive = build(Path(tmp) / "bench.db", args.n)
        print(f"built {args.n} articles in {time.perf_counter() - start:.1f} s")
        timings = []
        for query in ["do quy tien", "tap huan", "Trần Văn Hòa", "chi so cai cach"] * 10:
            t = time.perf_counter()
            archive.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 50",
                               [f'"{query}"']).fetchall()
            timings.append((time.perf_counter() - t) * 1000)
        print(f"search: median {statistics.median(timings):.1f} ms, "
              f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
