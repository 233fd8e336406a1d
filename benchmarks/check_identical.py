"""Dump `extract.extract_html` records for a fixed page set, or diff against an earlier dump.

Used while making extraction faster: every optimisation must leave every field of every record
byte-identical. The page set is the large replay's articles (config and generic mode), the seeds,
the test fixtures' HTML pages and the peer-eval pages (generic mode).

    python -m benchmarks.check_identical dump /tmp/before.json
    python -m benchmarks.check_identical diff /tmp/before.json      # exit 1 on any difference
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def pages(replay_pages: int = 300, peer_pages: int = 150) -> list[tuple[str, str, str | None, dict | None, bytes]]:
    """[(key, kind, url, site config, bytes)]: kind is "html" or "text"."""
    from crawler.sites import load_site
    from replay.large import build_large_site, render, split_sizes

    out = []
    sizes = split_sizes(10000)
    for name, n in sizes.items():
        site = build_large_site(name, n, 1)
        config = load_site(name).for_replay("http://127.0.0.1").as_dict()
        per_site = -(-replay_pages // len(sizes))
        step = max(1, len(site.articles) // per_site)
        for i in range(0, len(site.articles), step)[:per_site]:
            a = site.articles[i]
            body = render(site, a.path)
            url = "http://127.0.0.1" + a.path
            out.append((f"replay-config:{name}:{a.path}", "html", url, config, body))
            out.append((f"replay-generic:{name}:{a.path}", "html", url, None, body))
    for path in sorted((SHARED / "seeds").glob("*")):
        out.append((f"seed:{path.name}", "text" if path.suffix == ".txt" else "html", None, None, path.read_bytes()))
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.htm*")):
        out.append((f"fixture:{path.relative_to(ROOT)}", "html", None, None, path.read_bytes()))
    peer = sorted((SHARED / "peer-eval").rglob("*.html")) if peer_pages else []
    for path in peer[:: max(1, len(peer) // max(1, peer_pages))][:peer_pages]:
        out.append((f"peer:{path.name}", "html", "https://example.org/" + path.stem, None, path.read_bytes()))
    return out


def records(items) -> dict[str, object]:
    """{key: record (or the error's repr)} for every page."""
    import extract

    out = {}
    for key, kind, url, site, body in items:
        try:
            if kind == "text":
                out[key] = extract.extract_text(body.decode("utf-8"), url=url, site=site)
            else:
                out[key] = extract.extract_html(body, url=url, site=site)
        except Exception as exc:  # an error is an output too: it must stay the same
            out[key] = f"ERROR {exc!r}"
    return json.loads(json.dumps(out, default=str, ensure_ascii=False))


def main(argv: list[str]) -> int:
    """`dump PATH` or `diff PATH`."""
    mode, path = argv[0], Path(argv[1])
    items = pages()
    start = time.perf_counter()
    now = records(items)
    print(f"{len(items)} pages in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    if mode == "dump":
        path.write_text(json.dumps(now, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
        return 0
    before = json.loads(path.read_text(encoding="utf-8"))
    bad = 0
    for key in sorted(set(before) | set(now)):
        if before.get(key) != now.get(key):
            bad += 1
            if bad <= 10:
                a, b = before.get(key), now.get(key)
                fields = [k for k in set(a or {}) | set(b or {})] if isinstance(a, dict) and isinstance(b, dict) else ["*"]
                diffs = [f for f in sorted(fields) if f == "*" or a.get(f) != b.get(f)]
                print(f"DIFF {key}: {diffs}")
                for f in diffs[:3]:
                    print(f"   before {str(a if f == '*' else a.get(f))[:300]}")
                    print(f"   after  {str(b if f == '*' else b.get(f))[:300]}")
    print(f"{bad} of {len(now)} records differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
