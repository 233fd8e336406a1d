"""The harness the generic-layout tests share: a folder of fixture portals under tests/fixtures/<set>/
(each site a routes.json, a truth.json and plain page files), served on free 127.0.0.1 ports, crawled
together with crawler.run.crawl, and the stored articles scored against truth."""
from __future__ import annotations

import contextlib
import html
import json
import operator
import re
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest

from conftest import db_rows
from crawler.run import crawl

FIXTURES_ROOT = Path(__file__).resolve().parent / "fixtures"
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "CCHC_CRAWL_DELAY_MAX": 0.01, "RETRY_TIMES": 0}
FLOOR = 0.95
NOT_FOUND = b"<html><body><h1>404</h1><p>Not found</p></body></html>"


def url_key(url: str) -> str:
    """A URL (or path) with its query parameters sorted and percent-escapes decoded, for comparison."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{unquote(parts.path)}?{unquote(query)}" if query else unquote(parts.path)


def same_text(a: str | None, b: str | None) -> bool:
    """Equal after NFC and whitespace collapsing (None equals only None)."""
    if a is None or b is None:
        return a is b
    norm = lambda s: " ".join(unicodedata.normalize("NFC", s).split())  # noqa: E731
    return norm(a) == norm(b)


def body_faults(text: str, truth: dict, chrome: list[str]) -> list[str]:
    """What is wrong with a stored body: the lead or the caption naming an official lost, chrome kept."""
    faults = []
    if " ".join(truth["lead"][:60].split()) not in " ".join(text.split()):
        faults.append("lead lost")
    if " ".join(truth["caption"].split()) not in " ".join(text.split()):
        faults.append("caption lost")
    faults += [f"chrome: {c}" for c in chrome if c in text]
    return faults


def marked(check: str, sites: list[str], xfail: dict[tuple[str, str], str]) -> list:
    """The sites as parameters, xfail where the current rules are known to fail `check`."""
    return [pytest.param(site, marks=pytest.mark.xfail(strict=False, reason=xfail[(check, site)]))
            if (check, site) in xfail else site for site in sites]


def summary_line(site: str, s: dict, width: int) -> str:
    """One site's scores on one line, for the crawl fixture's printout."""
    return (f"{site:{width}} recall {s['recall']:.2f} precision {s['precision']:.2f} ({s['found']}/{s['articles']} "
            f"found, {s['stored']} stored) titles {s['titles_right']}/{s['found']} dates {s['dates_right']}/{s['found']} "
            f"authors {s['authors_right']}/{s['found']} clean bodies {s['found'] - len({u for u, _ in s['body_faults']})}/{s['found']}")


class FixturePortals:
    """One set of fixture portals, tests/fixtures/<folder>/<site>/.

    `key` is how a route path is matched and a stored URL compared with truth: None matches paths
    as written and compares full URLs; url_key makes query-parameter order (and escapes) not matter.
    `same_author` is how a stored author is compared with truth."""

    def __init__(self, folder: str, key: Callable[[str], str] | None = None,
                 same_author: Callable[[str | None, str | None], bool] = operator.eq) -> None:
        self.root = FIXTURES_ROOT / folder
        self.key = key
        self.same_author = same_author

    def load(self, site: str) -> tuple[dict, dict]:
        """(routes, truth) of a fixture site."""
        d = self.root / site
        return (json.loads((d / "routes.json").read_text(encoding="utf-8")),
                json.loads((d / "truth.json").read_text(encoding="utf-8")))

    def page_body(self, site: str, path: str) -> bytes:
        """The bytes a fixture site serves at `path`."""
        routes, _ = self.load(site)
        return (self.root / site / routes["routes"][path]["file"]).read_bytes()

    def layout_faults(self, site: str) -> list[str]:
        """What makes a fixture site unfit as a test: a truth URL it does not serve or serves as
        the wrong kind of page, too few articles, non-articles or listing pages, a title not in NFC."""
        routes, truth = self.load(site)
        table = routes["routes"]
        faults = [] if routes["start"] in table else [f"start {routes['start']} not served"]
        if len(truth["articles"]) < 5 or len(truth["non_articles"]) < 6:
            faults.append("fewer than 5 articles or 6 non-articles")
        if len([r for r in table.values() if r["file"].startswith("listing-")]) < 2:
            faults.append("fewer than 2 listing pages (no paging)")
        for a in truth["articles"]:
            if a["url"] not in table or not table[a["url"]]["file"].startswith("article-"):
                faults.append(f"article {a['url']} not served as an article page")
            if not unicodedata.is_normalized("NFC", a["title"]):
                faults.append(f"title of {a['url']} not NFC")
        for path in truth["non_articles"]:
            if path not in table or table[path]["file"].startswith(("article-", "listing-")):
                faults.append(f"non-article {path} not served as a non-article page")
        return faults

    def unresolved_links(self, site: str) -> list[tuple[str, str]]:
        """(page file, href) of every local page link the site does not serve (files aside)."""
        table = self.load(site)[0]["routes"]
        missing = []
        for entry in table.values():
            page = (self.root / site / entry["file"]).read_text(encoding="utf-8")
            for href in re.findall(r'href="([^"]+)"', page):
                href = html.unescape(href)
                if href.startswith("/") and not href.endswith((".pdf", ".css")) and href not in table:
                    missing.append((entry["file"], href))
        return missing

    @contextlib.contextmanager
    def serve(self, site: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """Serve a fixture site on a free 127.0.0.1 port; yields (base URL, [(host header, path)])."""
        key = self.key or (lambda path: path)
        table = {key(path): entry for path, entry in self.load(site)[0]["routes"].items()}
        folder = self.root / site
        hits: list[tuple[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append((self.headers.get("Host", ""), self.path))
                entry = table.get(key(self.path))
                if entry is None:
                    status, body = 404, NOT_FOUND
                else:
                    status, body = entry.get("status", 200), (folder / entry["file"]).read_bytes()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self._answer()

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", hits
        finally:
            server.shutdown()
            server.server_close()

    def crawl(self, sites: list[str], db: Path, timeout: int) -> tuple[dict, dict]:
        """Serve every site and crawl them all at once (one child process) from their start URLs;
        ({site: (base URL, hits)}, crawl report)."""
        with contextlib.ExitStack() as stack:
            served = {site: stack.enter_context(self.serve(site)) for site in sites}
            starts = {site: base + self.load(site)[0]["start"] for site, (base, _) in served.items()}
            report = crawl(db, start_urls=starts, settings=FAST, log_file=db.with_suffix(".log"), timeout=timeout)
        return served, report

    def score(self, base: str, db: Path, site: str) -> dict:
        """Recall, precision, titles, dates, authors and bodies of one crawled site against its truth."""
        _, truth = self.load(site)
        rows = db_rows(db, "SELECT url, title, published_date, author, text FROM articles WHERE site = ?", [site])
        if self.key is None:
            want = {base + a["url"]: a for a in truth["articles"]}
            got = {r[0]: r[1:] for r in rows}
        else:
            want = {self.key(a["url"]): a for a in truth["articles"]}
            got = {self.key(r[0][len(base):]): r[1:] for r in rows}
        found = [u for u in want if u in got]
        # the same story on two fixture portals is one article (issue 9): the later copy is linked to the
        # stored one as a near duplicate, and counts as found, not as missed
        links = [r[0] for r in db_rows(db, "SELECT url FROM article_links WHERE reason = 'near duplicate'")]
        linked = {(u if self.key is None else self.key(u[len(base):])) for u in links if u.startswith(base)}
        linked = [u for u in want if u in linked and u not in got]
        return {"articles": len(want), "stored": len(got), "found": len(found), "linked": len(linked),
                "recall": (len(found) + len(linked)) / len(want), "precision": len(found) / len(got) if got else 0.0,
                "titles_right": sum(same_text(got[u][0], want[u]["title"]) for u in found),
                "dates_right": sum(got[u][1] == want[u]["published_date"] for u in found),
                "missed": sorted(set(want) - set(got) - set(linked)), "extra": sorted(set(got) - set(want)),
                "wrong_titles": [(got[u][0], want[u]["title"]) for u in found if not same_text(got[u][0], want[u]["title"])],
                "wrong_dates": [(got[u][1], want[u]["published_date"]) for u in found if got[u][1] != want[u]["published_date"]],
                "authors_right": sum(bool(self.same_author(got[u][2], want[u]["author"])) for u in found),
                "wrong_authors": [(got[u][2], want[u]["author"]) for u in found
                                  if not self.same_author(got[u][2], want[u]["author"])],
                "body_faults": [(u, fault) for u in found
                                for fault in body_faults(got[u][3] or "", want[u], truth["chrome"])]}

    def crawl_and_score(self, sites: list[str], db: Path, timeout: int, width: int) -> dict[str, dict]:
        """Crawl the sites at once and score each (with its crawl report under "report"); site -> scores."""
        served, report = self.crawl(sites, db, timeout)
        out = {}
        for site in sites:
            out[site] = self.score(served[site][0], db, site)
            out[site]["report"] = report["sites"].get(site, {})
            print("\n" + summary_line(site, out[site], width))
        return out
