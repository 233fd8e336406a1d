"""End to end in headless Chromium against the archive served like `cchc serve` on 127.0.0.1.

A journalist's path (home → search "do quy tien" → the person → the Vĩnh Phúc event and its
sentence), the dashboard drawing its charts, a JSON download, and a script-injection article that
must not execute anywhere. Needs Debian's chromium (/usr/bin/chromium; `ci/install-browser.sh`) and
Playwright's Python package; outside CI the tests are skipped when either is missing, in CI
(CI=true) they run and fail instead.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "publish"))
import publish_archives  # noqa: E402

from cchc import publish  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
VINH_PHUC_TITLE = "Sở Nội vụ Vĩnh Phúc mở Lớp bồi dưỡng nghiệp vụ về công tác cách hành chính năm 2019"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"{CHROMIUM} is missing (run ci/install-browser.sh: apt-get install -y chromium)"
    return None


if (reason := _missing()) and not IN_CI:
    pytest.skip(reason, allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    """Base URL of Datasette serving the demo archive + the injection article, in a subprocess."""
    demo = publish_archives.demo_or_none(request)
    workdir = tmp_path_factory.mktemp("browser")
    db = publish_archives.published_archive(workdir / "archive.db", demo)
    port = free_port()
    log = (workdir / "datasette.log").open("wb")
    proc = subprocess.Popen(publish.datasette_command(db, host="127.0.0.1", port=port),
                            stdout=log, stderr=subprocess.STDOUT, env=publish.child_env())
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("Datasette did not start:\n" + (workdir / "datasette.log").read_text()[-3000:])
        time.sleep(0.2)
    yield {"base": base, "db": db}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


def api(site, path: str):
    with urllib.request.urlopen(site["base"] + path, timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


def test_journalist_finds_do_quy_tien_and_the_vinh_phuc_event(site, page):
    page.goto(site["base"] + "/")
    page.fill("#search-all-q", "do quy tien")
    page.press("#search-all-q", "Enter")
    page.wait_for_url("**/-/search?q=do+quy+tien")
    # articles, ranked: the Vĩnh Phúc seed first (the phrase), its snippet highlighted
    first = page.locator(".cchc-article-hits li").first
    assert first.locator("a.cchc-hit-title").inner_text() == VINH_PHUC_TITLE
    assert page.locator(".cchc-article-hits mark.cchc-hit").count() > 0
    assert "1 official" in page.locator(".cchc-counts").inner_text()
    # the person
    page.locator(".search-search_people a", has_text="Đỗ Quý Tiến").first.click()
    page.wait_for_url("**/archive/people/*")
    assert page.locator("h1").inner_text() == "Đỗ Quý Tiến"
    appearances = page.locator(".cchc-appearance-list")
    text = appearances.inner_text()
    assert "Vĩnh Phúc" in text and VINH_PHUC_TITLE in text
    sentences = [row["evidence"] for row in api(
        site, "/archive/person_appearances.json?person=do+quy+tien&_shape=array") if row["evidence"]]
    assert sentences and any(" ".join(s.split()) in " ".join(text.split()) for s in sentences)
    # and on to the event itself
    page.locator(".cchc-appearance-list a", has_text=VINH_PHUC_TITLE).first.click()
    page.wait_for_url("**/archive/articles/*")
    assert page.locator("h1").inner_text() == VINH_PHUC_TITLE


def test_dashboard_draws_charts(site, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site["base"] + "/")
    page.locator("a[href='/-/dashboards/cchc']:visible").first.click()
    page.wait_for_url("**/-/dashboards/cchc")
    for chart in ("ranking-history", "events-per-year", "learners-per-year"):
        page.locator(f"#chart-{chart} svg, #chart-{chart} canvas").first.wait_for(state="attached")
    box = page.locator("#chart-ranking-history canvas, #chart-ranking-history svg").first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    assert not errors, errors


def test_download_json_parses(site, page):
    page.goto(site["base"] + "/")
    with page.expect_download() as info:
        page.locator("a[href='/-/export.json?_download=1']:visible").first.click()
    path = info.value.path()
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    assert isinstance(records, list) and records
    seed = next(r for r in records if r["title"] == VINH_PHUC_TITLE)
    assert {"officials", "rankings", "documents"} <= set(seed)


def test_script_injection_never_executes(site, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    article = api(site, "/archive/articles.json?_search=xss-fixture&_shape=array")[0]
    person = api(site, "/archive/people.json?_search=xss&_shape=array")[0]
    pages = api(site, "/archive/pages_meta.json?_shape=array&url=" + urllib.parse.quote(article["url"]))
    paths = [
        "/archive/articles", f"/archive/articles/{article['id']}", "/archive/articles?_search=xss-fixture",
        "/archive/events", "/archive/people_appearances", "/archive/ranking_history",
        "/archive/document_citations", f"/archive/people/{person['id']}", "/-/search?q=xss-fixture",
        "/-/search?q=xss", "/archive/events_by_province_year?province=vinh+phuc&year=2020",
        "/-/dashboards/cchc", "/-/province/V%C4%A9nh%20Ph%C3%BAc", "/-/map",
        *[f"/-/archived/{p['id']}" for p in pages],
    ]
    assert len(pages) == 2
    for path in paths:
        page.goto(site["base"] + path)
        page.wait_for_load_state("networkidle")
        page.mouse.move(10, 10)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.title() != "pwned", path
    # the archived copy framed in the article page: the frame's scripts stay off too
    page.goto(site["base"] + f"/archive/articles/{article['id']}")
    page.locator("details.cchc-archived-frame summary").click()
    frame_element = page.locator("details.cchc-archived-frame iframe")
    frame_element.wait_for()
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    frame.locator("h1").wait_for()
    assert "xss-fixture" in frame.locator("h1").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # and the markup is visible as text on the article page
    assert "<script>window.__pwned=1</script>" in page.inner_text("body")
    page.goto(site["base"] + "/-/search?q=xss-fixture")
    assert "<script>window.__pwned=1</script>" in page.locator(".search-search_articles").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []


# -- the reading pages ------------------------------------------------------------------------------
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("CCHC_SHOTS", "/tmp/shots"))


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


def vinh_phuc_article(site) -> dict:
    return api(site, "/archive/articles.json?_shape=array&title=" + urllib.parse.quote(VINH_PHUC_TITLE))[0]


def test_article_page_reads_like_an_article(site, desktop):
    article = vinh_phuc_article(site)
    desktop.goto(site["base"] + f"/archive/articles/{article['id']}")
    assert desktop.locator("h1").inner_text() == VINH_PHUC_TITLE
    body = desktop.locator(".cchc-body").bounding_box()
    assert body["width"] >= 600
    facts = desktop.locator(".cchc-facts").bounding_box()
    assert facts["x"] >= body["x"] + body["width"]  # beside the body, not under it
    assert desktop.locator(".cchc-body p").count() >= 5
    # a fact's sentence: the link scrolls to it, and it is highlighted
    ranking = desktop.locator(".cchc-fact-ranking").first
    link = ranking.locator("a[data-mark]")
    anchor = link.get_attribute("data-mark")
    link.click()
    desktop.wait_for_url(f"**#{anchor}")
    mark = desktop.locator(f"mark#{anchor}")
    assert mark.is_visible()
    assert "14/63" in mark.inner_text()
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    box = mark.bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"]  # scrolled into view
    # the links lead where they say
    assert desktop.locator("a.cchc-original").get_attribute("href") == article["url"]
    desktop.locator("a.cchc-archived").click()
    desktop.wait_for_url(f"**/-/archived/{article['page_id']}")
    assert "Vĩnh Phúc" in desktop.inner_text("body")
    assert desktop.evaluate("typeof window.__pwned") == "undefined"


def test_person_page_on_a_phone(site, phone):
    person = api(site, "/archive/search_people.json?q=do+quy+tien&_shape=array")[0]
    phone.goto(site["base"] + f"/archive/people/{person['person_id']}")
    assert phone.locator("h1").inner_text() == "Đỗ Quý Tiến"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    entry = phone.locator(".cchc-appearance").first
    assert VINH_PHUC_TITLE in entry.inner_text() and "3 mentions" in entry.inner_text()
    assert entry.locator("blockquote.cchc-evidence").first.is_visible()
    assert "Phó Vụ trưởng Vụ Cải cách hành chính" in phone.locator(".cchc-titles").inner_text()


def test_province_page_leads_to_its_events(site, desktop):
    desktop.goto(site["base"] + "/-/province/vinh%20phuc")
    assert desktop.locator("h1").inner_text() == "Vĩnh Phúc"
    assert "Phú Thọ" in desktop.locator(".cchc-meta").first.inner_text()
    assert "PAR INDEX" in desktop.locator("h3").all_inner_texts()
    event = desktop.locator(".cchc-events a", has_text=VINH_PHUC_TITLE)
    event.click()
    desktop.wait_for_url("**/archive/articles/*")
    assert desktop.locator("h1").inner_text() == VINH_PHUC_TITLE


def test_feed_entries_lead_to_article_pages(site, desktop):
    response = desktop.goto(site["base"] + "/-/feed.atom")
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(response.body())
    atom = "{http://www.w3.org/2005/Atom}"
    entry = root.find(f"{atom}entry")
    desktop.goto(entry.find(f"{atom}link[@rel='alternate']").get("href"))
    assert desktop.locator("h1").inner_text() == entry.find(f"{atom}title").text


def test_map_shows_provinces_and_leads_to_them(site, desktop):
    desktop.goto(site["base"] + "/-/map")
    svg = desktop.locator("svg.cchc-map")
    assert svg.is_visible() and svg.locator("circle").count() == 63
    busiest = desktop.locator(".cchc-map-table tbody tr td a").first.inner_text()
    desktop.locator(f"svg.cchc-map a[data-province='{busiest}'] circle").click()
    desktop.wait_for_url("**/-/province/*")
    assert desktop.locator("h1").inner_text() == busiest


def test_screenshots_of_every_new_page(site, browser):
    """Screenshots at 1366×900 and 390×844 under /tmp/shots (CCHC_SHOTS); no page scrolls sideways."""
    article = vinh_phuc_article(site)
    person = api(site, "/archive/search_people.json?q=do+quy+tien&_shape=array")[0]
    pages = {"article": f"/archive/articles/{article['id']}", "person": f"/archive/people/{person['person_id']}",
             "province": "/-/province/vinh%20phuc", "search": "/-/search?q=do+quy+tien", "map": "/-/map",
             "events": "/archive/events", "licence": "/-/licence", "feed": "/-/feed.atom"}
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, is_mobile=label == "phone")
        p = context.new_page()
        for name, path in pages.items():
            p.goto(site["base"] + path)
            p.wait_for_load_state("networkidle")
            p.screenshot(path=str(SHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"))
            if name not in ("events", "feed"):  # a data table, raw XML may scroll sideways; reading pages must not
                assert p.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, label)
        context.close()
