"""What the terminal says during and after a crawl: live per-site counts read from the archive being
filled, a readable per-site summary table from the crawl's own report, and what to open next."""
from __future__ import annotations

import io

from cchc.progress import progress_line, run_with_progress, site_counts, summary_table
from crawler.run import _report, site_summary
from store import Archive


def test_counts_per_site_come_from_the_archive(tmp_path):
    path = tmp_path / "archive.db"
    archive = Archive(path)
    for site in ("hanoi", "vinhphuc"):
        archive.save_site({"name": site, "province": None})
    archive.save_page(url="http://127.0.0.1/a", body=b"<p>a</p>", site="hanoi", kind="article")
    archive.save_page(url="http://127.0.0.1/b", body=b"gone", status=404, site="hanoi")
    archive.save_page(url="http://127.0.0.1/c", body=b"<p>c</p>", site="vinhphuc", kind="article")
    page_id = archive.page_id("http://127.0.0.1/c")
    archive.save_article({"url": "http://127.0.0.1/c", "title": "c", "text": "c", "relevant": False,
                          "officials": [], "rankings": [], "documents": []}, page_id=page_id, site="vinhphuc")
    archive.close()
    counts = site_counts(path)
    assert counts == {"hanoi": {"pages": 2, "articles": 0, "errors": 1},
                      "vinhphuc": {"pages": 1, "articles": 1, "errors": 0}}
    assert progress_line(counts) == "crawling: 3 pages · hanoi 2p 0a 1×HTTP≥400 · vinhphuc 1p 1a"
    assert site_counts(tmp_path / "missing.db") == {}


def test_progress_is_printed_while_the_work_runs_and_the_result_returned(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    out = io.StringIO()

    def work():
        archive = Archive(path)
        archive.save_page(url="http://127.0.0.1/x", body=b"x")
        archive.close()
        return {"sites": {"hanoi": {"pages": 1}}}

    assert run_with_progress(work, path, out) == {"sites": {"hanoi": {"pages": 1}}}
    # not a terminal: only lines whose counts changed, never a carriage-return redraw
    assert "\r" not in out.getvalue()


def test_summary_table_from_the_crawl_report():
    ok = site_summary({"cchc/pages": 11, "cchc/articles": 7, "cchc/reached": True, "finish_reason": "finished"})
    down = site_summary({"finish_reason": "finished"})
    table = summary_table(_report({"hanoi": ok, "atlantis": down}, []))
    lines = table.splitlines()
    assert lines[0].split() == ["site", "status", "pages", "articles", "errors", "note"]
    body = {line.split()[0]: line for line in lines[2:-2]}
    assert body["hanoi"].split()[:5] == ["hanoi", "ok", "11", "7", "0"]
    assert body["atlantis"].split()[:5] == ["atlantis", "unreachable", "0", "0", "1"]
    assert "could not be reached" in body["atlantis"]
    assert lines[-1].split() == ["total", "11", "7", "1"]
    assert len({line.index("pages") if "pages" in line else None for line in lines[:1]}) == 1
    widths = {len(line.rstrip()) for line in (lines[1], lines[-2])}
    assert len(widths) == 1  # the two rules are the same width: columns line up
