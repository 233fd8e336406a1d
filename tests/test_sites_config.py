"""Site configs (crawler/sites/*.yaml): every file loads and validates; errors are clear."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from crawler import sites as sites_mod
from crawler.sites import (SITES_DIR, SiteConfigError, UnknownSiteError, all_sites, from_dict,
                           load_file, load_site, site_names)

GOOD = {
    "name": "demo", "province": "Vĩnh Phúc", "site_name": "Sở Nội vụ tỉnh Vĩnh Phúc",
    "base_url": "https://sonoivu.example.gov.vn/", "cms": "sharepoint", "verified": False,
    "listings": ["/Trang/Tin-tuc-su-kien.aspx?Cat=1"],
    "pagination": {"style": "query", "param": "Page", "first": 1, "max_pages": 5},
    "article_url": r"ChiTietTinTuc\.aspx\?nid=\d+",
}


def test_there_are_configs():
    assert len(site_names()) >= 6
    assert all((SITES_DIR / f"{n}.yaml").is_file() for n in site_names())


@pytest.mark.parametrize("name", site_names())
def test_every_yaml_loads_and_validates(name):
    site = load_site(name)
    assert site.name == name
    assert site.province and site.base_url.startswith(("http://", "https://"))
    assert not site.base_url.endswith("/")
    assert isinstance(site.verified, bool)
    if not site.verified:
        assert site.verified_note, "an unverified config must say where its address came from"
    for url in site.listing_urls():
        assert urlsplit(url).netloc == site.host
        assert site.page_url(url, site.pagination.first) == url
        if site.pagination.style in ("query", "path"):
            second = site.page_url(url, site.pagination.first + 1)
            assert second != url and urlsplit(second).netloc == site.host
    re.compile(site.article_url)
    assert not any(site.is_article(u) for u in site.listing_urls()), "a listing must not match article_url"
    d = site.as_dict()
    assert d["name"] == name and d["base_url"] == site.base_url
    assert from_dict(d).as_dict() == d  # round trip (what crawler.run sends to its child)


def test_all_sites_matches_file_names():
    assert [s.name for s in all_sites()] == site_names()


def test_unknown_site_lists_known_names():
    with pytest.raises(UnknownSiteError) as info:
        load_site("no-such-province")
    message = str(info.value)
    assert "no-such-province" in message
    for name in site_names()[:3]:
        assert name in message


def test_unknown_site_rejects_path_tricks():
    with pytest.raises(UnknownSiteError):
        load_site("../settings")


def _write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, fragment", [
    ({"listings": []}, "listings"),
    ({"article_url": "nid=(\\d+"}, "article_url"),
    ({"base_url": "sonoivu.example.gov.vn"}, "base_url"),
    ({"cms": "wordpress"}, "cms"),
    ({"verified": "yes"}, "verified"),
    ({"pagination": {"style": "infinite"}}, "pagination.style"),
    ({"pagination": {"style": "path", "template": "/page-"}}, "template"),
    ({"pagination": {"style": "query", "first": -1}}, "first"),
    ({"name": "other"}, "file stem"),
    ({"province": None}, "province"),
    ({"drop_params": "title"}, "drop_params"),
])
def test_bad_file_errors_name_the_file_and_field(tmp_path, change, fragment):
    data = {**GOOD, **change}
    path = _write(tmp_path, "demo", data)
    with pytest.raises(SiteConfigError) as info:
        load_file(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_not_yaml_and_not_a_mapping(tmp_path):
    with pytest.raises(SiteConfigError, match="not valid YAML"):
        load_file(_write(tmp_path, "demo", "name: [unclosed\n"))
    with pytest.raises(SiteConfigError, match="mapping"):
        load_file(_write(tmp_path, "demo", "- just\n- a list\n"))


def test_bad_file_in_sites_dir_raises_config_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sites_mod, "SITES_DIR", tmp_path)
    _write(tmp_path, "broken", {**GOOD, "name": "broken", "listings": None})
    with pytest.raises(SiteConfigError, match="listings"):
        load_site("broken")
    with pytest.raises(SiteConfigError):
        sites_mod.all_sites()


def test_page_urls_query_path_and_zero_based():
    site = from_dict(GOOD)
    listing = site.listing_urls()[0]
    assert listing == "https://sonoivu.example.gov.vn/Trang/Tin-tuc-su-kien.aspx?Cat=1"
    assert site.page_url(listing, 1) == listing
    assert site.page_url(listing, 3) == listing + "&Page=3"
    nuke = from_dict({**GOOD, "listings": ["/vi/news/cai-cach-hanh-chinh/"],
                      "pagination": {"style": "path", "template": "/page-{n}"}})
    assert nuke.page_url(nuke.listings[0], 2) == "https://sonoivu.example.gov.vn/vi/news/cai-cach-hanh-chinh/page-2"
    drupal = from_dict({**GOOD, "listings": ["/node/195660"],
                        "pagination": {"style": "query", "param": "page", "first": 0}})
    assert drupal.page_url("/node/195660", 0) == "https://sonoivu.example.gov.vn/node/195660"
    assert drupal.page_url("/node/195660", 1) == "https://sonoivu.example.gov.vn/node/195660?page=1"


def test_is_article_and_on_site():
    site = from_dict(GOOD)
    assert site.is_article("https://sonoivu.example.gov.vn/Trang/ChiTietTinTuc.aspx?nid=168690")
    assert not site.is_article("https://sonoivu.example.gov.vn/Trang/Tin-tuc-su-kien.aspx?Cat=1&Page=2")
    assert site.is_on_site("/Trang/LienHe.aspx")
    assert not site.is_on_site("https://quangninh.gov.vn/Trang/ChiTietTinTuc.aspx?nid=1")


def test_with_base_url_points_at_the_replay():
    site = from_dict({**GOOD, "listings": ["/a", "https://sonoivu.example.gov.vn/b?x=1"]})
    moved = site.with_base_url("http://127.0.0.1:8123/")
    assert moved.base_url == "http://127.0.0.1:8123"
    assert moved.listing_urls() == ["http://127.0.0.1:8123/a", "http://127.0.0.1:8123/b?x=1"]
    assert moved.name == site.name and moved.article_url == site.article_url
    assert site.base_url == "https://sonoivu.example.gov.vn"  # the original is unchanged


def test_tls_and_delay_surface():
    site = from_dict({**GOOD, "tls": {"ciphers": "DEFAULT:@SECLEVEL=1"}, "download_delay": 2})
    assert site.tls["ciphers"] == "DEFAULT:@SECLEVEL=1"
    assert site.as_dict()["download_delay"] == 2.0


# -- evidence, plans and the 34 units --------------------------------------------------------------
@pytest.mark.parametrize("name", site_names())
def test_every_config_records_its_evidence_and_is_unverified(name):
    site = load_site(name)
    assert site.verified is False, "no config here was checked against the live site"
    assert site.evidence.get("host") in sites_mod.EVIDENCE_LABELS, "say how the host is known"
    assert site.sources, "say where the evidence was read"
    if site.plan == "generic":
        assert urlsplit(site.generic_start()).netloc == site.host
    else:
        assert site.listings and site.article_url
    if site.replay:  # the replay's imitation is crawlable by config
        moved = site.for_replay("http://127.0.0.1:8123")
        assert moved.plan == "config" and moved.listings and moved.article_url


def test_the_three_contradicted_configs_follow_the_evidence():
    caobang, hatinh, hungyen = (load_site(n) for n in ("caobang", "hatinh", "hungyen"))
    assert caobang.cms == "drupal" and caobang.is_article("http://sonoivu.caobang.gov.vn/node/94")
    assert caobang.pagination.first == 0
    assert hatinh.cms == "web2py" and hatinh.generic_start().startswith("http://sonoivu.hatinh.gov.vn/snv/portal/")
    assert hungyen.host == "sonv.hungyen.gov.vn" and hungyen.cms == "sharepoint"
    assert hungyen.is_article("http://sonv.hungyen.gov.vn/portal/Pages/2015-08/NhE1BBAFng20thC3A0n-61eab1edbe2fa9c.aspx")


def test_replay_sites_match_the_replay(truth):
    """Each replay site's config, pointed at the replay, finds the replay's listings and articles
    by its patterns (the crawl itself is tests/test_crawl_replay.py)."""
    for name, info in truth["sites"].items():
        if name not in site_names():
            continue
        site = load_site(name).for_replay("http://127.0.0.1:8123")
        articles = [a["url"] for a in truth["articles"] if a["site"] == name]
        assert articles and all(site.is_article(site.absolute(u)) for u in articles), name
        assert not any(site.is_article(site.absolute(u)) for u in info["listing_pages"]), name
        assert set(site.listings) <= set(info["listing_pages"]), name


def test_every_provincial_unit_has_a_plan():
    from cchc.provinces import mapping_rows

    units = {r["new_name"] for r in mapping_rows()}
    assert len(units) == 34
    plans = sites_mod.crawl_plans()
    assert {p.unit for p in plans} == units
    assert [r["unit"] for r in sites_mod.province_portals()] and {r["unit"] for r in sites_mod.province_portals()} == units
    for p in plans:
        if not p.name:  # no known host: the generic mode from the province portal
            assert "generic mode from the province portal" in p.plan and p.command.startswith("cchc crawl --start-url ")
    assert sum(1 for p in plans if p.name) == len(site_names())


def test_cchc_sites_prints_the_plan_table():
    from click.testing import CliRunner

    from cchc.cli import cli

    result = CliRunner().invoke(cli, ["sites"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["name", "province", "unit", "(2025)"]
    for name in site_names():
        assert any(line.startswith(name + " ") for line in lines), name
    uncovered = [p for p in sites_mod.crawl_plans() if not p.name]
    for p in uncovered:
        assert any(line.startswith("- ") and p.unit in line and p.host in line and "province portal" in line
                   for line in lines), p.unit
    assert "have no known Sở Nội vụ host" in result.output


@pytest.mark.parametrize("change, fragment", [
    ({"plan": "later"}, "plan"),
    ({"evidence": {"host": "certain"}}, "evidence.host"),
    ({"evidence": {"colour": "guess"}}, "evidence.colour"),
    ({"replay": {"base_url": "x"}}, "replay"),
    ({"plan": "config", "article_url": None}, "article_url"),
])
def test_bad_plan_and_evidence_fields(tmp_path, change, fragment):
    with pytest.raises(SiteConfigError) as info:
        load_file(_write(tmp_path, "demo", {**GOOD, **change}))
    assert fragment in str(info.value)


@pytest.mark.e2e
def test_a_generic_plan_crawls_under_the_config_name(tmp_path):
    """A config with `plan: generic` runs the generic mode from its start URL, under its own name and
    province (the Huế-style fixture portal stands in for a site whose layout nobody has written down)."""
    from conftest import db_rows
    from crawler.run import crawl
    from test_generic_layouts import FAST, load, serve

    _, want = load("hue")
    with serve("hue") as (base, _hits):
        site = from_dict({"name": "hue_generic", "province": "Thừa Thiên Huế", "base_url": base, "cms": "aspnet",
                          "plan": "generic", "start_url": "/", "evidence": {"host": "guess"}, "sources": ["test"]})
        report = crawl(tmp_path / "a.db", sites=[site], settings=FAST, timeout=120)
    assert report["sites"]["hue_generic"]["status"] == "ok", report
    got = {u for (u,) in db_rows(tmp_path / "a.db", "SELECT url FROM articles WHERE site = 'hue_generic'")}
    assert got == {base + a["url"] for a in want["articles"]}
    assert db_rows(tmp_path / "a.db", "SELECT province FROM sites WHERE name = 'hue_generic'") == [("Thừa Thiên Huế",)]
    assert {p for (p,) in db_rows(tmp_path / "a.db", "SELECT DISTINCT province FROM articles")} == {"Thừa Thiên Huế"}
