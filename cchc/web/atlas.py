"""The map of events per province (`/-/map`): an inline SVG, no tiles, nothing fetched.

Each of the 63 provinces (as they were before 1 July 2025: the articles' own unit) is a circle at
its seat, from the versioned data file cchc/data/province_centroids.csv; the area of a circle is
proportional to the number of relevant articles, and every circle links to the province's page."""
from __future__ import annotations

import csv
import math
import sqlite3
from functools import lru_cache
from pathlib import Path

from cchc.web import common

CENTROIDS_FILE = Path(__file__).resolve().parent.parent / "data" / "province_centroids.csv"
# Equirectangular frame around Vietnam (mainland and near islands), degrees.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 101.8, 110.2, 8.3, 23.6
WIDTH = 420
MAX_RADIUS = 22.0
MIN_RADIUS = 2.5


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """Old province name → (lat, lon) of its seat."""
    with CENTROIDS_FILE.open(encoding="utf-8") as f:
        return {r["old_name"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}


def _scale() -> float:
    mid = math.radians((LAT_MIN + LAT_MAX) / 2)
    return WIDTH / ((LON_MAX - LON_MIN) * math.cos(mid))


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG (x, y) of a point, north up, the longitude shrunk by the cosine of the middle latitude."""
    s = _scale()
    mid = math.radians((LAT_MIN + LAT_MAX) / 2)
    return round((lon - LON_MIN) * math.cos(mid) * s, 1), round((LAT_MAX - lat) * s, 1)


def map_context(conn: sqlite3.Connection) -> dict:
    """Circles (one per province), the legend, and the counts as a table."""
    counts = {r["province"]: r for r in common.rows(conn, """
        SELECT province, count(*) AS events, sum(learners_count) AS learners
        FROM articles WHERE relevant = 1 AND province IS NOT NULL GROUP BY province""")}
    most = max([r["events"] for r in counts.values()] or [1])
    circles = []
    for name, (lat, lon) in centroids().items():
        x, y = project(lat, lon)
        row = counts.get(name) or {"events": 0, "learners": None}
        radius = MIN_RADIUS if not row["events"] else max(4.0, MAX_RADIUS * math.sqrt(row["events"] / most))
        circles.append({"name": name, "x": x, "y": y, "r": round(radius, 1), "events": row["events"],
                        "learners": row["learners"], "href": common.province_path(name)})
    circles.sort(key=lambda c: -c["r"])  # small circles drawn last, on top
    height = project(LAT_MIN, LON_MIN)[1]
    unplaced = sorted(set(counts) - set(centroids()))
    return {"circles": circles, "width": WIDTH, "height": height,
            "table": sorted((c for c in circles if c["events"]), key=lambda c: (-c["events"], c["name"])),
            "unplaced": [{"name": n, "events": counts[n]["events"]} for n in unplaced]}
