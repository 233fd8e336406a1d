"""From a page to its parts: title, publication date, byline and clean body text.

Two inputs:
- `parse_html`: a saved portal page. The body is found by a site selector when the site config
  gives one, else by known CMS containers (NukeViet, Liferay, SharePoint, Drupal …), else by
  paragraph density (the block holding most paragraph text with few links). Chrome (menus,
  counters, calendars, print bars, comment forms, related lists) is cut by markup and by text.
- `parse_text`: text as scraped (the seeds): the title near the top, sometimes after a section
  label, then maybe a date line, then the body, maybe followed by chrome.

The publication date comes only from a date line or date markup next to the title, never from
chrome (a calendar shows no d/m/yyyy date; listings of other news are cut before dates are read).
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass, field

import cssselect
import htmldate
import lxml.html
import trafilatura
from lxml import etree

from extract.bylines import byline_after, author_of_node, split_byline, top_byline
from extract.normalize import clean_text, nfc

# --- dates ------------------------------------------------------------------------------------
_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?![\d/])")
_DMY_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.I)
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})")
_TIME = re.compile(r"\b\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?\s*(?:AM|PM|SA|CH)?\b", re.I)
_DATE_LINE_WORDS = re.compile(
    r"(ngày\s+đăng|ngày\s+cập\s+nhật|cập\s+nhật(\s+ngày)?|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản|"
    r"xuất\s+bản|ngày\s+phát\s+hành|thời\s+gian\s+đăng|ngày|posted|published|updated|"
    r"thứ\s+(hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|cn|gmt\s*\+\s*7|lượt\s+xem|lượt\s+đọc|view\s+count|"
    r"views?|số\s+lần\s+xem|bình\s+luận|tác\s+giả|\d+)", re.I)
_MIN_YEAR = 1995


def parse_date_line(line: str) -> str | None:
    """The publication date in a date line ("Ngày đăng 19/04/2019 | 05:20", "Thứ năm, 30/05/2024
    11:24 (GMT+7)", "27/12/2013 14:00"), as ISO yyyy-mm-dd, or None."""
    line = nfc(line)
    for pattern, order in ((_DMY, "dmy"), (_DMY_WORDS, "dmy"), (_YMD, "ymd")):
        for m in pattern.finditer(line):
            a, b, c = (int(x) for x in m.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if _MIN_YEAR <= year <= dt.date.today().year + 1:
                return date.isoformat()
    return None


def is_date_line(line: str) -> bool:
    """True for a short line that is only a date (with time, weekday, cue words, view counter)."""
    if len(line) > 120 or parse_date_line(line) is None:
        return False
    rest = _DMY.sub(" ", line)
    rest = _DMY_WORDS.sub(" ", rest)
    rest = _TIME.sub(" ", rest)
    rest = _DATE_LINE_WORDS.sub(" ", rest)
    rest = re.sub(r"[\W_]+", "", rest)
    return len(rest) <= 12


# --- chrome and bylines -------------------------------------------------------------------------
# Lines that are page chrome wherever they appear.
_CHROME_LINE = re.compile(
    r"^(?:"
    r"lượt\s+xem\s*:?\s*[\d.]*|lượt\s+đọc\s*:?\s*[\d.]*|view\s+count\s*:?\s*[\d.]*|số\s+lần\s+xem.*|"
    r"cỡ\s+chữ\s*:?.*|in\s+bài\s+viết|in\s+trang|bản\s+in|gửi\s+email|gửi\s+bài\s+viết|chia\s+sẻ\s*:?.*|"
    r"share|tweet|like|facebook|zalo|email|print|lưu\s+bài\s+viết|"
    r"(tăng|giảm)\s+tương\s+phản|a\+?\s*a\s*a-|a-\s*a\s*a\+|"
    r"xem\s+tiếp\.*|xem\s+thêm\.*|chi\s+tiết\s*(»|>>)?|quay\s+lại|về\s+đầu\s+trang|trở\s+về|"
    r"đánh\s+giá\s+bài\s+viết.*|bình\s+chọn.*|từ\s+khóa\s*:?.*|từ\s+khoá\s*:?.*|tags?\s*:.*|"
    r"\d+\s*(lượt\s+xem|bình\s+luận)|bình\s+luận\s*\(?\d*\)?|"
    r"hôm\s+nay\s*:?\s*[\d.]+|đang\s+truy\s+cập\s*:?\s*[\d.]*|đã\s+truy\s+cập\s*:?\s*[\d.]*|"
    r"tổng\s+lượt\s+truy\s+cập\s*:?\s*[\d.]*|tháng\s+hiện\s+tại\s*:?\s*[\d.]*|"
    r"cn\s+t2\s+t3\s+t4\s+t5\s+t6\s+t7|t2\s+t3\s+t4\s+t5\s+t6\s+t7\s+cn|(\d{1,2}\s+){6}\d{1,2}|"
    r"tháng\s+\d{1,2}\s*,\s*\d{4}"
    r")$", re.I)
# Lines after which nothing belongs to the article: comment forms, related lists, widgets.
_CHROME_TAIL = re.compile(
    r"^(?:gửi\s+bình\s+luận|ý\s+kiến\s+bạn\s+đọc|bình\s+luận\s+của\s+bạn|viết\s+bình\s+luận|"
    r"thông\s+tin\s+người\s+gửi|phản\s+hồi\s*:?$|gửi\s+phản\s+hồi|các\s+tin\s+khác|tin\s+khác|"
    r"tin\s+liên\s+quan|bài\s+viết\s+liên\s+quan|(?:tin|bài\s+viết|tin\s+bài)\s+cùng\s+chuyên\s+mục|"
    r"(?:các\s+)?(?:bài\s+viết|tin\s+bài|bài)\s+khác|tin\s+đọc\s+nhiều|tin\s+mới\s+đăng|"
    r"(?:số\s+)?lượt\s+truy\s+cập|tin\s+mới\s+hơn|tin\s+cũ\s+hơn|"
    r"những\s+tin\s+mới\s+hơn|những\s+tin\s+cũ\s+hơn|theo\s+dòng\s+sự\s+kiện|tin\s+đã\s+đưa|"
    r"tin\s+nóng|tin\s+tiêu\s+điểm|tin\s+nổi\s+bật|tin\s+mới\s+nhất|tin\s+xem\s+nhiều|"
    r"tìm\s+kiếm\s+theo|tìm\s+kiếm\s*$|lịch\s+công\s+tác|website\s+liên\s+kết|liên\s+kết\s+website|"
    r"thống\s+kê\s+truy\s+cập|tháng\s+\d{1,2}\s*,\s*\d{4}$|cn\s+t2\s+t3|"
    r"đang\s+truy\s+cập|tổng\s+lượt\s+truy\s+cập|hôm\s+nay\s*:)", re.I)


# "Lịch công tác | Văn bản mới | Hỏi đáp", "Trang chủ > Tin tức > Cải cách hành chính": short items
# joined by bars or arrows are a menu or a breadcrumb, not prose.
_MENU_BAR = re.compile(r"^[^.!?;:]{1,40}(?:\s+[|>»/]\s+[^.!?;:|>»]{1,40}){2,}$")


def is_chrome_line(line: str) -> bool:
    """True for a line that is page chrome (counter, print bar, share bar, calendar row, menu bar,
    breadcrumb …)."""
    line = line.strip()
    return bool(_CHROME_LINE.match(line) or _MENU_BAR.match(line))


def cut_chrome(lines: list[str]) -> list[str]:
    """Drop chrome lines and everything from the first tail marker (comment form, related list …)."""
    out: list[str] = []
    for line in lines:
        if _CHROME_TAIL.match(line):
            break
        if not is_chrome_line(line):
            out.append(line)
    return out


@dataclass
class Page:
    """The parts of an article page."""

    title: str | None = None
    published_date: str | None = None
    author: str | None = None
    text: str = ""
    date_line: str | None = None
    credits: list[str] = field(default_factory=list)  # byline and source lines as written
    title_source: str | None = None  # selector, heading, link, head (<title>), meta (og:title)
    date_source: str | None = None  # selector, meta, markup, near-title, labelled, body, htmldate


# --- plain text (the seeds) ---------------------------------------------------------------------
_SECTION_LABELS = re.compile(
    r"^(tin\s+tức(\s*[-–]?\s*sự\s+kiện)?|tin\s+hoạt\s+động|hoạt\s+động(\s+của\s+sở)?|tin\s+tổng\s+hợp|"
    r"cải\s+cách\s+hành\s+chính|tin\s+cải\s+cách\s+hành\s+chính|thông\s+báo|tin\s+trong\s+tỉnh|"
    r"tin\s+trong\s+nước|trang\s+chủ.*|tin\s+tức\s+-\s+sự\s+kiện|sự\s+kiện|tin\s+nổi\s+bật|tin\s+mới)$",
    re.I)


def parse_text(text: str) -> Page:
    """Split scraped article text into title, date line, body and byline."""
    lines = [ln for ln in clean_text(text).split("\n")]
    nonblank = [i for i, ln in enumerate(lines) if ln]
    page = Page()
    if not nonblank:
        return page
    pos = 0
    first = lines[nonblank[0]]
    if _SECTION_LABELS.match(first) and len(nonblank) > 1:
        pos = 1
    page.title = lines[nonblank[pos]] if pos < len(nonblank) else None
    body_start = nonblank[pos] + 1 if pos < len(nonblank) else len(lines)
    # a date line (and maybe a press byline) sits within the next few lines
    head = [lines[j] for j in nonblank[pos + 1: pos + 4]]
    date_index = next((k for k, line in enumerate(head) if is_date_line(line)), None)
    byline_index, top_author = top_byline(head, date_index)
    for k in (date_index, byline_index):
        if k is not None:
            lines[nonblank[pos + 1 + k]] = ""
    if date_index is not None:
        page.date_line = head[date_index]
        page.published_date = parse_date_line(head[date_index])
    body_lines = cut_chrome([ln for ln in lines[body_start:] if ln])
    kept, page.author = split_byline(body_lines)
    page.credits = body_lines[len(kept):] + ([head[byline_index]] if byline_index is not None else [])
    body_lines, page.author = kept, page.author or top_author
    page.text = "\n\n".join(body_lines)
    return page


# --- HTML -----------------------------------------------------------------------------------------
# Known article containers of the portal CMS families (NukeViet, Liferay, VNPT/Viettel eGov …). Every match is weighed (most prose wins), so a short
# teaser carrying a known class cannot win over the article.
BODY_SELECTORS = (
    "#news-bodyhtml", ".journal-content-article", "#divArticleDescription2", "#show_content",
    "#divNewsDetails", "#contenttin", "div.textdetail", ".noidung", ".NewsContent", ".ArticleContent",
    ".chitiet", ".news_content", ".contentNews", ".news-detail-content",
)
# Containers every CMS uses: trafilatura knows them and weighs them against the rest of the page.
GENERIC_BODY_SELECTORS = (
    ".field--name-body", ".field-name-body", "[itemprop=articleBody]", ".news-content", ".content-detail",
    ".detail-content", ".article-content", ".article-body", ".post-content", ".entry-content",
)
# A lead (sapo) printed beside the body container rather than inside it.
LEAD_SELECTORS = (".asset-summary", ".hometext", ".sapo", ".news-sapo", ".lead", ".news-lead", ".article-lead", ".summary",
                  ".news-summary", ".tomtat", ".chapeau", ".article-summary", ".short-content")
TITLE_SELECTORS = (
    ".title-news h1", ".title-detail h1", "h1.title", "h1.news-title", ".news-title", "h1.page-title",
    "[itemprop=headline]", "#news_details h1", "h1.article-title", ".article-title", ".title_news", "h2.title",
)
DATE_SELECTORS = (
    "[itemprop=datePublished]", ".newsdetailmetatop", "time[datetime]", ".date_time", ".news-date",
    ".date", ".time", ".publish-date", ".post-date", ".ngay-dang", ".datetime", ".meta",
)
AUTHOR_SELECTORS = ("[itemprop=author]", ".author", ".tacgia", ".news-author", ".article-author")
_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(menu|nav|navbar|breadcrumbs?|sidebar|side-bar|footer|header|banner|advert|ads|share|"
    r"social|print|tool-?bar|rating|comments?|binh-?luan|related|other-?news|tin-?khac|tinkhac|tags?|"
    r"calendar|lich|counter|thong-?ke|statistic|visitors?|poll|search|login|weblink|lienket|"
    r"pagination|pager|portlet-title|modal|popup|cookie|font-?size|hotline)($|[\s_-])", re.I)
# Ancestors that make a heading page furniture, never the page's title ("header" is not among them:
# an article's own <header> holds its h1).
_TITLE_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(menu|nav|navbar|breadcrumbs?|sidebar|side-bar|footer|banner|advert|ads|share|social|"
    r"related|other-?news|tin-?khac|tinkhac|comments?|binh-?luan|widget|portlet-title|modal|popup|cookie|"
    r"calendar|poll|weblink|lienket|most-?read|hot-?news|top-?news|tin-?lien-?quan|tin-?moi|"
    r"doc-?nhieu|xem-?nhieu|copyright)($|[\s_-])", re.I)
_TITLE_CHROME_TAGS = frozenset({"footer", "nav", "aside", "a", "li"})
# A "title" class marks a heading-like block on portals whose article pages have no h1–h3.
_TITLE_CLASS = re.compile(r"title|tieu-?de|tieude|headline|subject|heading", re.I)
_HEADINGS = frozenset({"h1", "h2", "h3"})
_TITLE_BLOCK_TAGS = frozenset({"div", "p", "span", "td", "strong", "a"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption",
                         "figure", "table", "section", "article", "blockquote", "ul", "ol", "dd", "dt",
                         "caption", "center", "main", "header"})
_ALWAYS_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "canvas", "object",
                          "embed", "button", "select", "input", "textarea"})
_LANDMARKS = frozenset({"form", "nav", "header", "footer", "aside"})
_HTML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                                    default_doctype=False, huge_tree=True)
# Every element an HtmlElement, chosen in C: lxml.html's own lookup is a Python call per element
# proxy (half a million per 200 pages, ~6% of the page layer with trafilatura); the form/input
# subclasses it would pick are used neither here nor by trafilatura.
_HTML_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CSS = cssselect.HTMLTranslator()
_TITLE_SEPARATOR = re.compile(r"\s+[|–—»·:-]+\s+|\s*\|\s*")
_LINK_LABEL_NOISE = re.compile(r"^(xem\s+(tiếp|thêm|chi\s+tiết)|chi\s+tiết|đọc\s+tiếp|read\s+more|more|»|>>)\W*$", re.I)
_LABELLED_DATE = re.compile(
    r"ngày\s+đăng|ngày\s+cập\s+nhật|cập\s+nhật|đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản|thời\s+gian\s+đăng|"
    r"posted|published|publié|veröffentlicht|publicado", re.I)
_META_DATE_KEYS = ("article:published_time", "datepublished", "pubdate", "publishdate", "dc.date.issued",
                   "dc.date", "dcterms.created", "date", "og:published_time", "sailthru.date", "parsely-pub-date")
_META_TITLE_KEYS = ("og:title", "twitter:title", "dc.title")
_RECALL_RETRY_CHARS = 1000  # below this, trafilatura's full cascade (readability, justext) is tried too
# ... and only when the fast result holds under this share of the densest block's prose: on the 400
# peer-eval pages, retries above it won as often as they lost (+4/-4 snippets over 21 pages) and cost
# 2-4x a fast extraction each; below it they rescue clearly missed articles (+8/-4 over 7 pages).
_RECALL_RETRY_SHARE = 0.3
_TRAFILATURA_OPTIONS = dict(fast=True, include_comments=False, include_tables=True, include_images=False,
                            with_metadata=False, deduplicate=False, include_links=True)
_MIN_BODY = 150  # characters of prose a container needs before it beats trafilatura's own choice


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([\w-]+)", re.I)
_ANY_CHARSET = re.compile(rb"charset=[\"']?([\w-]+)", re.I)


def decode_html(html: str | bytes) -> str:
    """Bytes to text: the declared charset if any, else UTF-8 (bad bytes replaced)."""
    if isinstance(html, str):
        return html
    # a <meta> declaration wins over a charset attribute of a script tag printed before it
    m = _META_CHARSET.search(html[:32768]) or _ANY_CHARSET.search(html[:4096])
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return html.decode(encoding, errors="replace")
    except LookupError:
        return html.decode("utf-8", errors="replace")


@functools.lru_cache(maxsize=1024)
def _compiled(selector: str) -> etree.XPath | None:
    """A CSS selector compiled once to XPath; None for one that does not parse (site configs may err)."""
    try:
        return etree.XPath(_CSS.css_to_xpath(selector))
    except Exception:
        return None


_SELECTOR_KEYS = re.compile(r"#([\w-]+)|\.([\w-]+)|\[([\w-]+)")


@functools.lru_cache(maxsize=1024)
def _selector_needs(selector: str) -> tuple[tuple[frozenset, frozenset, frozenset], ...]:
    """For each comma-separated part of a selector, the ids, classes and attributes its compounds
    need: a page lacking one cannot match, and the XPath walk over the page is skipped. A part with
    a negation or a pseudo-class needs nothing (it is always evaluated)."""
    needs = []
    for part in selector.split(","):
        ids, classes, attrs = set(), set(), set()
        if ":" not in part:
            for m in _SELECTOR_KEYS.finditer(part):
                (ids if m.group(1) else classes if m.group(2) else attrs).add(m.group(1) or m.group(2) or m.group(3))
        needs.append((frozenset(ids), frozenset(classes), frozenset(attrs)))
    return tuple(needs)


class _Tokens:
    """What a page can match: an id, class or attribute name absent from its source text is absent
    from the page, so a selector needing it is never evaluated (a plain substring test, no walk over
    the tree). Also the elements that may hold the title: h1–h3, and blocks whose class or id
    mentions a title."""

    def __init__(self, root, source: str):
        self.source = source
        self.root = root
        self.class_id_values: str | None = None
        search = _TITLE_CLASS.search
        candidates = list(root.iter("h1", "h2", "h3"))
        for el in root.iter("div", "p", "span", "td", "strong", "a"):
            cls = el.get("class")
            if cls and search(cls):
                candidates.append(el)
                continue
            ident = el.get("id")
            if ident and search(ident):
                candidates.append(el)
        # document order (the parser's line numbers), for ties between equally scored candidates
        self.title_candidates = sorted(candidates, key=lambda el: el.sourceline or 0)

    def may_match(self, selector: str) -> bool:
        """False when no element of the page can match `selector`."""
        source = self.source
        values = self.class_id_values
        if values is None:
            # the page's class and id values on one line, collected by libxml2: a tenth of the
            # page's source to scan for a selector's class and id names
            values = self.class_id_values = " ".join(self.root.xpath("//@class|//@id", smart_strings=False))
        return any(all(name in values for name in (*ids, *classes)) and all(name in source for name in attrs)
                   for ids, classes, attrs in _selector_needs(selector))


_TOKENS = threading.local()  # the page being parsed in this thread: its tokens


def select(root, selector: str) -> list:
    """Elements under `root` matching a CSS selector, in document order ([] for a bad selector)."""
    tokens = getattr(_TOKENS, "page", None)
    if tokens is not None and tokens[0] is root.getroottree().getroot() and not tokens[1].may_match(selector):
        return []
    xpath = _compiled(selector)
    if xpath is None:
        return []
    try:
        return [el for el in xpath(root) if isinstance(el.tag, str)]
    except Exception:
        return []


def _attrs(el) -> str:
    return (el.get("class") or "") + " " + (el.get("id") or "")


def _line(el) -> str:
    """The text of an element on one line (blanks collapsed)."""
    return " ".join(el.text_content().split())


def _parse_tree(text: str):
    """One lxml tree for the page (None for an empty or unparsable one)."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    # Scripts (except JSON data, which trafilatura and htmldate read), styles and inline SVG carry no
    # text and every consumer deletes them: removed once here, so that no pass over the tree (nor
    # trafilatura's copies of it) pays for them again.
    for script in root.iter("script"):
        if "json" not in (script.get("type") or ""):
            script.tag = "style"
    etree.strip_elements(root, "style", "svg", with_tail=False)
    return root


def _text_of(node) -> str:
    """Text of a node with a line break after every block element (image alt texts that read like
    captions kept)."""
    parts: list[str] = []

    def walk(el) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            name = child.tag if isinstance(child.tag, str) else ""
            if name == "img":
                alt = (child.get("alt") or "").strip()
                if len(alt) > 20:
                    parts.append("\n" + alt + "\n")
            elif name:
                block = name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")
                elif name in ("td", "th"):
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(node)
    return clean_text("".join(parts))


@functools.lru_cache(maxsize=8)  # asked once per ancestor walk; a few pages' forms at a time
def _is_page_form(el) -> bool:
    """A <form> wrapping the page rather than a widget: ASP.NET/DNN/SharePoint put the whole page in
    one form (`__VIEWSTATE`), so dropping it would drop the article. A form holding several long
    paragraphs is treated the same way."""
    if el.xpath('.//input[starts-with(@name, "__VIEWSTATE") or starts-with(@name, "__EVENTTARGET")'
                ' or starts-with(@name, "__EVENTVALIDATION")]'):
        return True
    return sum(1 for p in el.iter("p") if len(p.text_content().strip()) >= 150) >= 3


def _drop(el) -> None:
    """Remove an element, keeping the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()


def _strip_chrome(root, by_class: bool = True) -> None:
    """Remove scripts and widgets, page landmarks (nav, header, footer, aside, widget forms) and, when
    `by_class`, chrome-classed blocks (menus, share bars, counters, related lists, comment boxes).
    A block holding most of the text under `root` is never removed: a wrapper classed "has-sidebar"
    or a page-wide ASP.NET form holds the article."""
    total = len(root.text_content()) or 1
    doomed = []
    for el in root.iter(etree.Element):
        tag = el.tag
        if tag in _ALWAYS_DROP:
            doomed.append((el, True))
        elif tag in _LANDMARKS or (by_class and _CHROME_ATTR.search(_attrs(el)) and tag not in ("html", "body")):
            doomed.append((el, False))
    gone: set = set()
    for el, always in doomed:
        if el is root or any(a in gone for a in el.iterancestors()):
            continue
        if not always:
            if el.tag == "form" and _is_page_form(el):
                continue
            if len(el.text_content()) > total / 2:
                continue
        gone.add(el)
        _drop(el)


def _in_chrome(el, stop=None) -> bool:
    """Does `el` sit inside page furniture (footer, nav, aside, a link, a sidebar or related list)?"""
    for a in el.iterancestors():
        if a is stop or a.tag == "body":
            return False
        if a.tag in _TITLE_CHROME_TAGS or _TITLE_CHROME_ATTR.search(_attrs(a)):
            return True
        if a.tag == "form" and not _is_page_form(a):
            return True
    return False


def _in_landmark(el) -> bool:
    """Is `el` inside a page landmark or widget (nav, header, footer, aside, a small form)?"""
    for a in el.iterancestors():
        if a.tag in _LANDMARKS or a.tag in _ALWAYS_DROP:
            return not (a.tag == "form" and _is_page_form(a))
    return False


def _in_link_list(el) -> bool:
    """Is the nearest list item or table row around `el` also holding a link labelled like a title
    (an entry of a dated list of other pages, not a print/share link next to the date)?"""
    for a in el.iterancestors():
        if a.tag in ("li", "tr"):
            if next(a.iter("h1"), None) is not None:
                return False
            return any(len(_line(link)) >= 20 for link in a.xpath(".//a[@href]")[:5])
        if a.tag == "body":
            return False
    return False


def _prose_length(el) -> int:
    """Characters of text under `el` that are not link labels."""
    total = len(el.text_content())
    links = sum(len(a.text_content()) for a in el.iter("a"))
    return max(0, total - links)


def _best_container(root, selectors) -> object | None:
    """The element matched by any of `selectors` holding most prose (None below `_MIN_BODY`)."""
    best, best_len = None, 0
    for selector in selectors:
        for el in select(root, selector):
            length = _prose_length(el)
            if length > best_len and not _in_furniture(el):  # never a container inside a sidebar or footer
                best, best_len = el, length
    return best if best_len >= _MIN_BODY else None


def _density_body(root):
    """The block holding most paragraph text with few links (readability-style scoring). Paragraphs
    are scored first and the best block outside furniture (landmarks, widgets, chrome-classed
    blocks) wins; a page without <p> prose is walked top-down with furniture skipped."""
    scores: dict = {}
    for para in root.iter("p"):
        text = para.text_content()
        if len(text) < 25 or len(text.strip()) < 25:
            continue
        links = sum(len(a.text_content()) for a in para.iter("a"))
        _add_score(scores, para, len(text) * (1 - min(1.0, links / max(1, len(text)))))
    for block in sorted(scores, key=scores.get, reverse=True)[:8]:
        if scores[block] >= 200 and not _in_furniture(block):
            return block
    scores.clear()
    body = next(root.iter("body"), root)
    stack = list(body)
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _ALWAYS_DROP or tag in ("footer", "nav", "aside"):
            continue
        if tag in _LANDMARKS and tag != "header" and not (tag == "form" and _is_page_form(el)):
            continue
        if (el.get("class") or el.get("id")) and _TITLE_CHROME_ATTR.search(_attrs(el)):
            continue
        if tag == "p":
            text = el.text_content()
            if len(text.strip()) >= 25:
                links = sum(len(a.text_content()) for a in el.iter("a"))
                _add_score(scores, el, len(text) * (1 - min(1.0, links / max(1, len(text)))))
            continue
        if tag in ("div", "td", "span"):
            own = ((el.text or "") + "".join(c.tail or "" for c in el)).strip()
            if len(own) >= 40:
                _add_score(scores, el, len(own))
        stack.extend(el)
    return max(scores, key=scores.get) if scores else None


def _in_furniture(el) -> bool:
    """Is `el` (or an ancestor) a landmark, widget or chrome-classed block?"""
    for a in [el, *el.iterancestors()]:
        tag = a.tag
        if tag in ("body", "html"):
            return False
        if tag in _ALWAYS_DROP or tag in ("footer", "nav", "aside"):
            return True
        if tag == "form" and not _is_page_form(a):
            return True
        if (a.get("class") or a.get("id")) and _TITLE_CHROME_ATTR.search(_attrs(a)):
            return True
    return False


def _add_score(scores: dict, el, value: float) -> None:
    parent = el.getparent()
    for weight in (1.0, 0.5):
        if parent is None or parent.tag in ("body", "html"):
            break
        scores[parent] = scores.get(parent, 0.0) + value * weight
        parent = parent.getparent()


def _render(body) -> list[str]:
    """Lines of trafilatura's output tree (extracted with its links): one per paragraph, heading,
    list item and table row; link-only lines dropped when prose remains."""
    lines: list[str] = []
    for lb in body.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")

    def emit(text: str) -> None:
        for part in text.split("\n"):
            part = " ".join(part.split())
            if part:
                lines.append(part)

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in ("list", "table", "row", "div", "quote") and len(child):
                if tag == "row" and not any(len(c) and c.find(".//p") is not None or c.find("head") is not None
                                            or c.find("list") is not None for c in child):
                    emit(" ".join(" ".join(c.itertext()) for c in child))
                elif tag == "row":
                    for cell in child:
                        if cell.text and cell.text.strip():
                            emit(cell.text)
                        walk(cell)
                else:
                    if child.text and child.text.strip():
                        emit(child.text)
                    walk(child)
            elif tag == "graphic":
                continue  # photo credits and file names, as the harness's answers confirm
            else:
                text = "".join(child.itertext())
                linked = sum(len("".join(ref.itertext())) for ref in child.iter("ref"))
                if text.strip() and linked >= 0.9 * len(text.strip()):
                    links.add(len(lines))
                emit(text)
            if child.tail and child.tail.strip():
                emit(child.tail)

    links: set[int] = set()
    walk(body)
    # A paragraph, heading or list item that is only a link is navigation (related stories, "read
    # more", tag lists), unless links are all the page has (a list of documents).
    prose = [line for i, line in enumerate(lines) if i not in links]
    if links and sum(map(len, prose)) >= max(200, 0.3 * sum(map(len, lines))):
        return prose
    return lines


def _trafilatura_lines(root, fast: bool = True, retry_below: float = _RECALL_RETRY_CHARS / _RECALL_RETRY_SHARE) -> list[str]:
    """The main text trafilatura finds in `root` (it copies the tree it is given). Fast mode first;
    a result short beside `retry_below` (the prose of the page's densest block) is retried with its full cascade (readability and justext as fallbacks), which
    rescues pages whose text its own rules miss."""
    lines: list[str] = []
    try:
        doc = trafilatura.bare_extraction(root, **{**_TRAFILATURA_OPTIONS, "fast": fast})
    except Exception:  # a library failure on one odd page must not stop extraction
        doc = None
    if doc is not None and doc.body is not None:
        lines = [clean_text(line) for line in _render(doc.body)]
    have = sum(len(line) for line in lines)
    if fast and have < _RECALL_RETRY_CHARS and have < _RECALL_RETRY_SHARE * retry_below:
        retry = _trafilatura_lines(root, fast=False)
        if sum(map(len, retry)) > sum(map(len, lines)):
            return retry
    return lines


def _check_against_anchor(lines: list[str], anchor) -> list[str]:
    """trafilatura's lines (chrome lines cut), unless they hold far less than the page's densest
    prose block: on nested layout tables it can return the sidebar and footer and lose the article.
    Then the block itself (chrome cut) is the body."""
    lines = cut_chrome(lines)
    have = sum(len(ln) for ln in lines)
    if have >= 2000:
        return lines
    _strip_chrome(anchor)
    block = cut_chrome([ln for ln in _text_of(anchor).split("\n") if ln])
    return block if have < 0.25 * sum(len(ln) for ln in block) else lines


_VIETNAMESE_LETTERS = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_CAPTION_CLASS = re.compile(r"(^|[\s_-])(caption|image-?caption|img-?caption|chu-?thich|chuthich|photo-?desc|"
                            r"image-?desc|img-?desc|desc-?img)($|[\s_-])", re.I)


def _is_vietnamese(root, source: str) -> bool:
    """Is the page in Vietnamese (its lang attribute, else its letters)?"""
    lang = (root.get("lang") or "").lower()
    if lang:
        return lang.startswith("vi")
    return len(_VIETNAMESE_LETTERS.findall(source, 0, 60000)) >= 40


def _captions_as_paragraphs(root) -> None:
    """Photo captions become paragraphs so that trafilatura keeps them: on the portals a caption
    names the officials in the photo ("Đồng chí …, Phó Giám đốc Sở phát biểu"), which the archive
    reads. trafilatura's own convention (kept for pages in other languages) drops them as credits."""
    for el in list(root.iter("figcaption", "div", "p", "span", "em")):
        if el.tag == "figcaption" or ((el.get("class") or "") and _CAPTION_CLASS.search(el.get("class"))):
            el.tag = "p"
            el.attrib.pop("class", None)
            parent = el.getparent()
            if parent is not None and parent.tag == "figure":
                parent.tag = "div"  # trafilatura drops a whole <figure> when images are off


def _meta(root) -> dict[str, str]:
    """<meta> name/property → content (lower-case keys; first occurrence wins)."""
    found: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        content = m.get("content")
        if key and content and key not in found:
            found[key] = clean_text(content)
    return found


def _lead_beside(root, container, title: str | None) -> list[str]:
    """A lead paragraph printed just before the body container, outside it (Liferay "asset-summary",
    NukeViet "hometext", press "sapo"): a known lead block, else a prose block among the container's
    (or its wrapper's) preceding siblings that is neither the title, a date line nor chrome."""
    inside = set(container.iter())
    ancestors = set(container.iterancestors())
    for selector in LEAD_SELECTORS:
        for el in select(root, selector):
            if el in inside or el in ancestors:
                continue
            text = _line(el)
            if 40 <= len(text) <= 1500 and not _in_chrome(el):
                return [text]
    title_key = _fold_title(title)
    node = container
    for _ in range(2):
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag in _ALWAYS_DROP or sibling.tag in _LANDMARKS:
                continue
            if _CHROME_ATTR.search(_attrs(sibling)) or sibling.tag in _HEADINGS:
                continue
            text = _line(sibling)
            if len(text) < 60 or _fold_title(text) == title_key or is_date_line(text):
                continue
            if _prose_length(sibling) < 0.7 * len(text) or len(text) > 1500:
                break  # a link list or a whole other block: no lead here
            return [text]
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        node = parent
    return []


def _fold_title(text: str | None) -> str:
    return " ".join((text or "").split()).casefold().strip(" .:-–|")


def _title_from_head(head_title: str, site_title: str | None, site_name: str | None) -> str | None:
    """The page's own part of <title>: the whole of it minus the site name, None when <title> is the
    site-wide one."""
    if not head_title or (site_title and _fold_title(head_title) == _fold_title(site_title)):
        return None
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(head_title) if p and p.strip()]
    site_words = {_fold_title(s) for s in (site_title, site_name) if s}
    parts = [p for p in parts if _fold_title(p) not in site_words] or parts
    if site_title:
        for part in _TITLE_SEPARATOR.split(site_title):
            parts = [p for p in parts if _fold_title(p) != _fold_title(part)] or parts
    return max(parts[:2], key=len) if len(parts) > 1 and len(parts[0]) < 12 else parts[0]


_LOGO_TEXTS = etree.XPath("//*[contains(@class, 'logo') or contains(@id, 'logo') or contains(@id, 'banner')]"
                          "/descendant-or-self::*/@*[name() = 'alt' or name() = 'title']", smart_strings=False)


def _logo_texts(root) -> set[str]:
    """The site's name as its logo or banner carries it (alt and title attributes)."""
    return {_fold_title(t) for t in _LOGO_TEXTS(root)}


def _find_title(root, selectors: dict, context: dict, meta: dict, anchor) -> tuple[str | None, str | None, object]:
    """(title, source, element) from the best evidence: the site's title selector, the link that led
    to the page, headings in or before the main block and agreeing with <title>/og:title, a classed
    title block, then <title> minus the site name, then og:title."""
    if selectors.get("title"):
        for node in select(root, selectors["title"]):
            text = _line(node)
            if text:
                return nfc(text), "selector", node
    site_title = context.get("site_title")
    head = next(root.iter("title"), None)
    head_title = clean_text(head.text_content()) if head is not None else ""
    head_own = _title_from_head(head_title, site_title, context.get("site_name"))
    og = next((meta[k] for k in _META_TITLE_KEYS if meta.get(k)), "")
    if site_title and _fold_title(og) == _fold_title(site_title):
        og = ""
    link = clean_text(context.get("link_text") or "")
    if len(link) < 8 or _LINK_LABEL_NOISE.match(link):
        link = ""
    link_key = _fold_title(link).rstrip(".… ")
    head_key, own_key, og_key = _fold_title(head_title), _fold_title(head_own), _fold_title(og)
    site_key = _fold_title(site_title)
    anchor_region = set()
    if anchor is not None:
        up = anchor
        for _ in range(3):
            if up.getparent() is None or up.getparent().tag in ("body", "html"):
                break
            up = up.getparent()
        anchor_region = {up}
    marked = set()
    for selector in TITLE_SELECTORS:
        marked.update(select(root, selector))
    candidates = []
    furniture: set[str] = set()  # headings in footers, menus, sidebars: the site's own names
    order = 0
    tokens = getattr(_TOKENS, "page", None)
    found = tokens[1].title_candidates if tokens and tokens[0] is root else list(root.iter("h1", "h2", "h3"))
    seen = set(found)
    for el in sorted([*found, *(m for m in marked if m not in seen)], key=lambda e: e.sourceline or 0):
        tag = el.tag
        if tag in ("div", "p", "span", "td", "strong", "a") and el not in marked:
            if not _TITLE_CLASS.search(_attrs(el)):
                continue
        elif tag not in ("h1", "h2", "h3") and el not in marked:
            continue
        text = _line(el)
        if not 8 <= len(text) <= 300:
            continue
        if tag in ("div", "td", "p", "span", "strong", "a") and el not in marked and (
                len(el) > 3 or len(text) > 250 or any(c.tag in ("h1", "h2", "h3", "p", "ul") for c in el)):
            continue  # a classed wrapper, not a title block
        if _TITLE_CHROME_ATTR.search(_attrs(el)) or _in_chrome(el):
            furniture.add(_fold_title(text))
            continue
        key = _fold_title(text)
        if key == site_key or _SECTION_LABELS.match(text):
            continue
        score = {"h1": 3.0, "h2": 2.0, "h3": 1.0}.get(tag, 1.5)
        if el in marked:
            score += 2
        if key and (key == own_key or (own_key and (own_key.startswith(key) or key.startswith(own_key)))):
            score += 5
        elif key and head_key and key in head_key and not site_title:
            score += 2
        if key and key == og_key:
            score += 3
        if link_key and (key == link_key or key.startswith(link_key) or link_key.startswith(key)):
            score += 6
        if anchor is not None:
            if any(a is anchor for a in el.iterancestors()):
                score += 2
            elif anchor_region and any(a in anchor_region for a in el.iterancestors()):
                score += 2
        order += 1
        candidates.append((score, -order, text, "heading", el))
    if link and not any(c[0] >= 6 and link_key and _fold_title(c[2]).startswith(link_key[:20]) for c in candidates):
        candidates.append((5.5, 1, link, "link", None))
    if (head_own and not site_title and not any(c[0] >= 5 for c in candidates)
            and (own_key in furniture or own_key in _logo_texts(root))):
        head_own = None  # <title> is the site's name, printed in its footer or logo: the same on every page
    if head_own and len(head_own) >= 8:
        candidates.append((4.0, 0, head_own, "head", None))
    if og and len(og) >= 8:
        candidates.append((3.5, 0, og, "meta", None))
    if not candidates:
        return None, None, None
    score, _, text, source, el = max(candidates, key=lambda c: (c[0], c[1]))
    return nfc(text), source, el


# text nodes holding a digit (a date line needs one), found by libxml2 rather than a Python loop
_DIGIT_TEXTS = etree.XPath(".//text()[string-length(.) > 5][contains(translate(., '123456789', '000000000'), '0')]")


def _date_from_value(value: str | None) -> str | None:
    return parse_date_line(value) if value and len(value) < 200 else None


def _find_date(root, selectors: dict, meta: dict, title_el, anchor) -> tuple[str | None, str | None, str | None]:
    """(ISO date, date line as written, source): the site's date selector, date meta tags, date
    markup near the title, a labelled date line ("Ngày đăng …", "Cập nhật: …") outside chrome."""
    if selectors.get("date"):
        for node in select(root, selectors["date"])[:5]:
            value = node.get("datetime") or node.get("content") or _line(node)
            date = _date_from_value(value)
            if date:
                return date, clean_text(value), "selector"
    for key in _META_DATE_KEYS:
        date = _date_from_value(meta.get(key))
        if date:
            return date, meta[key], "meta"
    for selector in DATE_SELECTORS:
        for node in select(root, selector)[:5]:
            if _in_chrome(node) or _CHROME_ATTR.search(_attrs(node.getparent() if node.getparent() is not None else node)):
                continue
            if _in_link_list(node):
                continue  # the date of an entry in a "Tin mới" / related list, not of this page
            value = node.get("datetime") or node.get("content") or _line(node)
            date = _date_from_value(value)
            if date:
                return date, clean_text(value), "markup"
    # a date line just after the title (outside the body container) or labelled anywhere outside chrome
    if title_el is not None:
        for node in title_el.xpath("following::*[self::div or self::p or self::span or self::em or self::i"
                                   " or self::small or self::td or self::li or self::time][position() <= 15]"):
            line = _line(node)
            if line and len(line) <= 160 and is_date_line(line) and not _in_link_list(node):
                return parse_date_line(line), line, "near-title"
    body = next(root.iter("body"), None)
    if body is None or not _LABELLED_DATE.search(body.text_content()):
        return None, None, None
    for node in _DIGIT_TEXTS(body):
        text = str(node)
        if len(text) > 200 or not _LABELLED_DATE.search(text):
            continue
        el = node.getparent()
        line = _line(el) if len(el.text_content()) <= 200 else " ".join(text.split())
        if not is_date_line(line) or _in_chrome(el) or _in_link_list(el):
            continue
        return parse_date_line(line), line, "labelled"
    return None, None, None


def _date_by_htmldate(root, url: str | None, anchor) -> str | None:
    """htmldate's original-date guess from the head, the URL and the main block only (never from a
    sidebar or footer, where other pages' dates sit)."""
    html = lxml.html.Element("html")
    head = next(root.iter("head"), None)
    if head is not None:
        html.append(copy.deepcopy(head))
    body = etree.SubElement(html, "body")
    if anchor is not None:
        body.append(copy.deepcopy(anchor))
    try:
        guess = htmldate.find_date(html, url=url, original_date=True, extensive_search=False,
                                   outputformat="%Y-%m-%d")
    except Exception:
        return None
    return guess if guess and parse_date_line(guess) == guess else None


def parse_html(html: str | bytes, url: str | None = None, selectors: dict | None = None,
               context: dict | None = None) -> Page:
    """Split a saved article page into title, publication date, byline and clean body text.

    `selectors` are the site config's {title, date, body, author, remove}; `context` is what the
    crawl knew when it reached the page: {"link_text": the anchor text of the link that led here,
    "site_title": the <title> shared by the site's pages (or None), "from_listing": bool}."""
    selectors = selectors or {}
    context = context or {}
    page = Page()
    source = nfc(decode_html(html))
    root = _parse_tree(source)
    if root is None:
        return page
    _TOKENS.page = (root, _Tokens(root, source))
    try:
        return _parse_tree_into(page, root, source, url, selectors, context)
    finally:
        _TOKENS.page = None
        _is_page_form.cache_clear()  # it holds elements, hence their whole tree


def _parse_tree_into(page: Page, root, source: str, url: str | None, selectors: dict, context: dict) -> Page:
    """parse_html's work on the parsed tree."""
    for selector in selectors.get("remove") or []:
        for el in select(root, selector):
            _drop(el)
    meta = _meta(root)
    body_el = _best_container(root, [selectors["body"]]) if selectors.get("body") else None
    if body_el is None:
        body_el = _best_container(root, BODY_SELECTORS)
    lines: list[str] = []
    if body_el is None:
        if _is_vietnamese(root, source):
            _captions_as_paragraphs(root)
        anchor = _density_body(root)
        # trafilatura reads its own copy of the untouched tree; its full cascade is worth a retry only
        # when the densest block holds several times the prose of its fast result
        lines = _trafilatura_lines(root, retry_below=_prose_length(anchor) if anchor is not None else 0)
    else:
        anchor = body_el
    page.title, page.title_source, title_el = _find_title(root, selectors, context, meta, anchor)
    page.published_date, page.date_line, page.date_source = _find_date(root, selectors, meta, title_el, anchor)
    author_node = None
    for selector in ([selectors["author"]] if selectors.get("author") else AUTHOR_SELECTORS):
        author_node = next((el for el in select(root, selector) if _line(el)), None)
        if author_node is not None:
            break
    node_author = author_of_node(author_node)
    author_line = _line(author_node) if author_node is not None else None
    after_body = anchor  # an author line after the main block, read only when nothing better names one
    if body_el is not None:
        lead = _lead_beside(root, body_el, page.title)
        _strip_chrome(body_el)
        lines = lead + [ln for ln in _text_of(body_el).split("\n") if ln]
    elif anchor is not None:
        lines = _check_against_anchor(lines, anchor)
    # the title and the date line may be repeated inside the body container
    date_just_before = False
    title_key = _fold_title(page.title)
    while lines and ((title_key and _fold_title(lines[0]) == title_key) or is_date_line(lines[0])):
        date_just_before = is_date_line(lines[0])
        if date_just_before and not page.published_date:
            page.date_line, page.published_date, page.date_source = lines[0], parse_date_line(lines[0]), "body"
        lines.pop(0)
    lines = cut_chrome(lines)
    kept, byline = split_byline(lines)
    page.credits = lines[len(kept):]
    lines = kept
    if not byline:
        k, byline = top_byline(lines, -1 if date_just_before else None)
        if k is not None:
            page.credits.append(lines.pop(k))
    # A site's own author selector wins; otherwise the byline closing the body beats a generic
    # author field, which on many portals holds the uploader ("Đăng bởi: admin").
    if author_line:
        lines = [ln for ln in lines if ln != author_line]
    if selectors.get("author") and node_author:
        page.author = node_author
    else:
        page.author = byline or node_author or (byline_after(after_body) if after_body is not None else None)
    if not page.published_date:
        page.published_date = _date_by_htmldate(root, url, anchor)
        if page.published_date:
            page.date_source = "htmldate"
    page.text = "\n\n".join(lines)
    return page
