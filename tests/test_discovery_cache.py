"""The crawl's cached link helpers give exactly what the uncached urllib calls give."""
from itertools import product
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html as lxml_html

from crawler import discovery

BASES = ["http://a.gov.vn/tin-tuc/x/y.html?p=2", "https://a.gov.vn/", "https://a.gov.vn:8443/a/b/c",
         "http://a.gov.vn", "http://A.GOV.VN/Q;p?x#f", "HTTP://a.gov.vn/dir/", "ftp://a.gov.vn/x", ""]
HREFS = ["/tin-tuc/1.html", "/", "/?q=1", "/#top", "/a/../b/./c", "//b.gov.vn/x", "//", "///x",
         "http://b.gov.vn/p?id=3#c", "https://a.gov.vn", "http://", "https://", "http://?q", "http:///x",
         "http:#f", "https:x", "http:/x", "http://b.gov.vn\\x", "/\n/", "/a\tb", "http://\n/x", "x.html",
         "../up.html", "?page=2", ";p", "./", "mailto:a@b", "HTTPS://b.gov.vn/", "/%7Ex", "/ a b "]


def naive(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href))[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def test_links_match_urljoin_for_every_base_and_href():
    for base, href in product(BASES, HREFS):
        root = lxml_html.fromstring("<html><body><p>x</p></body></html>")
        a = root.makeelement("a", {"href": href})
        a.text = "t"
        root.find("body").append(a)
        got = [link.url for link in discovery.links(root, base)]
        stripped = href.strip()
        skip = not stripped or stripped.startswith(("javascript:", "mailto:", "tel:", "#"))
        want = [] if skip or naive(base, stripped) is None else [naive(base, stripped)]
        assert got == want, (base, href)


def test_canonical_url_same_for_list_and_tuple_drop_params():
    url = "http://a.gov.vn/ChiTiet.aspx?nid=13&title=abc.html&utm=1#x"
    assert discovery.canonical_url(url, ["utm"]) == discovery.canonical_url(url, ("utm",)) \
        == "http://a.gov.vn/ChiTiet.aspx?nid=13"
    assert discovery.canonical_url(url) == "http://a.gov.vn/ChiTiet.aspx?nid=13&utm=1"


def test_chrome_memo_gives_the_same_answers():
    root = lxml_html.fromstring(
        "<html><body><div class='sidebar'><ul><li><a href='/a'>a</a></li><li><a href='/b'>b</a></li></ul></div>"
        "<div class='main'><ul><li><a href='/c'>c</a></li><li><nav><a href='/d'>d</a></nav></li></ul></div>"
        "</body></html>")
    memo: dict = {}
    anchors = list(root.iter("a"))
    assert [discovery._in_chrome(a, memo) for a in anchors] == [discovery._in_chrome(a) for a in anchors] \
        == [True, True, False, True]
    assert [discovery._in_chrome(a, memo) for a in reversed(anchors)] == [True, False, True, True]
