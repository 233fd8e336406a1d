"""A tiny run of the benchmark harness (benchmarks/run.py): every stage runs end to end and reports
its figures and peers. No timing is asserted: speed targets live in benchmarks/RESULTS.md."""
from __future__ import annotations

import json

import pytest

from benchmarks import run
from replay.large import build_large_site, split_sizes

pytestmark = pytest.mark.e2e


def test_every_stage_runs_on_a_tiny_archive(tmp_path):
    size, seed = 60, 9
    sizes = split_sizes(size)
    sites = {name: build_large_site(name, n, seed) for name, n in sizes.items()}
    result = {"size": size, "command": "test", "machine": run.machine()}
    replay = run.LargeReplay(size, seed)
    try:
        result["server"] = run.stage_server(replay, sites, seconds=0.5, connections=2)
        result["crawl"] = run.stage_crawl(replay, sizes, crawl_articles=10, repeats=1, workdir=tmp_path)
        result["preserve"] = run.stage_preserve(sites, replay.urls, tmp_path / "a.db", tmp_path)
    finally:
        replay.stop()
    result["extract"] = run.stage_extract(sites, n_pages=5, rounds=1)
    result["reextract"] = run.stage_reextract(tmp_path / "a.db")
    result["bytes"] = run.stage_bytes(tmp_path / "a.db", result["preserve"])
    result["serve"] = run.stage_serve(tmp_path / "a.db", repeats=1)

    crawl = result["crawl"]
    assert crawl["pipeline"]["responses"]["median"] == crawl["bare"]["responses"]["median"] > 10
    assert crawl["runs"]["pipeline"][0]["articles"] >= 10 and crawl["runs"]["pipeline"][0]["ok"]
    assert result["preserve"]["pages"] == size + sum(site.pages for site in sites.values())
    assert result["reextract"]["done"] == size and result["reextract"]["failed"] == 0
    assert result["extract"]["agreement"]["title"] == 1.0
    assert 0 < result["bytes"]["ratio_bodies"] < result["bytes"]["ratio_archive"]
    assert all(q["status"] == 200 for q in result["serve"]["requests"])

    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "size-60.json").write_text(json.dumps(result), encoding="utf-8")
    run.write_results_md(tmp_path / "results", tmp_path / "RESULTS.md")
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    for figure in ("bare Scrapy", "trafilatura.extract", "WARC.gz", "reextract", "Peak RSS"):
        assert figure in text


def test_a_run_in_parts_keeps_each_stage_with_the_run_it_came_from(tmp_path):
    """`--merge`: the stages of a later part replace only themselves, and RESULTS.md says which
    command and commit each figure came from."""
    def part(command: str, commit: str, **stages) -> dict:
        machine = {**run.machine(), "commit": commit}
        return {"size": 200000, "command": command, "machine": machine, **stages}

    first = part("run --stages reextract", "aaa1111", reextract={"done": 5, "failed": 0, "seconds": 1.0,
                 "pages_per_s": 5.0, "workers": 2, "minutes_for_100k": 333.0, "parent_maxrss_mb": 1,
                 "worker_maxrss_mb": 1})
    second = part("run --stages reextract-noop --merge", "bbb2222", reextract_noop={"done": 5, "failed": 0,
                  "seconds": 0.5, "pages_per_s": 10.0, "parent_maxrss_mb": 1, "worker_maxrss_mb": 1})
    merged = run.merge_results(first, second)
    assert merged["reextract"] == first["reextract"] and merged["reextract_noop"] == second["reextract_noop"]
    assert merged["stage_runs"]["reextract"]["commit"] == "aaa1111"
    assert merged["stage_runs"]["reextract_noop"]["commit"] == "bbb2222"
    again = run.merge_results(merged, part("run --stages reextract --merge", "ccc3333",
                                           reextract={**first["reextract"], "pages_per_s": 7.0}))
    assert again["reextract"]["pages_per_s"] == 7.0 and again["stage_runs"]["reextract"]["commit"] == "ccc3333"
    assert again["stage_runs"]["reextract_noop"]["commit"] == "bbb2222"

    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "size-200000.json").write_text(json.dumps(again), encoding="utf-8")
    run.write_results_md(tmp_path / "results", tmp_path / "RESULTS.md")
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "## 200,000 articles (in parts, listed below)" in text
    assert "reextract_noop: `run --stages reextract-noop --merge` at commit bbb2222" in text
    assert "reextract: `run --stages reextract --merge` at commit ccc3333" in text
