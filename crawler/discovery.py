"""Generic page and link heuristics for crawling a portal nobody has written a config for.

Pure functions over an lxml tree (a Scrapy response's `selector.root`): which links lead to news
sections, which links page through a listing, which links may be articles, and whether a fetched
page *is* an article (one long main text block with a date line, not a list of titled links).

The vocabulary below is generic Vietnamese-portal vocabulary (menu labels, pager labels, URL
shapes common to the CMS families in shared/research/portals.md §1), not knowledge of one site.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urldefrag, urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

# -- vocabulary -------------------------------------------------------------------------------------
# Menu labels / URL words of news sections (compared after folding: no diacritics, lower case).
NEWS_LABELS = ("tin tuc", "tin tuc su kien", "tin hoat dong", "hoat dong", "cai cach hanh chinh",
               "su kien", "thong tin", "tin cchc", "cchc", "tin tong hop", "tin noi vu", "news")
NEWS_URL_WORDS = re.compile(
    r"tin-?tuc|tintuc|news|chuyenmuc|chuyen-muc|cai-cach-hanh-chinh|caicachhanhchinh|cchc|"
    r"hoat-dong|su-kien|groupnews|category|danh-muc|[?&](cat|catid|cn|chuyenmucid)=", re.I)
# Sections that are never news, whatever their URL says (folded labels).
NOT_NEWS_LABELS = ("lien he", "gioi thieu", "so do", "van ban", "thu tuc", "dich vu cong", "hoi dap",
                   "gop y", "dang nhap", "tim kiem", "lich cong tac", "danh ba", "co cau", "chuc nang",
                   "video", "hinh anh", "thu vien", "rss", "english", "site map", "sitemap")
NEXT_LABELS = ("trang sau", "sau", "tiep", "tiep theo", "›", "»", ">", ">>", "next", "trang tiep")
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
MAX_TITLE_LINKS_IN_BODY = 4
MIN_LISTING_ITEMS = 3
_CHROME = re.compile(r"(^|[\s_-])(menu|nav|navbar|footer|header|sidebar|side-bar|breadcrumb|banner|"
                     r"top-?bar|other-?news|related|tinkhac|tin-khac|comment|binh-luan)($|[\s_-])", re.I)
_BLOCK_TAGS = {"div", "article", "section", "td", "main", "body", "form", "center", "span", "font"}
_PROSE_TAGS = {"p", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "span", "font", "strong", "b",
               "em", "i", "u"}
_BLOCKISH = {"div", "p", "table", "ul", "ol", "section", "article", "h1", "h2", "h3", "h4", "li"}


def fold(text: str) -> str:
    """Lower case, no diacritics, đ→d, blanks collapsed (for label matching)."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def clean_url(url: str) -> str:
    """`url` without its #fragment."""
    return urldefrag(url)[0]


_ID_PARAM = re.compile(r"^(nid|id|itemid|newsid|news_id|articleid|contentid|postid|tc)$", re.I)
_SLUG_VALUE = re.compile(r"^[A-Za-z0-9\-_.%]+\.html?$")


def canonical_url(url: str, drop_params: tuple[str, ...] | list[str] = ()) -> str:
    """`url` without its fragment, without the query parameters named in `drop_params`, and without
    a decorative `title=<slug>.html` parameter next to an id parameter (a habit of SharePoint
    province portals, e.g. ChiTietTinTuc.aspx?nid=13066&title=<slug>.html)."""
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


def host_of(url: str) -> str:
    """Lower-case network location (host[:port]) of `url`."""
    return urlsplit(url).netloc.lower()


def is_asset(url: str) -> bool:
    """A file (PDF, office document, image, media, archive) rather than a web page."""
    return ASSET_EXT.search(urlsplit(url).path) is not None


def looks_like_article_url(url: str) -> bool:
    """Does the URL have the shape of an article page (numeric id, nid=, ItemID=, node/N …)?"""
    if is_asset(url):
        return False
    parts = urlsplit(url)
    return ARTICLE_URL.search(parts.path + ("?" + parts.query if parts.query else "")) is not None


def is_pager_url(url: str) -> bool:
    """Does the URL carry a page number (?page=, /page-N, _cur=, /currentpage/N …)?"""
    return PAGER_URL.search(url) is not None


@dataclass
class Link:
    """An absolute on-page link with its visible label."""

    url: str
    text: str
    node: object = field(repr=False, default=None)


def links(root, base_url: str) -> list[Link]:
    """Every http(s) link of the page, absolute, without fragments, in document order."""
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = clean_url(urljoin(base_url, href))
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = re.sub(r"\s+", " ", a.text_content() or "").strip() or (a.get("title") or "").strip()
        out.append(Link(url, text, a))
    return out


def _in_chrome(node) -> bool:
    """Is the node inside navigation/footer/related-news chrome (by tag, class or id)?"""
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("nav", "header", "footer", "aside"):
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _CHROME.search(attrs):
            return True
        node = node.getparent()
    return False


def news_section_links(root, base_url: str) -> list[str]:
    """Links (on the same host) that look like news sections: menu labels such as "Tin tức",
    "Cải cách hành chính", "Hoạt động", or URLs with tin-tuc/news/ChuyenMuc/cat=…"""
    host = host_of(base_url)
    found: list[str] = []
    for link in links(root, base_url):
        if host_of(link.url) != host or is_asset(link.url):
            continue
        label = fold(link.text)
        if any(bad in label for bad in NOT_NEWS_LABELS):
            continue
        by_label = bool(label) and len(label) <= 60 and any(
            label == w or label.startswith(w + " ") or label.endswith(" " + w) or f" {w} " in f" {label} "
            for w in NEWS_LABELS)
        url = canonical_url(link.url)
        if label.isdigit() or label in NEXT_LABELS:
            continue  # a pager link, not a menu entry
        by_url = (NEWS_URL_WORDS.search(urlsplit(url).path + "?" + urlsplit(url).query) is not None
                  and not looks_like_article_url(url)     # "Xem tiếp" under a news item is not a section
                  and not is_pager_url(url))
        short_label = len(label) <= 60  # a menu entry, not an article title
        if (by_label or (by_url and short_label)) and url not in found:
            found.append(url)
    return found


def pagination_links(root, page_url: str) -> list[str]:
    """Links to other pages of the same listing: "Trang sau", "Sau", "›", "»", "Tiếp", page digits
    (inside a pager or with a page parameter), and URLs with ?page=/?Page=/page-N/_cur=/currentpage/N."""
    host = host_of(page_url)
    base_path = urlsplit(page_url).path.rstrip("/")
    found: list[str] = []
    for link in links(root, page_url):
        if host_of(link.url) != host or is_asset(link.url) or link.url == page_url:
            continue
        label = fold(link.text)
        in_pager = _has_pager_ancestor(link.node)
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
        label = fold(a.text_content() or "")
        if (label.isdigit() and len(label) <= 4) or label in NEXT_LABELS or "page$" in m.group(2).lower():
            key = (label, m.group(1), m.group(2))
            if key not in out:
                out.append(key)
    return out


def _strip_pager(path: str) -> str:
    return re.sub(r"(/page-\d+|/currentpage/\d+|/page/\d+|/trang-\d+)$", "", path)


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


def item_links(root, page_url: str) -> list[str]:
    """Links on the same host that may be articles (article-shaped URLs, not files), in order."""
    host = host_of(page_url)
    found: list[str] = []
    for link in links(root, page_url):
        if host_of(link.url) != host or link.url == page_url:
            continue
        url = canonical_url(link.url)
        if looks_like_article_url(url) and not is_pager_url(url) and url not in found:
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


def _text_before(region, block) -> str:
    """Non-link text of `region` in document order, up to where `block` starts."""
    parts: list[str] = []

    def walk(n, in_link: bool) -> bool:
        if n is block:
            return True
        if not isinstance(n.tag, str) or n.tag in ("script", "style", "noscript"):
            return False
        if block not in n.iterdescendants() and (
                (n.tag in ("li", "tr") and n.find(".//a") is not None) or _in_chrome(n)):
            return False  # a dated list of links (sidebar "latest news", related lists) is no date line
        link = in_link or n.tag == "a"
        if n.text and not link:
            parts.append(n.text)
        for child in n:
            if walk(child, link):
                return True
            if child.tail and not link:
                parts.append(child.tail)
        return False

    walk(region, False)
    return " ".join(parts)


def _date_near(block) -> bool:
    """A date (d/m/yyyy, d-m-yyyy) in the main block's first or last 400 characters, or in the
    non-link text just before it (within its part of the page: up to 4 ancestors up)."""
    text = _text_wo_links(block)
    if DATE_RE.search(text[:400]) or DATE_RE.search(text[-400:]):
        return True
    region = block
    for _ in range(4):
        if region.getparent() is None:
            break
        region = region.getparent()
    before = re.sub(r"\s+", " ", _text_before(region, block))
    return DATE_RE.search(before[-600:]) is not None


def classify(body: bytes | str, url: str) -> PageVerdict:
    """Decide whether a fetched HTML page is an article, a listing or something else.

    Article: one long main text block (>= MIN_ARTICLE_TEXT characters of prose, few title links
    inside it) with a date line at its top, in its first/last lines or just before it.
    Listing: many title links (and no such block) pointing at article-shaped URLs."""
    if is_asset(url):
        return PageVerdict("other", reason="file")
    try:
        root = lxml_html.fromstring(body) if body else None
    except (ValueError, lxml_html.etree.ParserError):
        root = None
    if root is None:
        return PageVerdict("other", reason="not html")
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    items = item_links(root, url)
    block, n = main_block(root)
    in_body_links = _title_links(block) if block is not None else 0
    has_date = block is not None and _date_near(block)
    if block is not None and n >= MIN_ARTICLE_TEXT and in_body_links <= MAX_TITLE_LINKS_IN_BODY and has_date:
        return PageVerdict("article", n, True, len(items), "long dated main text")
    if len(items) >= MIN_LISTING_ITEMS:
        return PageVerdict("listing", n, has_date, len(items), f"{len(items)} article-shaped links")
    return PageVerdict("other", n, has_date, len(items), "no long dated text, few item links")


def query_param(url: str, name: str) -> str | None:
    """Value of query parameter `name` in `url` (case-insensitive name), or None."""
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if k.lower() == name.lower():
            return v
    return None
