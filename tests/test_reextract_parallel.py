"""Parallel re-extraction (store.reextract): the same rows as extracting one page at a time, every
failure counted, and a run stopped part-way resumes without redoing what it stored."""
from __future__ import annotations

import pytest

import extract
from crawler.sites import load_site
from replay.large import build_large_site, render
from store import Archive
from store.reextract import reextract

SITES = ("hungyen", "vinhphuc")
PER_SITE = 40
VOLATILE = {"id", "extracted_at", "extractor_version"}


def _config(name):
    return load_site(name).for_replay("http://127.0.0.1").as_dict() if name in SITES else None


@pytest.fixture()
def archive_path(tmp_path):
    path = tmp_path / "a.db"
    archive = Archive(path)
    for name in SITES:
        archive.save_site({"name": name})
        site = build_large_site(name, PER_SITE, seed=3)
        for a in site.articles:
            archive.save_page(url=f"http://127.0.0.1/{name}{a.path}", body=render(site, a.path), site=name,
                              kind="article")
    archive.save_page(url="http://127.0.0.1/broken", body=b"\xff\xfe<html>" + b"\x00" * 50, site=SITES[0],
                      kind="article")
    archive.close()
    return path


def _articles(path):
    archive = Archive(path, create=False)
    rows = [{k: v for k, v in r.items() if k not in VOLATILE}
            for r in archive.db.query("SELECT * FROM articles ORDER BY url")]
    facts = archive.db.execute("SELECT a.url, p.key, ap.name_as_written, ap.span_start FROM appearances ap "
                               "JOIN articles a ON a.id = ap.article_id JOIN people p ON p.id = ap.person_id "
                               "ORDER BY 1, 4").fetchall()
    archive.close()
    return rows, facts


def test_parallel_rows_equal_one_at_a_time(archive_path, tmp_path):
    result = reextract(archive_path, site_config=_config, workers=2)
    assert result.done + result.failed == len(SITES) * PER_SITE + 1
    parallel = _articles(archive_path)
    archive = Archive(archive_path)
    for table in ("appearances", "rankings", "documents", "article_links", "story_prints", "articles", "people"):
        archive.db.execute(f"DELETE FROM {table}")
    archive.db.conn.commit()
    for page in archive.iter_pages(kind="article"):
        try:
            record = extract.extract_html(archive.page_body(page["id"]), url=page["final_url"],
                                          site=_config(page["site"]))
        except Exception:
            continue
        archive.save_article(record, page_id=page["id"], site=page["site"])
    archive.close()
    assert _articles(archive_path) == parallel
    assert len(parallel[0]) >= len(SITES) * PER_SITE


def test_a_stopped_run_resumes_where_it_stopped(archive_path):
    calls = []

    def stop_after_first_batch(done, total):
        calls.append(done)
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reextract(archive_path, site_config=_config, workers=2, batch=10, chunk=5,
                  progress=stop_after_first_batch)
    archive = Archive(archive_path, create=False)
    stored = archive.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    archive.close()
    assert 0 < stored < len(SITES) * PER_SITE
    resumed = reextract(archive_path, site_config=_config, workers=2, everything=False)
    assert resumed.skipped == stored
    assert resumed.done + resumed.failed + resumed.skipped == len(SITES) * PER_SITE + 1
    again = reextract(archive_path, site_config=_config, workers=1, everything=False)
    assert again.done + again.failed == len(SITES) * PER_SITE + 1  # the resumed run finished: a new run
    assert again.skipped == 0
