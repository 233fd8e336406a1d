"""The published archive (Datasette + metadata.yml + the project plugin), without a browser.

Serves the demo archive plus a script-injection article (tests/fixtures/publish) in-process, the way
`cchc serve` does, and checks: every page answers, every canned query answers a seed-derived
question, the exports have the promised shapes, nothing writes, crawled markup stays text.
"""
from __future__ import annotations

import asyncio
import csv
import hashlib
import html as html_lib
import io
import json
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "publish"))
import publish_archives  # noqa: E402

from cchc import publish  # noqa: E402
from store import Archive  # noqa: E402

METADATA = yaml.safe_load(publish.METADATA.read_text(encoding="utf-8"))
QUERIES = METADATA["databases"]["archive"]["queries"]
VINH_PHUC_TITLE = "Sở Nội vụ Vĩnh Phúc mở Lớp bồi dưỡng nghiệp vụ về công tác cách hành chính năm 2019"

# Every canned query with a seed-derived input, and what its answer must contain.
CANNED = {
    "officials_by_name": ({"name": "do quy tien"}, "name", "Đỗ Quý Tiến"),
    "person_appearances": ({"person": "do quy tien"}, "province", "Vĩnh Phúc"),
    "events_by_province_year": ({"province": "vinh phuc", "year": "2019"}, "title", VINH_PHUC_TITLE),
    "learners_per_province_year": ({"province": "Hưng Yên", "group_by": ""}, "province", "Hưng Yên"),
    "ranking_history_for_province": ({"province": "Vĩnh Phúc", "index_name": "PAR INDEX"}, "index_name",
                                     "PAR INDEX"),
    "articles_citing_document": ({"number": "204/KH-UBND"}, "number", "204/KH-UBND"),
    "search_articles": ({"q": "do quy tien"}, "title", VINH_PHUC_TITLE),
    "search_people": ({"q": "do quy tien"}, "name", "Đỗ Quý Tiến"),
}


@pytest.fixture(scope="session")
def published_db(request, tmp_path_factory) -> Path:
    """A copy of the demo archive with the script-injection article added."""
    demo = publish_archives.demo_or_none(request)
    return publish_archives.published_archive(tmp_path_factory.mktemp("publish") / "archive.db", demo)


class Client:
    """Synchronous access to an in-process Datasette configured like `cchc serve`."""

    def __init__(self, db_path: Path):
        self.ds = publish.datasette_app(db_path)
        self.loop = asyncio.new_event_loop()

    def get(self, path: str):
        return self.loop.run_until_complete(self.ds.client.get(path))

    def post(self, path: str, **kwargs):
        return self.loop.run_until_complete(self.ds.client.post(path, **kwargs))

    def json(self, path: str):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    def close(self) -> None:
        self.loop.close()


@pytest.fixture(scope="session")
def client(published_db):
    c = Client(published_db)
    yield c
    c.close()


def relations(db_path: Path) -> dict[str, str]:
    """Every user table and view of the archive (FTS tables and their shadows left out)."""
    conn = sqlite3.connect(str(db_path))
    rows = conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'").fetchall()
    conn.close()
    return dict(rows)


def qs(params: dict) -> str:
    return urllib.parse.urlencode(params)


# -- pages ------------------------------------------------------------------------------------------
def test_home_page_links_search_dashboard_and_exports(client):
    r = client.get("/")
    assert r.status_code == 200
    assert 'action="/-/search"' in r.text  # datasette-search-all's box
    assert "/-/dashboards/cchc" in r.text
    assert "/-/export.json" in r.text
    assert "CCHC archive" in r.text


def test_every_table_and_view_answers(client, published_db):
    names = relations(published_db)
    for expected in ("events", "people_appearances", "ranking_history", "document_citations",
                     "learners_per_province_year", "pages_meta", "provinces"):
        assert expected in names
    for name in names:
        assert client.get(f"/archive/{name}").status_code == 200, name
        data = client.json(f"/archive/{name}.json?_shape=objects&_size=5")
        assert "rows" in data, name


def test_metadata_describes_every_table_view_and_column(published_db):
    tables = METADATA["databases"]["archive"]["tables"]
    conn = sqlite3.connect(str(published_db))
    for name in relations(published_db):
        assert tables.get(name, {}).get("description"), f"{name} has no description"
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")]
        missing = [c for c in columns if c not in tables[name].get("columns", {})]
        assert not missing, f"{name}: columns without description: {missing}"
    conn.close()
    assert tables["pages"]["hidden"] is True
    assert {tables[t]["label_column"] for t in ("people", "articles", "sites")} == {"name", "title"}


def test_raw_bodies_are_not_shown(client):
    r = client.get("/")
    assert "/archive/pages\"" not in r.text  # hidden from the index
    meta = client.json("/archive/pages_meta.json?_shape=objects&_size=1")
    assert "body" not in (meta["rows"][0] if meta["rows"] else {"body": None}) or not meta["rows"]


def test_foreign_keys_show_names(client):
    data = client.json("/archive/appearances.json?_shape=objects&_labels=on&_size=5")
    row = data["rows"][0]
    assert isinstance(row["person_id"], dict) and row["person_id"]["label"]
    assert isinstance(row["article_id"], dict) and row["article_id"]["label"]


def test_person_page_shows_appearances_with_evidence(client):
    person = client.json("/archive/search_people.json?" + qs({"q": "do quy tien", "_shape": "objects"}))["rows"][0]
    r = client.get(f"/archive/people/{person['person_id']}")
    assert r.status_code == 200
    assert "Appearances, by article and date" in r.text
    assert "Vĩnh Phúc" in r.text
    evidence = client.json("/archive/person_appearances.json?" + qs({"person": "do quy tien", "_shape": "objects"}))
    assert any("Đỗ Quý Tiến" in (row["evidence"] or "") for row in evidence["rows"])


# -- search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["do quy tien", "Đỗ Quý Tiến", "DO QUY TIEN"])
def test_article_search_ignores_diacritics(client, query):
    data = client.json("/archive/articles.json?" + qs({"_search": query, "_shape": "objects"}))
    assert VINH_PHUC_TITLE in [row["title"] for row in data["rows"]]


def test_people_search_via_fts(client):
    data = client.json("/archive/people.json?_search=do+quy+tien&_shape=objects")
    assert "Đỗ Quý Tiến" in [row["name"] for row in data["rows"]]


def test_search_all_page_is_ranked(client):
    r = client.get("/-/search?q=do+quy+tien")
    assert r.status_code == 200
    assert "search_articles" in r.text and "search_people" in r.text
    first = client.json("/archive/search_articles.json?q=do+quy+tien&_shape=objects")["rows"][0]
    assert first["title"] == VINH_PHUC_TITLE
    assert client.json("/archive/search_articles.json?q=&_shape=objects")["rows"] == []


# -- canned queries ---------------------------------------------------------------------------------
def test_every_canned_query_is_described_and_tested():
    assert set(QUERIES) == set(CANNED)
    for name, query in QUERIES.items():
        assert query.get("title") and len(query.get("description", "")) > 30, name


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_query_answers_seed_question(client, name):
    params, column, expected = CANNED[name]
    assert client.get(f"/archive/{name}?{qs(params)}").status_code == 200
    rows = client.json(f"/archive/{name}.json?{qs({**params, '_shape': 'objects'})}")["rows"]
    assert rows, f"{name} returned nothing for {params}"
    assert expected in [row[column] for row in rows], (name, rows[:3])


def test_learners_per_province_can_group_by_new_provinces(client):
    rows = client.json("/archive/learners_per_province_year.json?province=&group_by=now&_shape=objects")["rows"]
    assert "Phú Thọ" in {row["province"] for row in rows}  # Vĩnh Phúc belongs to Phú Thọ since 2025


# -- dashboard --------------------------------------------------------------------------------------
def test_dashboard_page_and_chart_queries(client):
    assert client.get("/-/dashboards").status_code == 200
    r = client.get("/-/dashboards/cchc")
    assert r.status_code == 200
    assert "vega-lite.min.js" in r.text
    charts = METADATA["plugins"]["datasette-dashboards"]["cchc"]["charts"]
    assert {"ranking-history", "events-per-year", "learners-per-year"} <= set(charts)
    for slug, chart in charts.items():
        assert client.get(f"/-/dashboards/cchc/{slug}").status_code == 200
        sql = chart["query"]
        while "[[" in sql:  # no filter chosen: optional clauses drop out, as the plugin does
            start = sql.index("[[")
            sql = sql[:start] + sql[sql.index("]]", start) + 2:]
        rows = client.json("/archive.json?" + qs({"sql": sql, "_shape": "objects"}))["rows"]
        assert rows, f"chart {slug} has no data"


# -- exports ----------------------------------------------------------------------------------------
def test_json_csv_and_ndjson_exports(client):
    rows = client.json("/archive/events.json?_shape=array&_size=max")
    assert rows and "province_now" in rows[0]
    r = client.get("/archive/events.json?_shape=array&_nl=on&_size=max")
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert lines == rows
    r = client.get("/archive/events.csv?_size=max")
    assert r.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == len(rows)


def test_csv_with_bom_for_excel(client):
    r = client.get("/archive/articles.csvbom")
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert r.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    total = client.json("/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array")[0]["n"]
    assert len(parsed) == total  # every row, not one page
    assert VINH_PHUC_TITLE in {row["title"] for row in parsed}
    q = client.get("/archive/officials_by_name.csvbom?name=do+quy+tien")
    assert q.status_code == 200 and "Đỗ Quý Tiến" in q.content.decode("utf-8-sig")


def test_nested_export_matches_cchc_export(client, published_db):
    archive = Archive(published_db, create=False)
    expected = json.loads(json.dumps(list(archive.iter_records()), ensure_ascii=False))
    archive.close()
    r = client.get("/-/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert json.loads(r.text) == expected
    seed = next(rec for rec in expected if rec["title"] == VINH_PHUC_TITLE)
    assert {"officials", "rankings", "documents"} <= set(seed)
    jsonl = client.get("/-/export.jsonl?relevant=1").text.splitlines()
    assert [json.loads(line) for line in jsonl] == [rec for rec in expected if rec["relevant"]]
    download = client.get("/-/export.json?_download=1")
    assert "attachment" in download.headers["content-disposition"]


# -- read-only and safe -----------------------------------------------------------------------------
def test_writes_are_refused(client, published_db):
    before = hashlib.sha256(published_db.read_bytes()).hexdigest()
    for sql in ("delete from articles", "update articles set title = 'x'", "drop table articles",
                "insert into people (name) values ('x')", "pragma journal_mode=wal"):
        r = client.get("/archive.json?" + qs({"sql": sql}))
        assert r.status_code in (400, 403), (sql, r.status_code)
    for path in ("/archive/articles", "/archive/articles/1", "/archive", "/-/export.json",
                 "/archive/officials_by_name"):
        assert client.post(path, data={"title": "x"}).status_code == 405, path
    assert client.json("/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array")[0]["n"] > 0
    assert hashlib.sha256(published_db.read_bytes()).hexdigest() == before


def test_sql_time_limit(client):
    slow = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    r = client.get("/archive.json?" + qs({"sql": slow}))
    assert r.status_code == 400 and "interrupted" in r.text.lower()


@pytest.mark.parametrize("path", [
    "/archive/articles", "/archive/articles?_search=xss-fixture&_sort=id", "/archive/events",
    "/archive/people_appearances", "/archive/ranking_history", "/archive/document_citations",
    "/archive/appearances", "/archive/people?_search=xss&_sort=id", "/-/search?q=xss-fixture",
    "/-/search?q=xss", "/-/province/V%C4%A9nh%20Ph%C3%BAc", "/-/feed.atom",
])
def test_crawled_markup_is_escaped(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert "xss-fixture" in r.text or "Xss" in r.text or "XSS" in r.text
    for raw in ("<script>window.__pwned", "<img src=x onerror", "<svg onload", "<b onmouseover"):
        assert raw not in r.text, (path, raw)


def test_injection_article_row_page_is_escaped(client):
    rows = client.json("/archive/articles.json?_search=xss-fixture&_shape=objects")["rows"]
    r = client.get(f"/archive/articles/{rows[0]['id']}")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
    assert "<script>window.__pwned" not in r.text and "<img src=x onerror" not in r.text
    person = client.json("/archive/people.json?_search=xss&_shape=objects")["rows"][0]
    page = client.get(f"/archive/people/{person['id']}").text
    assert "Appearances, by article and date" in page and "<img src=x onerror" not in page


def test_no_file_path_is_shown(client, published_db):
    for path in ("/-/databases.json", "/-/metadata.json", "/-/settings.json", "/-/plugins.json", "/-/versions.json",
                 "/archive.json", "/"):
        text = client.get(path).text
        assert str(published_db.parent) not in text and "/tmp/" not in text, path
        assert str(publish.ROOT) not in text, path


def test_licence_separates_content_and_code(client):
    assert METADATA["license_url"] == "/-/licence" and "apache" not in METADATA["license_url"].lower()
    assert "not openly licensed" in METADATA["license"]
    page = client.get("/-/licence").text
    assert "rights stay with the publishing bodies" in page and "Apache License 2.0" in page


def test_canned_queries_have_human_titles(client):
    for name, query in QUERIES.items():
        html = client.get(f"/archive/{name}").text
        title = html_lib.unescape(html.split("<title>", 1)[1].split("</title>", 1)[0])
        assert query["title"] in title and "SELECT" not in title, name


def test_no_plugin_renders_crawled_html(client):
    plugins = {p["name"] for p in client.json("/-/plugins.json")}
    assert "datasette-render-html" not in plugins
    assert "cchc_publish.py" in plugins


# -- configuration ----------------------------------------------------------------------------------
def test_datasette_args_are_read_only_and_named_archive(tmp_path):
    other = tmp_path / "my-copy.db"
    sqlite3.connect(str(other)).close()
    args = publish.datasette_args(other, port=8123)
    served = Path(args[args.index("-i") + 1])
    assert served.name == "archive.db" and served.resolve() == other.resolve()
    assert args[args.index("--setting") + 1:args.index("--setting") + 3] == ["sql_time_limit_ms", "1000"]
    for flag in ("--metadata", "--plugins-dir", "--template-dir", "--static"):
        assert flag in args
    assert args[args.index("--port") + 1] == "8123" and args[args.index("--host") + 1] == "127.0.0.1"


def test_any_file_name_is_served_as_archive(published_db, tmp_path):
    other = tmp_path / "renamed.db"
    publish_archives.copy_database(published_db, other)
    c = Client(other)
    try:
        assert c.get("/archive/events").status_code == 200
    finally:
        c.close()


def test_views_are_idempotent(published_db, tmp_path):
    from cchc.views import create_views

    copy = tmp_path / "archive.db"
    publish_archives.copy_database(published_db, copy)
    archive = Archive(copy)
    schema = archive.db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    create_views(archive.db)
    create_views(archive.db)
    assert archive.db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
    provinces = list(archive.db.query("SELECT * FROM provinces"))
    assert len(provinces) == 63
    assert {p["mapping_version"] for p in provinces} == {"2025-07-01"}
    assert next(p for p in provinces if p["name"] == "Vĩnh Phúc")["province_now"] == "Phú Thọ"
    archive.close()


@pytest.mark.parametrize("path", ["/", "/-/dashboards/cchc", "/archive/events"])
def test_datasette_get_smoke(published_db, path):
    """`datasette --get` with exactly the arguments `cchc serve` uses."""
    args = [a for a in publish.datasette_args(published_db)]
    result = subprocess.run([sys.executable, "-m", "datasette", *args, "--get", path],
                            capture_output=True, text=True, env=publish.child_env(), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<html" in result.stdout.lower()
