"""Atom feeds of newly archived training events (`/-/feed.atom`, `/-/feed/<province>.atom`)."""
from __future__ import annotations

import sqlite3
import urllib.parse
import xml.etree.ElementTree as ET

from publish_fixtures import client, published_db  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}title").text
    return root.findall(f"{ATOM}entry")


def test_feed_lists_relevant_articles_newest_first(client, published_db):
    conn = sqlite3.connect(published_db)
    relevant = [r[0] for r in conn.execute("SELECT id FROM articles WHERE relevant = 1 ORDER BY id DESC LIMIT 50")]
    conn.close()
    found = entries(client, "/-/feed.atom")
    links = [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in found]
    assert [urllib.parse.urlsplit(link).path for link in links] == [f"/archive/articles/{i}" for i in relevant]
    for link in links[:5]:
        assert client.get(urllib.parse.urlsplit(link).path).status_code == 200
    ids = [e.find(f"{ATOM}id").text for e in found]
    assert len(set(ids)) == len(ids)


def test_per_province_feed(client, published_db):
    conn = sqlite3.connect(published_db)
    expected = {r[0] for r in conn.execute("SELECT url FROM articles WHERE relevant = 1 AND province = 'Vĩnh Phúc'")}
    conn.close()
    found = entries(client, "/-/feed/vinh%20phuc.atom")
    assert {e.find(f"{ATOM}link[@rel='via']").get("href") for e in found} == expected
    assert all(e.find(f"{ATOM}category").get("term") == "Vĩnh Phúc" for e in found)
    assert client.get("/-/feed/atlantis.atom").status_code == 404


def test_crawled_markup_in_the_feed_is_text(client):
    body = client.get("/-/feed.atom").text
    assert "<script>" not in body and "&lt;script&gt;" in body
