"""Wall time per extraction stage (no profiler: cProfile inflates many-small-call code), in ms/page.

    python -m benchmarks.stage_times config 300
"""
from __future__ import annotations

import sys
import time
from collections import defaultdict


def main(argv: list[str]) -> None:
    """Time each stage of extract_html over the large replay's pages in one mode."""
    from benchmarks.check_identical import pages
    from extract import bylines, classify, dates, documents, officials, quantities, rankings
    from extract.document import Document
    from extract.encoding import decode_page
    from extract.guard import cap_nesting, plausible_record
    from extract.page import parse_html
    from extract.record import build_record

    mode, n = argv[0], int(argv[1])
    items = [p for p in pages(replay_pages=n, peer_pages=0) if p[0].startswith(f"replay-{mode}:")]
    spent: dict[str, float] = defaultdict(float)
    clock = time.perf_counter

    def timed(name, f, *a, **k):
        s = clock()
        out = f(*a, **k)
        spent[name] += clock() - s
        return out

    for rnd in range(2):
        spent.clear()
        for _, _, url, site, body in items:
            site = site or {}
            html = timed("decode", lambda: decode_page(body).text)
            capped = timed("cap_nesting", cap_nesting, html)
            page = timed("parse_html", parse_html, capped, url=url, selectors=site.get("selectors"))
            doc = timed("Document", lambda: Document(page.text, page.title))
            timed("doc.folded+sentences", lambda: (doc.folded, doc.sentences))
            title = page.title or ""
            timed("find_province", classify.find_province, title, doc, url)
            relevant = timed("is_relevant", classify.is_relevant, title, doc)
            kind = timed("event_type", classify.event_type, title, doc)
            if classify.reports_training(relevant, kind):
                timed("event_dates", dates.find_event_dates, doc, published=None, title=title)
                timed("learners", quantities.find_learners, doc)
                timed("venues", quantities.find_venues, doc)
            timed("officials", officials.find_officials, doc, byline=page.author)
            timed("rankings", rankings.find_rankings, doc, published_year=2024, province=site.get("province"))
            timed("documents", documents.find_documents, doc, published=None)
            timed("source", bylines.find_source, page.credits + doc.text.split("\n", 1)[:1])
            timed("build_record (all)", lambda: plausible_record(build_record(page, url=url, province=site.get("province"))))
    total = sum(v for k, v in spent.items() if k not in ("build_record (all)",))
    print(f"{mode}: {len(items)} pages")
    for k, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {k:24s} {1000 * v / len(items):7.3f} ms/page")
    print(f"  {'sum of parts':24s} {1000 * total / len(items):7.3f} ms/page")


if __name__ == "__main__":
    main(sys.argv[1:])
