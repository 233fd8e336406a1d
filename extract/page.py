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

import datetime as dt
import re
from dataclasses import dataclass, field

import soupsieve
from bs4 import BeautifulSoup, Comment, Tag

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
# Known article containers of the CMS families (first match wins).
BODY_SELECTORS = (
    "#news-bodyhtml", ".bodytext", ".journal-content-article", ".field--name-body", ".field-name-body",
    "[itemprop=articleBody]", "#divArticleDescription2", "#show_content", "#divNewsDetails", "#contenttin",
    "div.textdetail", ".news-content", ".news-detail-content", ".content-detail", ".detail-content",
    ".article-content", ".article-body", ".post-content", ".entry-content", ".noidung", ".NewsContent",
    ".ArticleContent", ".chitiet", ".news_content", ".contentNews",
)
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
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "figure",
               "table", "section", "article", "blockquote", "ul", "ol", "dd", "dt", "caption", "center"}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "button", "select", "input",
              "textarea", "svg", "canvas", "object", "embed", "nav", "header", "footer", "aside")


def decode_html(html: str | bytes) -> str:
    """Bytes to text: the declared charset if any, else UTF-8 (bad bytes replaced)."""
    if isinstance(html, str):
        return html
    head = html[:4096].decode("ascii", "ignore")
    m = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    encoding = m.group(1) if m else "utf-8"
    try:
        return html.decode(encoding, errors="replace")
    except LookupError:
        return html.decode("utf-8", errors="replace")


def _attrs_text(tag: Tag) -> str:
    attrs = getattr(tag, "attrs", None) or {}
    classes = attrs.get("class") or []
    return " ".join(classes if isinstance(classes, list) else [str(classes)]) + " " + str(attrs.get("id") or "")


def _text_of(node: Tag) -> str:
    """Text of a node with a line break after every block element."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, Tag):
                name = child.name.lower()
                if name == "img":
                    alt = (child.get("alt") or "").strip()
                    if alt and len(alt) > 20:
                        parts.append("\n" + alt + "\n")
                    continue
                block = name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")
                elif name in ("td", "th"):
                    parts.append(" ")
            else:
                parts.append(str(child))

    walk(node)
    return clean_text("".join(parts))


def _is_page_form(tag: Tag) -> bool:
    """A <form> wrapping the page rather than a widget: ASP.NET/DNN/SharePoint put the whole page in
    one form (`__VIEWSTATE`), so dropping it would drop the article. A form holding several long
    paragraphs is treated the same way."""
    if tag.name != "form":
        return False
    if tag.find("input", attrs={"name": re.compile(r"^__(VIEWSTATE|EVENTTARGET|EVENTVALIDATION)")}):
        return True
    return sum(1 for para in tag.find_all("p", limit=40) if len(para.get_text(" ", strip=True)) >= 150) >= 3


def _drop_tags(root: Tag) -> None:
    """Remove scripts, widgets and page landmarks (`_DROP_TAGS`), keeping page-wrapping forms."""
    for tag in root.find_all(_DROP_TAGS):
        if not tag.decomposed and not _is_page_form(tag):
            tag.decompose()


def _strip_chrome(root: Tag) -> None:
    _drop_tags(root)
    for tag in list(root.find_all(True)):
        if tag.decomposed:
            continue
        if tag.attrs is not None and _CHROME_ATTR.search(_attrs_text(tag)):
            tag.decompose()


def _density_body(soup: BeautifulSoup) -> Tag | None:
    """The block holding most paragraph text with few links (readability-style scoring)."""
    scores: dict[int, tuple[float, Tag]] = {}
    for para in soup.find_all(["p", "div", "td", "span"]):
        own = "".join(s for s in para.find_all(string=True, recursive=False)).strip()
        if para.name != "p" and len(own) < 40:
            continue
        text = para.get_text(" ", strip=True) if para.name == "p" else own
        if len(text) < 25:
            continue
        links = sum(len(a.get_text(strip=True)) for a in para.find_all("a")) if para.name == "p" else 0
        value = len(text) * (1 - min(1.0, links / max(1, len(text))))
        parent = para.parent
        for weight in (1.0, 0.5):
            if parent is None or parent.name in ("body", "html", "[document]"):
                break
            old = scores.get(id(parent), (0.0, parent))[0]
            scores[id(parent)] = (old + value * weight, parent)
            parent = parent.parent
    if not scores:
        return None
    return max(scores.values(), key=lambda s: s[0])[1]


class _ElementIndex:
    """A page's elements by id, class, itemprop and tag, built in one pass, so that each CSS
    selector is matched against a few candidates instead of walking the whole page again (the
    selector lists above would otherwise cost minutes on a 5 MB page)."""

    _KEY = re.compile(r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>itemprop)\b|^(?P<tag>[a-z][a-z0-9]*)")

    def __init__(self, soup: BeautifulSoup):
        self.soup = soup
        self.by_key: dict[str, list[Tag]] = {}
        for el in soup.find_all(True):
            keys = [el.name]
            keys += ["." + c for c in (el.get("class") or [])]
            if el.get("id"):
                keys.append("#" + str(el["id"]))
            if el.get("itemprop"):
                keys.append("[itemprop")
            for key in keys:
                self.by_key.setdefault(key, []).append(el)

    def select(self, selector: str) -> list[Tag]:
        """Elements matching `selector`, in document order ([] for a selector that does not parse)."""
        try:
            compiled = soupsieve.compile(selector)
        except Exception:  # a bad selector from a site config must not stop extraction
            return []
        last = re.split(r"[\s>+~]+", selector.strip())[-1] if "," not in selector else ""
        m = self._KEY.search(last)
        if not m:
            return list(compiled.select(self.soup))
        key = (f"#{m['id']}" if m["id"] else f".{m['cls']}" if m["cls"] else "[itemprop" if m["attr"] else m["tag"])
        return [el for el in self.by_key.get(key, []) if not el.decomposed and compiled.match(el)]

    def first(self, selectors) -> Tag | None:
        """The first element with text matched by the first selector that matches any."""
        for selector in selectors:
            for found in self.select(selector):
                if found.get_text(strip=True):
                    return found
        return None


def _find_title(soup: BeautifulSoup, index: _ElementIndex, selectors: dict) -> str | None:
    if selectors.get("title"):
        node = index.first([selectors["title"]])
        if node:
            return clean_text(node.get_text(" ")) or None
    head_title = clean_text(soup.title.get_text(" ")) if soup.title else ""
    og = soup.find("meta", attrs={"property": "og:title"})
    og_title = clean_text(og.get("content")) if og and og.get("content") else ""
    node = index.first(TITLE_SELECTORS)
    if node and not _CHROME_ATTR.search(_attrs_text(node)):
        return clean_text(node.get_text(" "))
    candidates = []
    for h in soup.find_all(["h1", "h2", "h3"]):
        text = clean_text(h.get_text(" "))
        if len(text) < 15 or _CHROME_ATTR.search(_attrs_text(h)) or h.find_parent(["nav", "header", "footer", "aside"]):
            continue
        score = {"h1": 3, "h2": 2, "h3": 1}[h.name]
        if text and (text in head_title or text in og_title):
            score += 5
        candidates.append((score, text))
    if candidates:
        return max(candidates, key=lambda c: c[0])[1]
    for text in (og_title, head_title):
        if text:
            return re.split(r"\s+[|–-]\s+", text)[0].strip() or text
    return None


def _find_date(soup: BeautifulSoup, index: _ElementIndex, selectors: dict) -> tuple[str | None, str | None]:
    for meta_name in ("article:published_time", "datePublished", "pubdate", "dc.date", "date"):
        meta = soup.find("meta", attrs={"property": meta_name}) or soup.find("meta", attrs={"name": meta_name}) \
            or soup.find("meta", attrs={"itemprop": meta_name})
        if meta and meta.get("content"):
            date = parse_date_line(meta["content"])
            if date:
                return date, meta["content"]
    wanted = [selectors["date"]] if selectors.get("date") else list(DATE_SELECTORS)
    for selector in wanted:
        for node in index.select(selector)[:5]:
            if node.find_parent(["aside", "footer", "nav"]) or _CHROME_ATTR.search(_attrs_text(node.parent or node)):
                continue
            if _in_link_list(node):
                continue  # the date of an entry in a "Tin mới" / related list, not of this page
            value = node.get("datetime") or node.get("content") or node.get_text(" ", strip=True)
            if value and len(value) < 160:
                date = parse_date_line(value)
                if date:
                    return date, clean_text(value)
    return None, None


def _in_link_list(node: Tag) -> bool:
    """Is the nearest list item or table row around `node` also holding a link labelled like a
    title (an entry of a dated list of other pages, not a print/share link next to the date)?"""
    item = node.find_parent(["li", "tr"])
    if item is None or item.find("h1") is not None:
        return False
    return any(len(a.get_text(" ", strip=True)) >= 20 for a in item.find_all("a", href=True, limit=5))


def parse_html(html: str | bytes, url: str | None = None, selectors: dict | None = None) -> Page:
    """Split a saved article page into title, publication date, byline and clean body text."""
    selectors = selectors or {}
    soup = BeautifulSoup(decode_html(html), "lxml")
    page = Page()
    index = _ElementIndex(soup)
    page.title = _find_title(soup, index, selectors)
    page.published_date, page.date_line = _find_date(soup, index, selectors)
    author_node = index.first([selectors["author"]] if selectors.get("author") else AUTHOR_SELECTORS)
    body = None
    if selectors.get("body"):
        body = index.first([selectors["body"]])
    if body is None:
        body = index.first(BODY_SELECTORS)
    for selector in selectors.get("remove") or []:
        for tag in (body or soup).select(selector):
            tag.decompose()
    if body is None:
        _drop_tags(soup)
        body = _density_body(soup)
    if body is None:
        return page
    _strip_chrome(body)
    lines = [ln for ln in _text_of(body).split("\n") if ln]
    # the title and the date line may be repeated inside the body container
    date_just_before = False
    while lines and (lines[0] == page.title or is_date_line(lines[0])):
        date_just_before = is_date_line(lines[0])
        if date_just_before and not page.published_date:
            page.date_line, page.published_date = lines[0], parse_date_line(lines[0])
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
    node_author = author_of_node(author_node)
    if author_node is not None:
        lines = [ln for ln in lines if ln != clean_text(author_node.get_text(" "))]
    if selectors.get("author") and node_author:
        page.author = node_author
    else:
        page.author = byline or node_author or byline_after(body)
    if not page.published_date:
        # a date line just under the title, outside the body container
        page.published_date, page.date_line = _date_near_title(soup, page.title)
    page.text = "\n\n".join(lines)
    return page


def _date_near_title(soup: BeautifulSoup, title: str | None) -> tuple[str | None, str | None]:
    if not title:
        return None, None
    for heading in soup.find_all(["h1", "h2", "h3", "div", "p", "span"]):
        if clean_text(heading.get_text(" ")) != title:
            continue
        for sibling in list(heading.find_all_next(string=True, limit=12)):
            line = clean_text(str(sibling))
            if line and is_date_line(line):
                return parse_date_line(line), line
        break
    return None, None
