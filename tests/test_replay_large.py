"""The large replay: pages are a pure function of (size, seed, path), listings page through every
article in date order, article pages carry their family's chrome and extract to their truth, and
the asyncio server answers keep-alive requests on loopback."""
from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
from pathlib import Path

import extract
from crawler.sites import from_dict, load_site
from replay.large import LARGE_SITES, build_large_site, render, site_configs, split_sizes

ROOT = Path(__file__).resolve().parent.parent


def test_pages_are_deterministic_and_articles_differ():
    one, two = build_large_site("hungyen", 500, seed=5), build_large_site("hungyen", 500, seed=5)
    other_seed = build_large_site("hungyen", 500, seed=6)
    path = one.articles[17].path
    assert render(one, path) == render(two, path)
    assert one.articles[17].title == two.articles[17].title
    texts = {one.articles[i].text() for i in range(50)}
    assert len(texts) == 50  # no two bodies alike
    assert [other_seed.articles[i].text() for i in range(5)] != [one.articles[i].text() for i in range(5)]


def test_listings_page_through_every_article_newest_first():
    for name in LARGE_SITES:
        site = build_large_site(name, 95, seed=2)
        config = load_site(name).for_replay("http://x")
        seen = []
        for n in range(1, site.pages + 1):
            html = render(site, site.listing_path(n)).decode()
            links = [h for h in re.findall(r'href="([^"]+)"', html) if config.is_article("http://x" + h.replace("&amp;", "&"))]
            seen += [h for h in dict.fromkeys(links) if h not in seen]
        expected = {a.listed_path for a in site.articles}
        assert expected <= {h.replace("&amp;", "&") for h in seen}, name
        dates = [site.articles[i].date for i in range(len(site.articles))]
        assert dates == sorted(dates, reverse=True)


def test_article_pages_extract_to_their_truth_in_config_mode():
    for name in LARGE_SITES:
        site = build_large_site(name, 40, seed=3)
        config = load_site(name).for_replay("http://127.0.0.1").as_dict()
        for i in (0, 13, 39):
            a = site.articles[i]
            body = render(site, a.path)
            assert b"portalMenu" in body and b"footer-links" in body  # the heavy chrome is there
            record = extract.extract_html(body, url="http://127.0.0.1" + a.path, site=config)
            assert record["title"] == a.title, (name, i)
            assert record["published_date"] == a.date.date().isoformat(), (name, i)
            assert "portalMenu" not in record["text"] and "Liên kết website" not in record["text"]


def test_server_answers_keep_alive_requests_and_configs_point_at_it():
    sizes = split_sizes(50)
    proc = subprocess.Popen([sys.executable, "-m", "replay.large", "--size", "50", "--seed", "4"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        assert set(urls) == set(LARGE_SITES)
        configs = [from_dict(c) for c in site_configs(urls, sizes)]
        site = build_large_site("vinhphuc", sizes["vinhphuc"], seed=4)
        port = int(urls["vinhphuc"].rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for a in site.articles[:3]:  # three requests on one connection
            conn.request("GET", a.path)
            response = conn.getresponse()
            assert response.status == 200 and response.read() == render(site, a.path, host=f"127.0.0.1:{port}")
        conn.request("GET", "/no/such/page")
        assert conn.getresponse().status == 404
        assert all(c.base_url.startswith("http://127.0.0.1:") for c in configs)
    finally:
        proc.terminate()
        proc.wait()
