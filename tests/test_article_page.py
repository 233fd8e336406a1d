"""The article's reading page (`/archive/articles/<id>`): headline, body, facts with their sentences
highlighted in the body, links to the original and the sandboxed archived copy, versions."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "publish"))
import publish_archives  # noqa: E402
from publish_client import Client, Elements, text_of  # noqa: E402

from extract.document import fold_aligned  # noqa: E402
from store import Archive  # noqa: E402

VINH_PHUC_TITLE = "Sở Nội vụ Vĩnh Phúc mở Lớp bồi dưỡng nghiệp vụ về công tác cách hành chính năm 2019"


@pytest.fixture(scope="module")
def published_db(request, tmp_path_factory) -> Path:
    demo = publish_archives.demo_or_none(request)
    return publish_archives.published_archive(tmp_path_factory.mktemp("article") / "archive.db", demo)


@pytest.fixture(scope="module")
def client(published_db):
    c = Client(published_db)
    yield c
    c.close()


def article_row(db: Path, where: str, args=()) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute(f"SELECT * FROM articles WHERE {where}", args).fetchone())
    finally:
        conn.close()


def test_headline_is_the_heading_and_the_body_is_paragraphs(client, published_db):
    row = article_row(published_db, "title = ?", [VINH_PHUC_TITLE])
    page = Elements(client.html(f"/archive/articles/{row['id']}"))
    headings = page.select("h1")
    assert [text_of(h) for h in headings] == [VINH_PHUC_TITLE]
    body = page.select("div", "cchc-body")[0]
    paragraphs = [text_of(p) for p in _inside(page, body) if p["tag"] == "p"]
    lines = [" ".join(line.split()) for line in row["text"].split("\n") if line.strip()]
    assert " ".join(text_of(body).split()) == " ".join(lines)
    assert len([p for p in paragraphs if p]) >= len(lines)
    assert row["published_date"] in text_of(page.select("p", "cchc-meta")[0])


def test_every_fact_points_at_its_sentence_highlighted_in_the_body(client, published_db):
    row = article_row(published_db, "title = ?", [VINH_PHUC_TITLE])
    html = client.html(f"/archive/articles/{row['id']}")
    page = Elements(html)
    marks = {m["attrs"]["id"]: m for m in page.select("mark", "cchc-evidence") if "id" in m["attrs"]}
    facts = page.select("div", "cchc-fact")
    assert len(facts) >= 4  # dates, two officials, the PAR INDEX ranking
    conn = sqlite3.connect(published_db)
    evidences = {r[0] for r in conn.execute(
        "SELECT evidence FROM appearances WHERE article_id = ? UNION SELECT evidence FROM rankings WHERE article_id = ?",
        [row["id"], row["id"]]) if r[0]}
    conn.close()
    linked = 0
    for fact in facts:
        links = [a for a in page.found if a["tag"] == "a" and a["attrs"].get("data-mark")
                 and a["attrs"]["href"] == "#" + a["attrs"]["data-mark"] and a["text"] and a in _inside(page, fact)]
        for link in links:
            mark = marks[link["attrs"]["data-mark"]]
            assert fact["attrs"]["id"] in mark["attrs"]["data-facts"].split()
            linked += 1
    assert linked >= 4
    marked_text = fold_aligned(" ".join(text_of(m) for m in page.select("mark", "cchc-evidence")))
    for sentence in evidences:
        assert fold_aligned(" ".join(sentence.split())) in " ".join(marked_text.split()), sentence


def _inside(page: Elements, container: dict) -> list[dict]:
    """Elements that come after `container` and before the next element of the same kind."""
    start = page.found.index(container)
    kind = (container["attrs"].get("class") or "").split()[0]
    out = []
    for element in page.found[start + 1:]:
        if element["tag"] == container["tag"] and kind in (element["attrs"].get("class") or "").split():
            break
        out.append(element)
    return out


def test_links_lead_to_the_original_and_the_archived_copy(client, published_db):
    row = article_row(published_db, "title = ?", [VINH_PHUC_TITLE])
    page = Elements(client.html(f"/archive/articles/{row['id']}"))
    original = page.select("a", "cchc-original")[0]
    assert original["attrs"]["href"] == row["url"]
    archived = page.select("a", "cchc-archived")[0]["attrs"]["href"]
    assert archived == f"/-/archived/{row['page_id']}"
    copy = client.get(archived)
    assert copy.status_code == 200
    archive = Archive(published_db, create=False)
    assert copy.content == archive.page_body(row["page_id"])  # the bytes as they were received
    archive.close()
    csp = copy.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "allow-scripts" not in csp and "default-src 'none'" in csp
    source = client.get(archived + "?as=text")
    assert source.headers["content-type"].startswith("text/plain") and source.content == copy.content


def test_injection_article_stays_text_and_shows_its_versions(client, published_db):
    row = article_row(published_db, "url = ?", [publish_archives.injection_record()["url"]])
    html = client.html(f"/archive/articles/{row['id']}")
    for raw in ("<script>window.__pwned", "<img src=x onerror", "<svg onload", "<b onmouseover"):
        assert raw not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    page = Elements(html)
    versions = page.select("ol", "cchc-versions")
    assert versions, "the page changed once: both versions are listed"
    links = [a["attrs"]["href"] for a in _inside(page, versions[0])
             if a["tag"] == "a" and a["attrs"]["href"].startswith("/-/archived/")]
    conn = sqlite3.connect(published_db)
    ids = [r[0] for r in conn.execute("SELECT id FROM pages WHERE url = ? ORDER BY fetched_at", [row["url"]])]
    conn.close()
    assert links == [f"/-/archived/{i}" for i in ids] and len(ids) == 2
    frames = page.select("iframe")
    assert frames and all(f["attrs"].get("sandbox") == "" for f in frames)
    for page_id in ids:
        copy = client.get(f"/-/archived/{page_id}")
        assert "sandbox" in copy.headers["content-security-policy"]
        assert b"window.__pwned" in copy.content  # served as it was, made inert by the sandbox


def test_missing_article_and_page(client):
    assert client.get("/archive/articles/987654321").status_code == 404
    assert client.get("/-/archived/987654321").status_code == 404
