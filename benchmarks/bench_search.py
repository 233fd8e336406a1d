"""Datasette on a large synthetic archive: search and canned-query latency over HTTP.

Builds an archive of N synthetic articles (invented Vietnamese sentences in the portals' style,
a share of them relevant training events, officials, rankings and documents), serves it exactly
like `cchc serve` (Datasette in a child process, immutable, metadata.yml and the project plugin),
and times each request from this process over loopback: p50 and p95 per query, against the targets
of issue 10 (full-text search p95 <= 20 ms, every canned query p95 <= 50 ms).

    .venv/bin/python benchmarks/bench_search.py --n 200000           # build, serve, measure
    .venv/bin/python benchmarks/bench_search.py --n 50000 --keep /tmp/bench50k.db   # keep the archive
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cchc  # noqa: E402,F401  (registers publishing's views on the store)
from cchc import publish  # noqa: E402
from extract.normalize import fold  # noqa: E402
from store import Archive  # noqa: E402
from store.archive import document_key  # noqa: E402

PROVINCES = ["Vĩnh Phúc", "Hà Nội", "Hưng Yên", "Đồng Tháp", "Quảng Ninh", "Tuyên Quang", "Nghệ An",
             "Thanh Hóa", "Đắk Lắk", "Cần Thơ", "Bắc Ninh", "Lào Cai", "Gia Lai", "Huế", "Cà Mau"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Bùi", "Đặng", "Vũ", "Ngô"]
MIDDLES = ["Văn", "Thị", "Quý", "Minh", "Thanh", "Hữu", "Đức", "Ngọc"]
GIVEN = ["Tiến", "Hòa", "Hương", "Chiến", "Quyết", "Dũng", "Lan", "Hùng", "Thủy", "Sơn", "Đạt", "Nam"]
TITLES = ["Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ", "Trưởng phòng Cải cách hành chính",
          "Phó Vụ trưởng Vụ Cải cách hành chính, Bộ Nội vụ", "Chánh Văn phòng Sở"]
SENTENCES = [
    "Ngày {d}/{m}/{y}, Sở Nội vụ tỉnh {p} tổ chức hội nghị tập huấn công tác cải cách hành chính năm {y}.",
    "Tham dự lớp bồi dưỡng có {n} cán bộ, công chức, viên chức làm công tác cải cách hành chính.",
    "Đồng chí {name}, {title} phát biểu khai mạc lớp tập huấn.",
    "Năm {y1}, chỉ số cải cách hành chính (PAR INDEX) của tỉnh {p} xếp thứ {r}/63 tỉnh, thành phố.",
    "Thực hiện Kế hoạch số {k}/KH-UBND ngày {d}/{m}/{y} của UBND tỉnh về cải cách hành chính.",
    "Các đại biểu đã trao đổi về thủ tục hành chính, dịch vụ công trực tuyến và chuyển đổi số.",
    "Hội nghị được tổ chức trực tiếp kết hợp trực tuyến tới {v} điểm cầu cấp huyện, cấp xã.",
    "Qua đó nâng cao chất lượng đội ngũ cán bộ, công chức đáp ứng yêu cầu nhiệm vụ trong tình hình mới.",
    "Sở Văn hóa tỉnh {p} tổ chức giải bóng đá thanh niên chào mừng ngày thành lập Đoàn.",
    "Ủy ban nhân dân tỉnh {p} họp bàn kế hoạch phát triển kinh tế - xã hội năm {y}.",
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"


def build(path: Path, n: int, seed: int = 1) -> None:
    """An archive of `n` synthetic articles with people, appearances, rankings and documents."""
    Archive(path).close()  # the schema, FTS triggers and views of this version
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    people = {}
    batch_articles, batch_facts = [], []
    for i in range(1, n + 1):
        province = rng.choice(PROVINCES)
        y = rng.randint(2015, 2025)
        relevant = rng.random() < 0.4
        names = [("Đỗ Quý Tiến" if rng.random() < 0.002 else person_name(rng)) for _ in range(rng.randint(1, 3))]
        fill = {"p": province, "d": rng.randint(1, 28), "m": rng.randint(1, 12), "y": y, "y1": y - 1,
                "n": rng.randint(30, 900), "r": rng.randint(1, 63), "k": rng.randint(1, 400),
                "v": rng.randint(2, 60), "name": names[0], "title": rng.choice(TITLES)}
        chosen = SENTENCES[:3] if relevant else SENTENCES[8:]
        text = "\n".join(s.format(**fill) for s in chosen + rng.sample(SENTENCES[3:8], 3) + rng.sample(SENTENCES, 4))
        title = (f"Hội nghị tập huấn cải cách hành chính năm {y} tại {province}" if relevant
                 else f"{rng.choice(['Tin hoạt động', 'Thông báo', 'Kế hoạch'])} của tỉnh {province} số {i}")
        date = f"{y}-{fill['m']:02d}-{fill['d']:02d}"
        batch_articles.append((i, f"http://127.0.0.1/bench/{i}", province, province, title, date, y, text,
                               int(relevant), "hội nghị tập huấn" if relevant else None, date if relevant else None,
                               y, fill["n"] if relevant else None))
        for name in names:
            key = f"{name}|{province}"
            if key not in people:
                people[key] = len(people) + 1
                conn.execute("INSERT INTO people (id, key, name, name_folded, scope) VALUES (?, ?, ?, ?, ?)",
                             [people[key], key, name, fold(name), province])
            batch_facts.append(("appearance", people[key], i, name, fill["title"]))
        if rng.random() < 0.1:
            batch_facts.append(("ranking", i, province, y - 1, fill["r"]))
        if rng.random() < 0.2:
            batch_facts.append(("document", i, f"{fill['k']}/KH-UBND", date))
        if len(batch_articles) >= 5000 or i == n:
            conn.executemany(
                "INSERT INTO articles (id, url, province, province_now, title, published_date, published_year, text,"
                " relevant, event_type, event_start, event_year, learners_count)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_articles)
            for fact in batch_facts:
                if fact[0] == "appearance":
                    conn.execute("INSERT INTO appearances (person_id, article_id, name_as_written, title, evidence)"
                                 " VALUES (?, ?, ?, ?, ?)", [fact[1], fact[2], fact[3], fact[4], fact[3]])
                elif fact[0] == "ranking":
                    conn.execute("INSERT INTO rankings (article_id, index_name, year, rank, total, subject, evidence)"
                                 " VALUES (?, 'PAR INDEX', ?, ?, 63, ?, 'xếp thứ')", [fact[1], fact[3], fact[4], fact[2]])
                else:
                    conn.execute("INSERT INTO documents (article_id, number, kind, date, evidence, number_key)"
                                 " VALUES (?, ?, 'KH', ?, 'Kế hoạch', ?)", [fact[1], fact[2], fact[3], document_key(fact[2])])
            conn.commit()
            batch_articles, batch_facts = [], []
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


# (label, kind, path): kind "fts" has the 20 ms target, "canned" 50 ms.
REQUESTS = [
    ("search page, name 'do quy tien'", "fts", "/-/search?q=do+quy+tien"),
    ("search page, common word 'tap huan'", "fts", "/-/search?q=tap+huan"),
    ("search page, phrase 'cai cach hanh chinh'", "fts", "/-/search?q=cai+cach+hanh+chinh"),
    ("search_articles, name", "canned", "/archive/search_articles.json?q=do+quy+tien"),
    ("search_articles, common word", "canned", "/archive/search_articles.json?q=tap+huan"),
    ("search_articles, phrase", "canned", "/archive/search_articles.json?q=cai+cach+hanh+chinh"),
    ("table _search articles, name", "fts", "/archive/articles.json?_search=do+quy+tien&_col=title"),
    ("table _search articles, common word", "fts", "/archive/articles.json?_search=tap+huan&_col=title"),
    ("search_people, name", "canned", "/archive/search_people.json?q=do+quy+tien"),
    ("officials_by_name", "canned", "/archive/officials_by_name.json?name=quy+tien"),
    ("person_appearances", "canned", "/archive/person_appearances.json?person=do+quy+tien"),
    ("events_by_province_year", "canned", "/archive/events_by_province_year.json?province=vinh+phuc&year=2020"),
    ("events_by_province_year, all years", "canned", "/archive/events_by_province_year.json?province=vinh+phuc&year="),
    ("learners_per_province_year", "canned", "/archive/learners_per_province_year.json?province=vinh+phuc&group_by="),
    ("ranking_history_for_province", "canned",
     "/archive/ranking_history_for_province.json?province=V%C4%A9nh+Ph%C3%BAc&index_name=PAR+INDEX"),
    ("articles_citing_document", "canned", "/archive/articles_citing_document.json?number=204/KH-UBND"),
    ("province page", "canned", "/-/province/V%C4%A9nh%20Ph%C3%BAc"),
    ("Atom feed", "canned", "/-/feed.atom"),
]
TARGET_MS = {"fts": 20.0, "canned": 50.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def measure(db: Path, repeats: int) -> list[dict]:
    """Serve `db` like `cchc serve` and time every request `repeats` times (after one warm-up)."""
    port = free_port()
    proc = subprocess.Popen(publish.datasette_command(db, port=port), env=publish.child_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        results = []
        for label, kind, path in REQUESTS:
            timings, status = [], None
            for attempt in range(repeats + 1):
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path, timeout=30) as r:
                        r.read()
                        status = r.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                if attempt:
                    timings.append((time.perf_counter() - start) * 1000)
            p50, p95 = statistics.median(timings), percentile(timings, 95)
            results.append({"label": label, "kind": kind, "status": status, "p50": p50, "p95": p95,
                            "target": TARGET_MS[kind], "ok": status == 200 and p95 <= TARGET_MS[kind]})
        return results
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    """Build (or reuse) the archive, measure, print one line per request and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000, help="synthetic articles (default 20000)")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="build the archive here (reused when it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "archive.db"
        if not db.exists():
            start = time.perf_counter()
            build(db, args.n)
            print(f"built {args.n} articles in {time.perf_counter() - start:.0f} s "
                  f"({db.stat().st_size / 1e6:.0f} MB)")
        results = measure(db, args.repeats)
    print(f"{'request':44} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'target':>7}")
    for r in results:
        print(f"{r['label']:44} {r['status']:>6} {r['p50']:8.1f} {r['p95']:8.1f} {r['target']:7.0f}"
              f"  {'ok' if r['ok'] else 'MISSED'}")
    missed = [r["label"] for r in results if not r["ok"]]
    print(f"{len(results) - len(missed)}/{len(results)} within target" + (f"; missed: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
