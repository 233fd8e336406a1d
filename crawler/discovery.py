"""Generic page and link heuristics for crawling a portal nobody has written a config for.

Pure functions over an lxml tree (a Scrapy response's `selector.root`): which links lead to news
sections, which links page through a listing, which links may be articles, and whether a fetched
page *is* an article (one long main text block with a date line, not a list of titled links).

Article candidates are links with article-shaped URLs (`item_links`: numeric id, nid=, node/N …)
and, for portals whose article URLs say nothing (slug-only paths, WebSphere `!ut/p/z1/…` state
URLs, DNN ArticleView paths), links labelled like titles outside page chrome (`title_links`). The
URL never decides alone: `classify` looks at the fetched page (a date *line*, not a date inside a
prose sentence; no fill-in form; no "Giới thiệu"/"Liên hệ"-style heading for weakly dated text).

The vocabulary below is generic Vietnamese-portal vocabulary (menu labels, pager labels, URL
shapes common to the CMS families in shared/research/portals.md §1), not knowledge of one site.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import parse_qsl, quote, urldefrag, urljoin, urlsplit, urlunsplit

import yaml
from lxml import html as lxml_html

from extract import normalize

# -- vocabulary -------------------------------------------------------------------------------------
_VOCABULARY = yaml.safe_load((Path(__file__).parent / "discovery_vocabulary.yaml").read_text(encoding="utf-8"))
NEWS_LABELS = tuple(_VOCABULARY["news_labels"])
NEWS_URL_WORDS = re.compile(
    r"tin-?tuc|tintuc|news|chuyenmuc|chuyen-muc|cai-cach-hanh-chinh|caicachhanhchinh|cchc|"
    r"hoat-dong|su-kien|groupnews|category|danh-muc|[?&](cat|catid|cn|chuyenmucid)=", re.I)
NOT_NEWS_LABELS = tuple(_VOCABULARY["not_news_labels"])
ABOUT_HEADINGS = tuple(_VOCABULARY["about_headings"])
READ_MORE_LABELS = tuple(_VOCABULARY["read_more_labels"])
NEXT_LABELS = tuple(_VOCABULARY["next_labels"])
DOC_FIELD_LABELS = tuple(_VOCABULARY["document_field_labels"])
CITATION_WORDS = tuple(_VOCABULARY["citation_words"])
PAGER_URL = re.compile(r"([?&](page|Page|p|pg|trang|pageindex|PageIndex|_page|currentpage)=\d+)|"
                       r"(/page-\d+)|(_cur=\d+)|(/currentpage/\d+)|(/page/\d+)|(/trang-\d+)", re.I)
PAGER_CONTAINER = re.compile(r"pag|phantrang|phan-trang|pager|paging", re.I)
ARTICLE_URL = re.compile(
    r"(-\d{2,}(\.html?|\.aspx)?/?$)|(/\d{3,}(\.html?|\.aspx)?/?$)|([?&](nid|ItemID|newsid|news_id|tc|"
    r"articleid|ContentID|postid)=\d+)|([?&]id=\d+&type=news)|([?&]type=news&id=\d+)|(/node/\d+/?$)|"
    r"(/-/[^/?#]+/?$)|(/details?/\d+)", re.I)
ASSET_EXT = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|zip|rar|7z|jpe?g|png|gif|bmp|svg|webp|mp[34]|avi|"
                       r"wmv|flv|mov|exe|apk|css|js|ico|xml|rss)$", re.I)
DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*((?:19|20)\d{2})(?!\d)")
POSTBACK = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")

MIN_ARTICLE_TEXT = 400     # characters of prose in the main block
MIN_SHORT_ARTICLE = 250    # … or this many under a title line and a date line (a short news item)
MIN_TITLE_LABEL = 25       # characters of a link label that reads like an article title
MIN_TITLE_WORDS = 5
MAX_SECTION_LABEL = 40     # a menu label found by its URL alone is no longer than this
MAX_TITLE_LINKS_IN_BODY = 4
MIN_LISTING_ITEMS = 3
_CHROME = re.compile(r"(^|[\s_-])(menu|nav|navbar|footer|header|sidebar|side-bar|breadcrumb|banner|"
                     r"top-?bar|other-?news|related|tinkhac|tin-khac|comment|binh-luan)($|[\s_-])", re.I)
_BLOCK_TAGS = {"div", "article", "section", "td", "main", "body", "form", "center", "span", "font"}
_PROSE_TAGS = {"p", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "span", "font", "strong", "b",
               "em", "i", "u"}
_BLOCKISH = {"div", "p", "table", "ul", "ol", "section", "article", "h1", "h2", "h3", "h4", "li"}


# The URL and label helpers below are pure functions of their strings, and a site's pages repeat
# the same menus, sidebars and item links: the crawl process asks them the same questions over and
# over (an earlier profile put link discovery at a third of the reactor's CPU), so they are cached,
# bounded so that a long crawl does not grow them without limit.
_CACHE = 1 << 16
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=_CACHE)
def fold(text: str) -> str:
    """The search key of `extract.normalize.fold` (no diacritics, đ→d, lower case), with line
    breaks collapsed too, for matching menu and pager labels."""
    return _SPACES.sub(" ", normalize.fold(text)).strip()


@lru_cache(maxsize=_CACHE)
def clean_url(url: str) -> str:
    """`url` without its #fragment."""
    return urldefrag(url)[0]


_ID_PARAM = re.compile(r"^(nid|id|itemid|newsid|news_id|articleid|contentid|postid|tc)$", re.I)
_SLUG_VALUE = re.compile(r"^[A-Za-z0-9\-_.%]+\.html?$")


def canonical_url(url: str, drop_params: tuple[str, ...] | list[str] = ()) -> str:
    """`url` without its fragment, without the query parameters named in `drop_params`, and without
    a decorative `title=<slug>.html` parameter next to an id parameter (a habit of SharePoint
    province portals, e.g. ChiTietTinTuc.aspx?nid=13066&title=<slug>.html)."""
    return _canonical_url(url, tuple(drop_params) if drop_params else ())


@lru_cache(maxsize=_CACHE)
def _canonical_url(url: str, drop_params: tuple[str, ...]) -> str:
    url = clean_url(url)
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    drop = {p.lower() for p in drop_params}
    has_id = any(_ID_PARAM.match(k) and v.isdigit() for k, v in pairs)
    kept = [(k, v) for k, v in pairs
            if k.lower() not in drop and not (has_id and k.lower() == "title" and _SLUG_VALUE.match(v))]
    if len(kept) == len(pairs):
        return url
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in kept)
    return urlunsplit(parts._replace(query=query))


@lru_cache(maxsize=_CACHE)
def host_of(url: str) -> str:
    """Lower-case network location (host[:port]) of `url`."""
    return urlsplit(url).netloc.lower()


@lru_cache(maxsize=_CACHE)
def is_asset(url: str) -> bool:
    """A file (PDF, office document, image, media, archive) rather than a web page."""
    return ASSET_EXT.search(urlsplit(url).path) is not None


@lru_cache(maxsize=_CACHE)
def looks_like_article_url(url: str) -> bool:
    """Does the URL have the shape of an article page (numeric id, nid=, ItemID=, node/N …)?"""
    if is_asset(url):
        return False
    parts = urlsplit(url)
    return ARTICLE_URL.search(parts.path + ("?" + parts.query if parts.query else "")) is not None


@lru_cache(maxsize=_CACHE)
def is_pager_url(url: str) -> bool:
    """Does the URL carry a page number (?page=, /page-N, _cur=, /currentpage/N …)?"""
    return PAGER_URL.search(url) is not None


class Link:
    """An absolute on-page link with its visible label (`text`: read from the element when first
    asked, since most of a page's links are dismissed by their URL alone)."""

    __slots__ = ("url", "node", "_text")

    def __init__(self, url: str, text: str | None = None, node: object = None) -> None:
        self.url, self.node, self._text = url, node, text

    @property
    def text(self) -> str:
        """The link's visible text, white space collapsed, else its title attribute."""
        if self._text is None:
            a = self.node
            self._text = (_SPACES.sub(" ", a.text_content() or "").strip() or (a.get("title") or "").strip()
                          if a is not None else "")
        return self._text

    def __repr__(self) -> str:
        return f"Link(url={self.url!r}, text={self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and (self.url, self.text) == (other.url, other.text)


def links(root, base_url: str) -> list[Link]:
    """Every http(s) link of the page, absolute, without fragments, in document order."""
    out = []
    origin = _origin(base_url) or base_url
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        plan = _href_plan(href)
        if plan is None:
            continue
        # urljoin reads only the base's scheme and host for a base-free href: one cache entry
        # serves every page of the site
        url = _http_join(origin if plan[1] else base_url, plan[0])
        if url is not None:
            out.append(Link(url, None, a))
    return out


@lru_cache(maxsize=_CACHE)
def _href_plan(href: str) -> tuple[str, bool] | None:
    """(`href` stripped, whether it is base-free), or None for no link (empty, script, mail, phone,
    same-page anchor)."""
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    return href, _base_free(href)


def _base_free(href: str) -> bool:
    """Is `href` one whose urljoin takes only the scheme and host of its base: a root-relative path
    ("/x") or an absolute URL with a host, and no tab or line break (which urlsplit drops, so that
    "/\n/" would read as "//")?"""
    if "\t" in href or "\n" in href or "\r" in href:
        return False
    if href[:1] == "/":
        return href[1:2] != "/"
    n = 7 if href.startswith("http://") else 8 if href.startswith("https://") else 0
    return n > 0 and len(href) > n and href[n] not in "/?#\\"


@lru_cache(maxsize=1024)
def _origin(url: str) -> str | None:
    """scheme://host/ of an http(s) `url` (None for any other): what urljoin uses of a base for an
    absolute or root-relative href."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in ("http", "https") and parts.netloc else None


@lru_cache(maxsize=_CACHE)
def _http_join(base_url: str, href: str) -> str | None:
    """`href` made absolute against `base_url`, without its fragment; None unless http(s)."""
    url = clean_url(urljoin(base_url, href))
    return url if urlsplit(url).scheme in ("http", "https") else None


def absolute_url(base_url: str, href: str) -> str:
    """`urljoin(base_url, href)`, cached (one entry a site for root-relative and absolute hrefs)."""
    if _base_free(href):
        base_url = _origin(base_url) or base_url
    return _urljoin(base_url, href)


@lru_cache(maxsize=_CACHE)
def _urljoin(base_url: str, href: str) -> str:
    return urljoin(base_url, href)


def _in_chrome(node, memo: dict | None = None) -> bool:
    """Is the node inside navigation/footer/related-news chrome (by tag, class or id)? `memo`
    ({element: answer}, for one page) spares the links of one list walking the same ancestors."""
    walked = []
    answer = False
    while node is not None:
        if memo is not None and node in memo:
            answer = memo[node]
            break
        walked.append(node)
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("nav", "header", "footer", "aside"):
            answer = True
            break
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _CHROME.search(attrs):
            answer = True
            break
        node = node.getparent()
    if memo is not None:
        for seen in walked:  # each walked node is chrome iff the answer's node is, being below it
            memo[seen] = answer
    return answer


def news_section_links(root, base_url: str) -> list[str]:
    """Links (on the same host) that look like news sections: menu labels such as "Tin tức",
    "Cải cách hành chính", "Hoạt động", or URLs with tin-tuc/news/ChuyenMuc/cat=…"""
    host = host_of(base_url)
    found: list[str] = []
    titled = set(title_links(root, base_url))  # an article's own link is no section
    for link in links(root, base_url):
        if host_of(link.url) != host or is_asset(link.url):
            continue
        label = fold(link.text).strip(" .…»>")
        if any(bad in label for bad in NOT_NEWS_LABELS) or label in READ_MORE_LABELS:
            continue
        if canonical_url(link.url) in titled:
            continue
        by_label = bool(label) and len(label) <= 60 and any(
            label == w or label.startswith(w + " ") or label.endswith(" " + w) or f" {w} " in f" {label} "
            for w in NEWS_LABELS)
        url = canonical_url(link.url)
        if pager_label(link.text).isdigit() or label in NEXT_LABELS:
            continue  # a pager link, not a menu entry
        by_url = (NEWS_URL_WORDS.search(urlsplit(url).path + "?" + urlsplit(url).query) is not None
                  and not looks_like_article_url(url)     # "Xem tiếp" under a news item is not a section
                  and not is_pager_url(url))
        # a menu entry, not an article title (a slug-only article URL may well contain "tin-tuc")
        short_label = len(label) <= MAX_SECTION_LABEL and len(label.split()) <= 6
        if (by_label or (by_url and short_label)) and url not in found:
            found.append(url)
    return found


_PAGER_DECOR = " []{}()|·.:"


def pager_label(text: str) -> str:
    """A pager link's label, folded and without its decoration: "[2]", "(2)", "Trang 2" → "2"."""
    label = fold(text).strip(_PAGER_DECOR)
    m = re.fullmatch(r"trang\s*(\d{1,4})", label)
    return m.group(1) if m else label


def pagination_links(root, page_url: str) -> list[str]:
    """Links to other pages of the same listing: "Trang sau", "Sau", "›", "»", "Tiếp", page digits
    (inside a pager or with a page parameter), and URLs with ?page=/?Page=/page-N/_cur=/currentpage/N."""
    host = host_of(page_url)
    base_path = urlsplit(page_url).path.rstrip("/")
    found: list[str] = []
    for link in links(root, page_url):
        if host_of(link.url) != host or is_asset(link.url) or link.url == page_url:
            continue
        label = pager_label(link.text)
        in_pager = _has_pager_ancestor(link.node) or _in_digit_run(link.node)
        pager_url = is_pager_url(link.url)
        same_listing = urlsplit(link.url).path.rstrip("/").startswith(_strip_pager(base_path))
        ok = False
        if label in NEXT_LABELS or label.startswith("trang sau") or label.startswith("tiep"):
            ok = pager_url or in_pager or same_listing
        elif label.isdigit() and len(label) <= 4:
            ok = (pager_url and same_listing) or in_pager
        elif label in ("dau", "trang dau", "cuoi", "trang cuoi", "«", "‹", "<", "<<", "truoc", "trang truoc"):
            ok = pager_url or in_pager
        if ok and link.url not in found:
            found.append(link.url)
    return found


def postback_pages(root) -> list[tuple[str, str, str]]:
    """ASP.NET postback pager links: (label, __EVENTTARGET, __EVENTARGUMENT) for digits and "next"."""
    out = []
    for a in root.iter("a"):
        m = POSTBACK.search(a.get("href") or "")
        if not m:
            continue
        label = pager_label(a.text_content() or "")
        if (label.isdigit() and len(label) <= 4) or label in NEXT_LABELS or "page$" in m.group(2).lower():
            key = (label, m.group(1), m.group(2))
            if key not in out:
                out.append(key)
    return out


def _strip_pager(path: str) -> str:
    return re.sub(r"(/page-\d+|/currentpage/\d+|/page/\d+|/trang-\d+)$", "", path)


_CALENDAR = re.compile(r"calendar|lich|(^|[\s_-])cal($|[\s_-])", re.I)


def _digit_label(a) -> bool:
    text = pager_label(a.text_content() or "")
    return text.isdigit() and len(text) <= 4


def _in_digit_run(node, levels: int = 3) -> bool:
    """Is the link in an unlabelled pager: a container (up to `levels` up) whose links are mostly
    page numbers and "next"/"previous" labels, two or more of them numbers, and which is no calendar
    grid? (Opaque-URL portals such as WebSphere page through listings with plain "1 2 3 Trang sau"
    links whose URLs say nothing.)"""
    parent = node.getparent() if node is not None else None
    for _ in range(levels):
        if parent is None:
            return False
        attrs = f"{parent.get('class') or ''} {parent.get('id') or ''}"
        if parent.tag in ("table", "tbody", "tr", "body") or _CALENDAR.search(attrs):
            return False
        anchors = list(parent.iter("a"))
        digits = sum(1 for a in anchors if _digit_label(a))
        pagerish = digits + sum(1 for a in anchors if pager_label(a.text_content() or "").strip(" «»‹›<>") in _STEP_LABELS)
        if digits >= 2 and pagerish >= 0.8 * len(anchors):
            return True
        if len(anchors) > 1:
            return False  # a larger container that is not a pager
        parent = parent.getparent()
    return False


_STEP_LABELS = {"", "trang sau", "sau", "tiep", "tiep theo", "next", "trang tiep", "truoc", "trang truoc",
                "dau", "trang dau", "cuoi", "trang cuoi", "prev", "previous", "first", "last"}


def _has_pager_ancestor(node, levels: int = 4) -> bool:
    node = node.getparent() if node is not None else None
    for _ in range(levels):
        if node is None:
            return False
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if PAGER_CONTAINER.search(attrs):
            return True
        node = node.getparent()
    return False


def item_links(root, page_url: str, pattern: str | None = None) -> list[str]:
    """Links on the same host that may be articles (article-shaped URLs, not files), in order; with
    `pattern` (a site's known article URL regex), the links matching it instead."""
    host = host_of(page_url)
    found: list[str] = []
    shape = re.compile(pattern) if pattern else None
    for link in links(root, page_url):
        if host_of(link.url) != host or link.url == page_url:
            continue
        url = canonical_url(link.url)
        fits = (shape.search(url) is not None and not is_asset(url)) if shape else looks_like_article_url(url)
        if fits and not is_pager_url(url) and url not in found:
            found.append(url)
    return found


@lru_cache(maxsize=_CACHE)
def is_title_label(text: str) -> bool:
    """Does a link label read like an article title (long enough, several words, not a menu,
    pager or "read more" label)?"""
    label = fold(text)
    if len(label) < MIN_TITLE_LABEL or len(label) > 300 or len(label.split()) < MIN_TITLE_WORDS:
        return False
    if label in NEXT_LABELS or any(label == w or label.startswith(w + " ") for w in NOT_NEWS_LABELS):
        return False
    return True


def title_links(root, page_url: str) -> list[str]:
    """Links on the same host whose label reads like an article title, outside page chrome (menus,
    header, footer, sidebars, related lists), not files and not pager links, in order.

    On portals whose article URLs carry no id (slug-only paths, WebSphere state URLs, DNN
    ArticleView paths) these are the article candidates; `classify` decides from the fetched page."""
    host = host_of(page_url)
    found: list[str] = []
    for link in links(root, page_url):
        if host_of(link.url) != host or link.url == page_url or is_asset(link.url):
            continue
        url = canonical_url(link.url)
        if url in found or is_pager_url(url) or not is_title_label(link.text):
            continue
        if _in_chrome(link.node) or _has_pager_ancestor(link.node):
            continue
        found.append(url)
    return found


# -- page classification ----------------------------------------------------------------------------
@dataclass
class PageVerdict:
    """What a fetched page looks like."""

    kind: str                # "article" | "listing" | "other"
    text_len: int = 0        # prose characters in the main block
    has_date: bool = False   # a date line before or in the main block
    title_links: int = 0     # links with title-length labels outside chrome
    reason: str = ""


def _text_wo_links(node) -> str:
    """Text of `node` (and descendants) without the text inside <a> elements."""
    parts = []

    def walk(n, in_link: bool):
        if not isinstance(n.tag, str) or n.tag in ("script", "style", "noscript"):
            if n.tail and not in_link:
                parts.append(n.tail)
            return
        link = in_link or n.tag == "a"
        if n.text and not link:
            parts.append(n.text)
        for child in n:
            walk(child, link)
            if child.tail and not link:
                parts.append(child.tail)

    if isinstance(node.tag, str) and node.tag not in ("script", "style", "noscript"):
        if node.text and node.tag != "a":
            parts.append(node.text)
        for child in node:
            walk(child, node.tag == "a")
            if child.tail and node.tag != "a":
                parts.append(child.tail)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _own_prose(el) -> int:
    """Characters of prose directly in `el`: its text nodes and its paragraph-like children
    (children that hold no block-level descendants of their own)."""
    total = len((el.text or "").strip())
    for child in el:
        if not isinstance(child.tag, str):
            total += len((child.tail or "").strip())
            continue
        if child.tag in _PROSE_TAGS or (child.tag == "div" and not any(
                isinstance(d.tag, str) and d.tag in _BLOCKISH for d in child.iterdescendants())):
            total += len(_text_wo_links(child))
        total += len((child.tail or "").strip())
    return total


def _title_links(node) -> int:
    return sum(1 for a in node.iter("a") if len(re.sub(r"\s+", " ", a.text_content() or "").strip()) >= 25)


def main_block(root):
    """The element holding the most prose directly (the article body candidate), or None."""
    best, best_len = None, 0
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in _BLOCK_TAGS:
            continue
        n = _own_prose(el)
        if n > best_len and not _in_chrome(el):
            best, best_len = el, n
    return best, best_len


_LINE_TAGS = {"div", "p", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table",
              "ul", "ol", "section", "article", "header", "footer", "time", "dd", "dt", "blockquote"}
DATE_WORDS_RE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(19|20)\d{2}|"
                           r"(?<!\d)\d{1,2}\s+tháng\s+\d{1,2},?\s+(19|20)\d{2}|"
                           r"(?<!\d)(19|20)\d{2}-\d{2}-\d{2}(?!\d)", re.I)
DATE_LINE_MAX = 100        # a date line is short; a date inside a prose sentence is no date line


def _lines(region, stop=None) -> tuple[list[str], bool]:
    """Non-link text lines of `region` in document order (a break at every block element), up to
    where `stop` starts; `<time datetime>` elements give their machine-readable value. Dated lists
    of links (sidebar "latest news", related lists) and chrome are skipped unless they hold `stop`.
    Returns (lines, whether `stop` was reached)."""
    parts: list[str] = []

    def walk(n, in_link: bool) -> bool:
        if n is stop:
            return True
        if not isinstance(n.tag, str) or n.tag in ("script", "style", "noscript"):
            return False
        if stop is not None and stop not in n.iterdescendants() and (
                (n.tag in ("li", "tr") and n.find(".//a") is not None) or _in_chrome(n)):
            return False  # a dated list of links is no date line
        block = n.tag in _LINE_TAGS
        if block:
            parts.append("\n")
        if n.tag == "time" and n.get("datetime"):
            parts.append(" " + n.get("datetime") + " ")
        link = in_link or n.tag == "a"
        if n.text and not link:
            parts.append(n.text)
        for child in n:
            if walk(child, link):
                return True
            if child.tail and not link:
                parts.append(child.tail)
        if block:
            parts.append("\n")
        return False

    reached = walk(region, False)
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in "".join(parts).split("\n")]
    return [ln for ln in lines if re.search(r"\w", ln)], reached


def is_date_line(line: str) -> bool:
    """A short line carrying a date (d/m/yyyy, d-m-yyyy, ISO, "ngày d tháng m năm yyyy")."""
    return len(line) <= DATE_LINE_MAX and (DATE_RE.search(line) is not None
                                           or DATE_WORDS_RE.search(line) is not None)


def _date_near(block) -> bool:
    """A date line among the main block's first or last three lines, or among the last lines of
    text just before it (within its part of the page: up to 4 ancestors up). A date inside a prose
    sentence ("thành lập theo Quyết định … ngày 20/5/2008") is not a date line."""
    inside, _ = _lines(block)
    if any(is_date_line(ln) for ln in inside[:3] + inside[-3:]):
        return True
    return any(is_date_line(ln) for ln in _lines_before(block)[-6:])


def _lines_before(block, levels: int = 4) -> list[str]:
    """Lines of text just before `block` within its part of the page (up to `levels` ancestors up)."""
    region = block
    for _ in range(levels):
        if region.getparent() is None:
            break
        region = region.getparent()
    before, _ = _lines(region, stop=block)
    return before


_CITATION = re.compile(r"(\b(" + "|".join(re.escape(w) for w in CITATION_WORDS) + r")\b[^.;]{0,60}|"
                       r"\d+/[a-z0-9đ]+(-[a-z0-9đ]+)*\s*,?\s*)ngay\s*$")


def _news_dates(text: str) -> bool:
    """Is there a date in `text` that is not a cited document's date ("Quyết định số 112/QĐ-UB
    ngày 20/01/1997" dates the decision, not the news)?"""
    for m in DATE_RE.finditer(text):
        before = fold(text[max(0, m.start() - 90):m.start()])
        if not _CITATION.search(before):
            return True
    return False


def _prose_date(block, lead: str = "") -> bool:
    """A date in the first or last 400 characters of the text (the lead, then the main block) that
    no cited document owns (weaker than a date line: an article whose CMS shows no date line
    usually dates its first sentence: "Sáng ngày 27/5/2021", "Trong hai ngày 28 và 29/6/2024")."""
    text = (lead + " " + _text_wo_links(block)).strip()
    return _news_dates(text[:400]) or _news_dates(text[-400:])


def _non_news_heading(root, block, site_title: str | None = None) -> bool:
    """Is the page headed as a non-news page ("Giới thiệu", "Cơ cấu tổ chức", "Liên hệ", "Văn bản"
    …): its <title> (unless it is the site's own repeated title) or one of the short lines just
    before the main block starts with such a label?"""
    title = page_title(root)
    heads = [] if site_title and fold(title) == fold(site_title) else [re.split(r"\s+[|–-]\s+", title)[0]]
    heads += [ln for ln in _lines_before(block)[-6:] if len(ln) <= 80]
    for head in heads:
        label = fold(head)
        if any(label == w or label.startswith(w + " ") for w in NOT_NEWS_LABELS + ABOUT_HEADINGS):
            return True
    return False


def _has_form_fields(block) -> bool:
    """Does the block hold a fill-in form (a textarea, or two or more text inputs)? A contact or
    feedback page, not news."""
    if block.find(".//textarea") is not None:
        return True
    texts = [i for i in block.iter("input") if (i.get("type") or "text").lower() in ("text", "email", "tel")]
    return len(texts) >= 2


# -- robust parsing ---------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")


def parse_page(body: bytes | str | None):
    """The lxml document root of an HTML page given as bytes or text, or None when there is nothing
    to parse. Never raises: control characters, lone surrogates, an XML declaration inside a str,
    bytes in an undeclared encoding all give a tree or None."""
    if not body:
        return None
    try:
        if isinstance(body, (bytes, bytearray)):
            try:
                text = bytes(body).decode("utf-8")
            except UnicodeDecodeError:  # not UTF-8: let lxml read the declared charset
                return lxml_html.document_fromstring(bytes(body).replace(b"\x00", b" "))
        else:
            text = str(body)
        text = _CONTROL.sub(" ", text)
        if not text.strip():
            return None
        return lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=_UTF8_PARSER)
    except Exception:  # lxml raises a handful of types on hostile input; none may stop a crawl
        return None


# -- listing items ----------------------------------------------------------------------------------
@dataclass
class Cluster:
    """Item links that sit in one list container (a listing's items, or a related/most-read list)."""

    container: object = field(repr=False)
    urls: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)   # url -> most title-like label
    items: dict[str, object] = field(default_factory=dict, repr=False)  # url -> its item element


def best_label(labels: Iterable[str]) -> str:
    """Of the labels of the links to one URL (image link, title link, "Xem thêm"), the one that
    reads most like a title: a title-like label first, then the longest that is no read-more label."""
    labels = [re.sub(r"\s+", " ", t).strip() for t in labels if t and t.strip()]
    titled = [t for t in labels if is_title_label(t)]
    if titled:
        return max(titled, key=len)
    plain = [t for t in labels if fold(t).strip(" .…»>") not in READ_MORE_LABELS]
    return max(plain, key=len) if plain else ""


def link_labels(root, page_url: str) -> dict[str, str]:
    """{canonical URL: the most title-like label of its links on the page}."""
    seen: dict[str, list[str]] = {}
    for link in links(root, page_url):
        seen.setdefault(canonical_url(link.url), []).append(link.text)
    return {url: best_label(texts) for url, texts in seen.items()}


def _item_candidates(root, page_url: str) -> list[tuple[Link, str]]:
    """(link, canonical URL) of links that may be listing items: same host, no file, no pager, not
    the page itself, article-shaped or labelled like a title, and outside chrome."""
    host = host_of(page_url)
    own = canonical_url(page_url)
    out = []
    chrome: dict = {}
    for link in links(root, page_url):
        if host_of(link.url) != host or is_asset(link.url):
            continue
        url = canonical_url(link.url)
        if url == own or is_pager_url(url):
            continue
        if not (looks_like_article_url(url) or is_title_label(link.text)):
            continue
        if _in_chrome(link.node, chrome) or _has_pager_ancestor(link.node):
            continue
        out.append((link, url))
    return out


MIN_TEASER = 40   # characters of non-link text that make an item a teaser (title + summary)


def teaser_count(cluster: Cluster) -> int:
    """How many of the cluster's items carry a summary beside their link (a listing's teasers;
    menus, sidebars and related lists are bare links)."""
    return sum(1 for item in cluster.items.values()
               if isinstance(getattr(item, "tag", None), str) and item.tag != "a"
               and len(_text_wo_links(item)) >= MIN_TEASER)


def is_site_wide(urls: list[str], site_lists) -> bool:
    """Is this list one of the site's repeated lists (the same links on most pages: a sidebar)?"""
    here = set(urls)
    for other in site_lists or ():
        if len(here & other) >= 0.6 * len(here | other):
            return True
    return False


def item_clusters(root, page_url: str, site_lists=None) -> list[Cluster]:
    """Candidate item links grouped by their list container, main list first.

    A link's item is its highest ancestor that holds no other candidate URL (an <li>, a <tr>, a
    teaser <div>, or the <a> itself in a flat list); the item's parent is the container. Several
    links to one URL (picture, title, "Xem thêm") count once. Lists repeated across the site
    (`site_lists`: URL sets seen on most of its pages, see `SiteLists`) are chrome and left out.
    Lists of teasers rank before bare link lists, then larger lists before smaller."""
    groups, order = _item_groups(root, page_url)
    clusters = [groups[k] for k in order if not (site_lists and is_site_wide(groups[k].urls, site_lists))]
    for cluster in clusters:
        cluster.labels = {u: best_label(ts) for u, ts in cluster.labels.items()}  # type: ignore[arg-type]
    clusters.sort(key=lambda c: (teaser_count(c) * 2 >= len(c.urls) >= 2, len(c.urls),
                                 sum(len(t) for t in c.labels.values())), reverse=True)
    return clusters


def _item_groups(root, page_url: str) -> tuple[dict[object, Cluster], list[object]]:
    """The candidate item links grouped by container ({container: Cluster with its labels as lists
    of link texts}, and the containers in document order): `item_clusters` before ranking."""
    candidates = _item_candidates(root, page_url)
    under: dict[object, set[str]] = {}
    for link, url in candidates:
        node = link.node
        while node is not None:
            under.setdefault(node, set()).add(url)
            node = node.getparent()
    groups: dict[object, Cluster] = {}
    order: list[object] = []
    for link, url in candidates:
        item, parent = link.node, link.node.getparent()
        while parent is not None and under.get(parent) == {url}:
            item, parent = parent, parent.getparent()
        key = parent if parent is not None else item
        if key not in groups:
            groups[key] = Cluster(key)
            order.append(key)
        cluster = groups[key]
        if url not in cluster.urls:
            cluster.urls.append(url)
            cluster.items[url] = item
        cluster.labels.setdefault(url, [])  # type: ignore[arg-type]
        cluster.labels[url].append(link.text)  # type: ignore[union-attr]
    return groups, order


class SiteLists:
    """The link lists seen across one site's pages. A list (its set of item URLs) found on at least
    half of the pages, and on three or more, is the site's chrome (a sidebar column, a "most read"
    box, a menu of long labels), however its container is named."""

    MIN_PAGES = 3

    def __init__(self) -> None:
        self.pages = 0
        self.counts: dict[frozenset, int] = {}

    def add(self, root, page_url: str) -> None:
        """Count the lists of one page."""
        self.pages += 1
        try:  # the lists as `item_clusters` finds them; their order and labels do not matter here
            groups, _order = _item_groups(root, page_url)
        except Exception:  # a page that cannot be read adds no list
            return
        for sig in {frozenset(c.urls) for c in groups.values() if len(c.urls) >= MIN_LISTING_ITEMS}:
            self.counts[sig] = self.counts.get(sig, 0) + 1

    def repeated(self) -> set[frozenset]:
        """The URL sets of the site's repeated lists so far."""
        need = max(self.MIN_PAGES, (self.pages + 1) // 2)
        return {sig for sig, n in self.counts.items() if n >= need}


def listing_items(root, page_url: str, min_items: int = MIN_LISTING_ITEMS, site_lists=None) -> Cluster | None:
    """The page's main list of items (its first cluster, with a lone featured item in a wrapper
    just above it), or None when no cluster has `min_items` items. Related-news, "most read"
    and menu lists elsewhere on the page, and the site's repeated lists, are not part of it."""
    clusters = item_clusters(root, page_url, site_lists)
    if not clusters or len(clusters[0].urls) < min_items:
        return None
    main = clusters[0]
    ancestors = set()
    node = main.container.getparent() if main.container is not None else None
    for _ in range(3):
        if node is None:
            break
        ancestors.add(node)
        node = node.getparent()
    for other in clusters[1:]:
        if other.container in ancestors and len(other.urls) <= 2:  # a featured first item
            for url in other.urls:
                if url not in main.urls:
                    main.urls.insert(0, url)
                    main.labels[url] = other.labels[url]
                    main.items[url] = other.items[url]
    return main


_SEG_NUM = re.compile(r"\d")


def url_shape(url: str) -> str:
    """The shape of a URL, for comparing sibling items: path segments kept literally except the
    last and any holding digits (a class letter: N digits, S slug), query keys kept and their
    values classed. /tin-tuc/hoi-nghi-12.html and /tin-tuc/tap-huan-15.html share a shape."""
    parts = urlsplit(url)
    segs = parts.path.split("/")
    shaped = []
    for i, seg in enumerate(segs):
        stem, dot, ext = seg.rpartition(".") if "." in seg else (seg, "", "")
        if i == len(segs) - 1 or _SEG_NUM.search(seg):
            cls = "N" if stem.isdigit() else ("S-N" if re.search(r"-\d+$", stem) else ("S" if stem else ""))
            shaped.append(cls + (dot + ext.lower() if dot else ""))
        else:
            shaped.append(seg.lower())
    query = sorted((k.lower(), "N" if v.isdigit() else "S") for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return "/".join(shaped) + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def shares_shape(url: str, siblings: Iterable[str]) -> bool:
    """Does `url` have the shape of at least one other item of its list (or is it alone)?"""
    others = [u for u in siblings if u != url]
    if not others:
        return True
    shape = url_shape(url)
    return any(url_shape(u) == shape for u in others)


# -- site title -------------------------------------------------------------------------------------
_TITLE_SEP = re.compile(r"\s+[|–—:-]+\s+|\s*::\s*|\s*»\s*")


class SiteTitles:
    """The `<title>` texts seen across one site's pages. A title (or a `|`/` - `-separated part of
    one) seen on most pages is the site's name, not any page's title."""

    def __init__(self) -> None:
        self.pages = 0
        self.counts: dict[str, int] = {}
        self.display: dict[str, str] = {}

    def add(self, title: str | None) -> None:
        """Count one page's `<title>` (None or empty for a page without one)."""
        self.pages += 1
        title = re.sub(r"\s+", " ", title or "").strip()
        if not title:
            return
        parts = {title} | {p.strip() for p in _TITLE_SEP.split(title) if p.strip()}
        for part in parts:
            key = fold(part)
            if key:
                self.counts[key] = self.counts.get(key, 0) + 1
                self.display.setdefault(key, part)

    def site_title(self) -> str | None:
        """The title (part) seen on at least half of the pages counted (and on two or more), the
        longest if several are; None while no title repeats that often."""
        need = max(2, (self.pages + 1) // 2)
        common = [k for k, n in self.counts.items() if n >= need]
        if not common:
            return None
        return self.display[max(common, key=lambda k: (self.counts[k], len(k)))]


def page_title(root) -> str:
    """The page's `<title>` text ("" when it has none)."""
    if root is None:
        return ""
    try:
        return re.sub(r"\s+", " ", root.findtext(".//title") or "").strip()
    except Exception:
        return ""


# -- page classification ----------------------------------------------------------------------------
_LOGIN = re.compile(r"dang nhap|mat khau|login|password", re.I)
DOMINANT_SHARE = 0.6       # one run of prose holds this share of the main block's prose


_LINK_BLOCKS = {"p", "div", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                "article", "header", "blockquote", "tr"}


def _standalone(a, stop) -> bool:
    """Does the link stand alone (a listing item's title), rather than sit inside a paragraph of
    prose (an inline link in an article)? Inline links live in <p>s that hold more than them."""
    node = a.getparent()
    while node is not None and node is not stop and (not isinstance(node.tag, str) or node.tag not in _LINK_BLOCKS):
        node = node.getparent()
    if node is None or node.tag not in ("p", "blockquote", "dd"):  # items put titles in li, div, h3, td …
        return True
    return len(_text_wo_links(node)) <= 20


def _prose_runs(block) -> tuple[list[int], int]:
    """Characters of text in `block` between consecutive stand-alone title-length links (runs), and
    how many such links split them. A listing's teasers make many short runs; an article is one
    dominant run, whatever related list follows it; a link inside a sentence splits nothing."""
    runs = [0]
    splits = 0

    def walk(n) -> None:
        nonlocal splits
        if not isinstance(n.tag, str) or n.tag in ("script", "style", "noscript"):
            return
        if n.tag == "a":
            label = re.sub(r"\s+", " ", n.text_content() or "").strip()
            if len(label) >= MIN_TITLE_LABEL and _standalone(n, block):
                runs.append(0)
                splits += 1
            else:
                runs[-1] += len(label) if len(label) >= MIN_TITLE_LABEL else 0
            return
        runs[-1] += len((n.text or "").strip())
        for child in n:
            walk(child)
            runs[-1] += len((child.tail or "").strip())

    walk(block)
    return runs, splits


def _headed_and_dated(block) -> bool:
    """Does the text open like a news item: a title-like line (not a link) and a date line among
    the last lines before the block or its first lines?"""
    inside, _ = _lines(block)
    head = _lines_before(block)[-4:] + inside[:3]
    return any(is_date_line(ln) for ln in head) and any(is_title_label(ln) and not is_date_line(ln)
                                                           and len(ln) <= 200 for ln in head)


def _dominant_text(block, own_prose: int, lead: int = 0, minimum: int = MIN_ARTICLE_TEXT) -> bool:
    """Is the block one long text rather than a run of teasers? One run of prose (with the lead
    that precedes the block, `lead` characters) of at least MIN_ARTICLE_TEXT characters that holds
    DOMINANT_SHARE of the block's prose (or the block is split by at most one title-length link)."""
    runs, splits = _prose_runs(block)
    biggest, total = max(runs), sum(runs)
    if max(own_prose, biggest) + lead < minimum or biggest + lead < minimum * 0.75:
        return False  # (own prose misses paragraphs nested one block deeper; the run counts them)
    return splits <= 1 or biggest >= DOMINANT_SHARE * total


def _lead_lines(block) -> list[str]:
    """The article's lead when it sits in a block of its own just before the main block (a
    "sapo"): the long prose lines right before it, back to the first short or date line."""
    lead: list[str] = []
    for line in reversed(_lines_before(block)[-3:]):
        if len(line) < 80 or is_date_line(line) or line.endswith(("...", "…")):  # a cut teaser is no lead
            break
        lead.insert(0, line)
    return lead


def _is_teaser(block, cluster: Cluster) -> bool:
    """Is the main block part of the page's item list (a long teaser) rather than an article? It is
    when it lies inside the list's container and that container's prose is many short runs split by
    the items' title links, not one dominant text followed by a related list."""
    container = cluster.container
    if container is None or not (block is container or container in block.iterancestors()):
        return False
    runs, splits = _prose_runs(container)
    return splits > 1 and max(runs) < DOMINANT_SHARE * sum(runs)


def _is_document_page(root) -> bool:
    """Does the page show a legal document's record (two or more of "Số ký hiệu", "Ngày ban hành",
    "Trích yếu", "Người ký" … as short lines or cells)? A document entry, not news."""
    found = set()
    lines, _ = _lines(root.find("body") if root.find("body") is not None else root)
    for line in lines:
        if len(line) > 60:
            continue
        label = fold(line)
        for w in DOC_FIELD_LABELS:
            if label == w or label.startswith(w + " ") or label.startswith(w + ":"):
                found.add(w)
    return len(found) >= 2


def _is_login(block) -> bool:
    return any((i.get("type") or "").lower() == "password" for i in block.iter("input"))


def _label_on_page(root, block, label: str) -> bool:
    """Is the link label that led here written on the page itself (outside links), as its title
    would be? A label cut short on the listing ("…") must match the page's title up to the cut."""
    key = fold(label).rstrip(" .…").strip()
    if len(key) < MIN_TITLE_LABEL:
        return False
    key = key[:80]
    title = fold(page_title(root))
    if key in title:
        return True
    body = root.find("body")
    return key in fold(_text_wo_links(body if body is not None else root))


def _context(context) -> dict:
    if not isinstance(context, dict):
        return {}
    return context


def classify(body: bytes | str, url: str, context: dict | None = None) -> PageVerdict:
    """Decide whether a fetched HTML page is an article, a listing or something else.

    Article: one long main text (>= MIN_ARTICLE_TEXT characters of prose in one dominant run, not a
    teaser of the page's item list, no fill-in form, no password field, no document record) with a
    short date line (or `<time datetime>`) among its first/last lines or just before it; failing
    that, under a heading that is no "Giới thiệu"/"Liên hệ"-style label: a date in its first/last
    400 characters, or what the crawl knew (`context`): the page was reached as an item of a listing
    (`from_listing`) whose URL shape it shares (`shared_shape`, default true), through a link whose
    title-like label (`link_text`) is written on the page.
    Listing: no such text, and a list of MIN_LISTING_ITEMS or more item links (two will do when
    they are teasers: title and summary) outside chrome (menus, footers, related and most-read
    lists, and the lists the site repeats on most pages, `site_lists`); a long first teaser does not
    make an article.
    Never raises: unparseable input is "other"."""
    try:
        return _classify(body, url, _context(context))
    except Exception as exc:  # hostile markup must not stop a crawl
        return PageVerdict("other", reason=f"unclassifiable page ({type(exc).__name__})")


def _classify(body: bytes | str, url: str, ctx: dict) -> PageVerdict:
    if is_asset(url or ""):
        return PageVerdict("other", reason="file")
    root = parse_page(body)
    if root is None:
        return PageVerdict("other", reason="not html")
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    block, n = main_block(root)
    cluster = listing_items(root, url, min_items=2, site_lists=ctx.get("site_lists"))
    n_items = len(cluster.urls) if cluster is not None else 0
    teasers = cluster is not None and teaser_count(cluster) * 2 >= n_items
    if cluster is not None and n_items < MIN_LISTING_ITEMS and not teasers:
        cluster, n_items = None, 0  # two bare links are no list
    teaser = block is not None and any(_is_teaser(block, c) for c in item_clusters(root, url, ctx.get("site_lists"))
                                       if len(c.urls) >= 2)
    lead = " ".join(_lead_lines(block)) if block is not None and not teaser else ""
    long_text = block is not None and not teaser and (
        _dominant_text(block, n, len(lead))
        or (_dominant_text(block, n, len(lead), MIN_SHORT_ARTICLE) and _headed_and_dated(block)))
    n += len(lead)
    has_date = block is not None and _date_near(block)
    if long_text:
        if _has_form_fields(block) or _is_login(block):
            return PageVerdict("other", n, has_date, n_items, "a form in the main block")
        if _is_document_page(root):
            return PageVerdict("other", n, has_date, n_items, "a document record")
        if has_date:
            return PageVerdict("article", n, True, n_items, "long dated main text")
        if not _non_news_heading(root, block, ctx.get("site_title")):
            if _prose_date(block, lead):
                return PageVerdict("article", n, True, n_items, "long text, dated first/last sentence")
            label = ctx.get("link_text") or ""
            if (ctx.get("from_listing") and ctx.get("shared_shape", True) and is_title_label(label)
                    and _label_on_page(root, block, label)):
                return PageVerdict("article", n, False, n_items,
                                   "long undated text reached as a listing item under its title")
        return PageVerdict("other", n, has_date, n_items, "long text, not news")
    if n_items >= MIN_LISTING_ITEMS or (teasers and n_items >= 2):
        why = f"{n_items} teasers" if teasers else f"{n_items} item links outside chrome"
        return PageVerdict("listing", n, has_date, n_items, why)
    return PageVerdict("other", n, has_date, n_items, "no long text, few item links")


def query_param(url: str, name: str) -> str | None:
    """Value of query parameter `name` in `url` (case-insensitive name), or None."""
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if k.lower() == name.lower():
            return v
    return None
