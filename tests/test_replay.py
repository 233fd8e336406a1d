"""The replay serves every site over 127.0.0.1 the way the site configs describe it."""
from __future__ import annotations

import re
import unicodedata
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from replay import load_truth, start_replay
from replay.content import SITE_NAMES
from replay.truth import build_truth

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CONFIGURED = [n for n in SITE_NAMES if n != "tuyenquang_like"]
TRUTH = load_truth()

# where each family puts the article body (the selector the site configs name)
BODY_XPATH = {
    "vinhphuc": '//div[@class="content-detail"]',
    "hanoi": '//div[contains(@class, "field--name-body")]',
    "dongthap": '//div[contains(@class, "journal-content-article")]',
    "hungyen": '//div[@id="news-bodyhtml"]',
    "quangninh": '//div[@id="divArticleDescription2"]',
    "tuyenquang_like": '//div[contains(@class, "news-content")]',
}
# page chrome that the seed files captured after (or before) the article: on the page, not in the body
SEED_CHROME = {
    "vinhphuc": ["29/11/2019", "Tháng 5, 2022", "CN T2 T3 T4 T5 T6 T7", "29 30 31 1 2 3 4"],
    "hanoi": ["Tin tức sự kiện", "Ngày đăng 19/04/2019 | 05:20 | View count: 4012"],
    "dongthap": ["Cập nhật ngày: 30/07/2020 05:16:15", "Gửi bình luận của bạn"],
    "hungyen": ["Lượt xem: 356"],
    "quangninh": ["27/12/2013 14:00", "Tìm kiếm theo chuyên mục - nội dung - ngày tháng", "Tin Nóng",
                  "Tin tiêu điểm", "Lịch công tác trống", "Website liên kết", "Thống kê truy cập",
                  "Hôm nay: 838", "Đã truy cập: 1307973"],
}

# the seed line where trailing page chrome begins
CHROME_START = {"vinhphuc": "Tháng 5, 2022", "dongthap": "Gửi bình luận của bạn",
                "quangninh": "Tìm kiếm theo chuyên mục - nội dung - ngày tháng"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET without following redirects: (status, headers, body)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").split())


def text_of(node) -> str:
    return norm(" ".join(node.itertext()))


def config(name: str) -> dict:
    """The site's config as pointed at the replay (its `replay:` block applied where the replay's
    imitation predates the evidence about the real site)."""
    from crawler.sites import load_site

    return load_site(name).for_replay("http://127.0.0.1:1").as_dict()


@pytest.fixture(scope="module")
def replay():
    with start_replay() as r:
        yield r


def test_truth_file_is_current():
    assert build_truth() == TRUTH, "run: python -m replay.truth"


def test_truth_shape():
    seeds = [a for a in TRUTH["articles"] if a["seed"]]
    assert len(seeds) == 5
    by_site = {n: [a for a in TRUTH["articles"] if a["site"] == n] for n in SITE_NAMES}
    for name in CONFIGURED:
        arts = by_site[name]
        assert len(arts) >= 7 and 2 <= sum(a["relevant"] for a in arts) <= 3
        assert len(TRUTH["sites"][name]["listing_pages"]) >= 3
    assert {a["seed"]: a["published_date"] for a in seeds} == {
        "000_57b3bd3e1d666c5d.txt": "2019-11-29", "001_ba12051ba001fe84.txt": "2019-04-19",
        "002_fc7f1ca391578f91.txt": "2020-07-30", "003_8fb8e21b3f9902cd.txt": None,
        "004_a3c50aa23e3c97ee.txt": "2013-12-27"}


@pytest.mark.parametrize("name", CONFIGURED)
def test_config_matches_replay(name):
    cfg = config(name)
    site = TRUTH["sites"][name]
    assert cfg["name"] == name and cfg["verified"] is False and cfg["cms"] == site["cms"]
    assert cfg["listings"] == site["listings"]
    pattern = re.compile(cfg["article_url"])
    arts = [a for a in TRUTH["articles"] if a["site"] == name]
    assert all(pattern.search("http://127.0.0.1:1" + a["listed_url"]) for a in arts)
    others = site["listing_pages"] + site["non_article_pages"]
    assert not any(pattern.search("http://127.0.0.1:1" + u) for u in others)


@pytest.mark.parametrize("name", SITE_NAMES)
def test_every_article_reachable_from_listings(replay, name):
    """Breadth-first from the listing, following only listing (pagination) links."""
    base = replay.sites[name]
    site = TRUTH["sites"][name]
    listing_path = urlsplit(site["listings"][0]).path.rstrip("/")
    want = {a["listed_url"] for a in TRUTH["articles"] if a["site"] == name}
    seen_pages, found = set(), set()
    queue = deque([base + site["listings"][0]])
    while queue and len(seen_pages) < 20:
        url = queue.popleft()
        if url in seen_pages:
            continue
        seen_pages.add(url)
        status, headers, body = fetch(url)
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        doc = lxml.html.fromstring(body.decode("utf-8"))
        assert "Xem tiếp..." in text_of(doc)
        for href in doc.xpath("//a/@href"):
            absolute = urljoin(url, href)
            if not absolute.startswith(base):
                continue
            rel = absolute[len(base):]
            if rel in want:
                found.add(rel)
            elif urlsplit(rel).path.startswith(listing_path) and not rel.endswith(".html"):
                queue.append(absolute)
    assert found == want
    assert len(seen_pages) >= 2


@pytest.mark.parametrize("name", SITE_NAMES)
def test_articles_and_pages(replay, name):
    base = replay.sites[name]
    site = TRUTH["sites"][name]
    for a in (a for a in TRUTH["articles"] if a["site"] == name):
        status, headers, body = fetch(base + a["url"])
        assert status == 200, a["url"]
        doc = lxml.html.fromstring(body.decode("utf-8"))
        assert a["title"] in text_of(doc)
        assert len(doc.xpath(BODY_XPATH[name])) == 1
        assert "ETag" in headers and "Last-Modified" in headers
    for path in site["non_article_pages"]:
        assert fetch(base + path)[0] == 200, path
    assert fetch(base + "/khong-co-trang-nay.html")[0] == 404


@pytest.mark.parametrize("name", [n for n in CONFIGURED])
def test_seed_on_page(replay, name):
    seed = next(a for a in TRUTH["articles"] if a["site"] == name and a["seed"])
    status, _, raw = fetch(replay.sites[name] + seed["url"])
    doc = lxml.html.fromstring(raw.decode("utf-8"))
    body = text_of(doc.xpath(BODY_XPATH[name])[0])
    page = text_of(doc)
    for chrome in SEED_CHROME[name]:
        assert chrome in page and chrome not in body, chrome
    if SEEDS.exists():  # the seed text, verbatim, on the page; everything but the chrome in the body
        lines = [norm(line) for line in (SEEDS / seed["seed"]).read_text(encoding="utf-8").splitlines()]
        in_chrome = False
        for line in filter(None, lines):
            assert line in page, line
            in_chrome = in_chrome or line == CHROME_START.get(name)
            if not in_chrome and line != norm(seed["title"]) and line not in SEED_CHROME[name]:
                assert line in body, line
    if name == "hungyen":
        meta = text_of(doc.xpath('//div[contains(@class, "newsdetailmetatop")]')[0])
        assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", meta)


def test_http_details(replay):
    hy, hn, dt, vp, qn = (replay.sites[n] for n in ("hungyen", "hanoi", "dongthap", "vinhphuc", "quangninh"))
    # 301s
    status, headers, _ = fetch(hy + "/vi/news/cai-cach-hanh-chinh")
    assert status == 301 and headers["Location"] == "/vi/news/cai-cach-hanh-chinh/"
    status, headers, _ = fetch(hy + "/vi/news/cai-cach-hanh-chinh/sai-slug-1917.html")
    assert status == 301 and headers["Location"].endswith("-1917.html")
    assert fetch(hn + "/tin-tuc-su-kien/")[0] == 301
    # past the last listing page: NukeViet 404, Drupal empty, Liferay repeats the last page
    assert fetch(hy + "/vi/news/cai-cach-hanh-chinh/page-99")[0] == 404
    status, _, body = fetch(hn + "/tin-tuc-su-kien?page=99")
    assert status == 200 and b"/node/" not in body.split(b"region-content")[1].split(b"<aside")[0]
    last = TRUTH["sites"]["dongthap"]["listing_pages"][-1]
    far = re.sub(r"_cur=\d+", "_cur=99", last)
    assert fetch(dt + far)[2] == fetch(dt + last)[2]
    # IIS paths are case-insensitive; unknown ids are 404
    assert fetch(vp + "/lists/tintuc/view_detail.aspx?ItemID=1452")[0] == 200
    assert fetch(qn + "/Trang/ChiTietTinTuc.aspx?nid=1")[0] == 404
    # robots.txt variants
    assert fetch(vp + "/robots.txt")[0] == 404
    assert b"Crawl-delay: 1" in fetch(qn + "/robots.txt")[2]
    assert fetch(hy + "/robots.txt")[2].startswith(b"User-agent: *")
    # documents: one tiny PDF, one missing
    status, headers, body = fetch(hy + "/uploads/laws/204-kh-ubnd.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert fetch(hy + "/uploads/laws/18-kh-snv.pdf")[0] == 404
    # conditional GET
    status, headers, _ = fetch(hn + "/node/5873")
    assert fetch(hn + "/node/5873", {"If-None-Match": headers["ETag"]})[0] == 304


def test_nfd_article(replay):
    art = next(a for a in TRUTH["articles"] if a["nfd"])
    body = fetch(replay.sites[art["site"]] + art["url"])[2].decode("utf-8")
    assert unicodedata.normalize("NFD", "Văn thư") in body


def test_stop_frees_ports():
    r = start_replay(sites=["hanoi"])
    url = r.sites["hanoi"]
    assert fetch(url + "/")[0] == 200
    r.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/", timeout=2)
