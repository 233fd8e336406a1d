"""The map of events per province (`/-/map`): inline SVG from the versioned centroids file, nothing
fetched from the network, one linked circle per province sized by its events."""
from __future__ import annotations

import csv
import re
import sqlite3
import urllib.parse

from publish_fixtures import client, published_db  # noqa: F401
from publish_client import Elements  # noqa: E402
from cchc.web import atlas
from store import provinces


def test_centroids_cover_every_province_of_the_mapping():
    with atlas.CENTROIDS_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["old_name"] for r in rows} == {r["old_name"] for r in provinces.mapping_rows()}
    for r in rows:  # inside Vietnam's frame
        assert atlas.LAT_MIN < float(r["lat"]) < atlas.LAT_MAX and atlas.LON_MIN < float(r["lon"]) < atlas.LON_MAX


def test_north_is_up_and_west_is_left():
    hanoi, hcm = atlas.centroids()["Hà Nội"], atlas.centroids()["Hồ Chí Minh"]
    (xh, yh), (xs, ys) = atlas.project(*hanoi), atlas.project(*hcm)
    assert yh < ys and xh < xs


def test_circles_link_to_provinces_with_their_counts(client, published_db):
    html = client.html("/-/map")
    page = Elements(html)
    circles = page.select("circle")
    assert len(circles) == 63
    conn = sqlite3.connect(published_db)
    counts = dict(conn.execute("SELECT province, count(*) FROM articles WHERE relevant = 1 GROUP BY province"))
    conn.close()
    links = {a["attrs"]["data-province"]: a for a in page.select("a") if "data-province" in a["attrs"]}
    for name, count in counts.items():
        assert int(links[name]["attrs"]["data-events"]) == count
        assert client.get(links[name]["attrs"]["href"]).status_code == 200
    biggest = max(counts, key=counts.get)
    radius = {a["attrs"]["data-province"]: float(c["attrs"]["r"]) for a, c in zip(
        [a for a in page.select("a") if "data-province" in a["attrs"]], circles)}
    assert radius[biggest] == max(radius.values())
    # nothing fetched: no external image, script or stylesheet in the map page beyond our own
    assert not re.findall(r'(?:src|href)="https?://', html.split("<svg", 1)[1].split("</svg>", 1)[0])
