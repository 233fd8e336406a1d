"""CMS families: each replay site is one family's URL scheme plus its templates.

A `Site` answers `route(path, query, host) -> Response`. The generic part (robots.txt, static
pages, PDFs, images, 404) lives in `Site`; each family subclass gives its URL scheme
(`listing_path`, `article_path`, `match`) and its markup (replay/templates/<family>/).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from string import Template

from .content import Article, body_html, load_site, slug_ascii, slug_drop_d, slug_lossy

TEMPLATES = Path(__file__).parent / "templates"
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
TINY_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


@dataclass
class Response:
    """What the server sends: status, body, content type, extra headers."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    modified: datetime | None = None


def redirect(location: str) -> Response:
    """A 301 to `location` (a path on the same site)."""
    body = f'<html><body>Moved <a href="{escape(location)}">here</a></body></html>'.encode()
    return Response(301, body, headers={"Location": location})


_template_cache: dict[Path, Template] = {}


def template(family: str, name: str) -> Template:
    """The template replay/templates/<family>/<name>.html (or templates/common/<name>.html)."""
    path = TEMPLATES / family / f"{name}.html"
    if not path.exists():
        path = TEMPLATES / "common" / f"{name}.html"
    if path not in _template_cache:
        _template_cache[path] = Template(path.read_text(encoding="utf-8"))
    return _template_cache[path]


def links(items: list[tuple[str, str]], li_class: str = "") -> str:
    """<li><a href=…>…</a></li> for each (label, href)."""
    cls = f' class="{li_class}"' if li_class else ""
    return "\n".join(f'<li{cls}><a href="{escape(h)}">{escape(t)}</a></li>' for t, h in items)


class Site:
    """One replay site. Subclasses set the URL scheme and markup of their CMS family."""

    family = "common"
    cms = "unknown"
    server = "Microsoft-IIS/8.5"
    page_size = 3
    overflow = "empty"         # listing page past the end: "empty" (200, no items) | "404" | "clamp"
    case_insensitive = False   # IIS paths are case-insensitive
    caption_style = "pclass"
    img_prefix = "/images/"
    pdf_prefix = "/files/"
    home = "/"
    intro = "/gioi-thieu"
    contact = "/lien-he"
    docs = "/van-ban"
    redirects: dict[str, str] = {}

    def __init__(self, name: str):
        self.name = name
        self.host = ""
        self.info, self.articles = load_site(name)
        self.by_id = {a.id: a for a in self.articles}
        for a in self.articles:
            a.path = self.article_path(a)
            a.listed_path = self.listed_path(a)
        self.pages = max(1, -(-len(self.articles) // self.page_size))
        self.pdfs = {self._key(self.pdf_prefix + d["file"]): d for d in self.info.get("documents", [])}

    # --- URL scheme (overridden per family) ---------------------------------------------------

    def listing_path(self, page: int) -> str:
        """The URL of listing page `page` (1-based)."""
        raise NotImplementedError

    def article_path(self, a: Article) -> str:
        """The canonical URL (path + query) of an article."""
        raise NotImplementedError

    def listed_path(self, a: Article) -> str:
        """The URL the listings link to (usually the canonical one)."""
        return a.path

    def match(self, path: str, query: dict[str, str]) -> Response | None:
        """Family-specific routes (listings, articles); None means 404."""
        raise NotImplementedError

    @property
    def listings(self) -> list[str]:
        """The listing URLs a site config names."""
        return [self.listing_path(1)]

    # --- generic routing -----------------------------------------------------------------------

    def _key(self, path: str) -> str:
        return path.lower() if self.case_insensitive else path

    def route(self, path: str, query: dict[str, str], host: str = "") -> Response:
        """Answer one GET for `path` with parsed `query`."""
        self.host = host
        key = self._key(path)
        if path == "/robots.txt":
            return self.robots()
        redirects = {self._key(k): v for k, v in self.redirects.items()}
        if key in redirects:
            return redirect(redirects[key])
        statics = {self.home: "home", self.intro: "intro", self.contact: "contact", self.docs: "docs"}
        statics = {self._key(k): v for k, v in statics.items()}
        if key in statics:
            return self.page(statics[key])
        if key in self.pdfs:
            doc = self.pdfs[key]
            return Response(200, TINY_PDF, "application/pdf") if doc.get("exists") else self.not_found()
        if key.startswith(self._key(self.img_prefix)) and key.endswith((".jpg", ".png", ".gif")):
            return Response(200, TINY_GIF, "image/gif")
        return self.match(path, query) or self.not_found()

    def robots(self) -> Response:
        kind = self.info.get("robots", "404")
        text = {
            "permissive": "User-agent: *\nDisallow:\n",
            "nukeviet": "User-agent: *\n" + "".join(
                f"Disallow: /{d}/\n" for d in ("admin", "cache", "data", "includes", "install",
                                               "language", "logs", "modules", "sess", "tmp")),
            "crawl-delay": "User-agent: *\nAllow: /\nCrawl-delay: 1\n",
        }.get(kind)
        if kind == "html":  # some portals answer every unknown path with their home page
            return self.page("home")
        if text is None:
            return self.not_found()
        return Response(200, text.encode(), "text/plain; charset=utf-8")

    def not_found(self) -> Response:
        main = ('<div class="error-page"><h2>404 - Không tìm thấy trang</h2>'
                '<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>'
                f'<p><a href="{self.home}">Quay về trang chủ</a></p></div>')
        return self.html(self.layout("Không tìm thấy trang", main, [("Trang chủ", self.home)]), 404)

    def html(self, text: str, status: int = 200, modified: datetime | None = None) -> Response:
        return Response(status, text.encode("utf-8"), modified=modified)

    # --- rendering -------------------------------------------------------------------------------

    def menu(self) -> list[tuple[str, str]]:
        return [("Trang chủ", self.home), ("Giới thiệu", self.intro),
                ("Tin tức - Sự kiện", self.listing_path(1)), ("Văn bản", self.docs),
                ("Thủ tục hành chính", "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"),
                ("Liên hệ", self.contact)]

    def breadcrumb(self, trail: list[tuple[str, str]]) -> str:
        return " <span class=\"sep\">»</span> ".join(
            f'<a href="{escape(h)}">{escape(t)}</a>' for t, h in trail)

    def context(self) -> dict[str, str]:
        """Variables every layout may use."""
        i = self.info
        latest = [(a.title, a.listed_path) for a in self.articles[:5]]
        return {
            "site_name": escape(i["site_name"]), "province": escape(i["province"]),
            "menu": links(self.menu()), "latest": links(latest),
            "address": escape(i["address"]), "phone": escape(i["phone"]), "email": escape(i["email"]),
            "online": str(i["counters"]["online"]), "today": str(i["counters"]["today"]),
            "total": str(i["counters"]["total"]), "total_dots": f'{i["counters"]["total"]:,}'.replace(",", "."),
            "home": self.home, "listing": escape(self.listing_path(1)), "intro": self.intro,
            "contact": self.contact, "docs": self.docs, "calendar": self.calendar_widget(),
            "host": escape(self.host or ""),
        }

    def layout(self, head_title: str, main: str, trail: list[tuple[str, str]]) -> str:
        ctx = self.context()
        ctx.update(head_title=escape(head_title), main=main, breadcrumb=self.breadcrumb(trail))
        return template(self.family, "layout").substitute(ctx)

    def calendar_widget(self, year: int = 2022, month: int = 5) -> str:
        """A month calendar grid like the one in the Vĩnh Phúc seed ("Tháng 5, 2022")."""
        cal = calendar.Calendar(firstweekday=6)
        days = list(cal.itermonthdates(year, month))
        while len(days) < 42:
            days.append(days[-1].fromordinal(days[-1].toordinal() + 1))
        rows = ["<tr>" + "".join(f'<td class="{"day" if d.month == month else "other-month"}">{d.day}</td>'
                                 for d in days[w * 7:(w + 1) * 7]) + "</tr>" for w in range(6)]
        head = "".join(f"<th>{d}</th>" for d in ("CN", "T2", "T3", "T4", "T5", "T6", "T7"))
        return (f'<table class="calendar"><caption>Tháng {month}, {year}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def date_line(self, a: Article) -> str:
        """The date (and counter) line under an article title."""
        return a.date.strftime("%d/%m/%Y %H:%M") if a.date else ""

    def list_date(self, a: Article) -> str:
        return a.date.strftime("%d/%m/%Y") if a.date else ""

    def byline(self, a: Article) -> str:
        """CMS author/source fields shown after the body (outside it)."""
        return ""

    def related(self, a: Article, n: int = 5) -> list[Article]:
        return [o for o in self.articles if o is not a][:n]

    def article(self, a: Article) -> Response:
        ctx = self.context()
        others = self.related(a)
        i = self.articles.index(a)
        ctx.update(
            title=escape(a.title), date_line=self.date_line(a), views=str(a.views),
            body=body_html(a, self.caption_style, self.img_prefix), byline=self.byline(a),
            sapo=escape(a.meta.get("sapo", "")), id=str(a.id), path=escape(a.path),
            related=links([(o.title, o.listed_path) for o in others]),
            newer=links([(o.title, o.listed_path) for o in self.articles[max(0, i - 3):i]]),
            older=links([(o.title, o.listed_path) for o in self.articles[i + 1:i + 4]]),
            category=escape(self.info["category"]), listing=escape(self.listing_path(1)),
        )
        main = template(self.family, "article").substitute(ctx)
        trail = [("Trang chủ", self.home), (self.info["category"], self.listing_path(1)), (a.title, a.path)]
        return self.html(self.layout(a.title, main, trail), modified=a.date or a.sort_date)

    def listing(self, page: int) -> Response:
        if page < 1:
            return self.not_found()
        if page > self.pages:
            if self.overflow == "404":
                return self.not_found()
            if self.overflow == "clamp":
                page = self.pages
        items = self.articles[(page - 1) * self.page_size: page * self.page_size]
        rows = []
        for a in items:
            rows.append(template(self.family, "item").substitute(
                title=escape(a.title), href=escape(a.listed_path), date=self.list_date(a),
                sapo=escape(a.sapo()), views=str(a.views), id=str(a.id)))
        body = "\n".join(rows) or '<p class="empty">Không có dữ liệu.</p>'
        main = template(self.family, "listing").substitute(
            category=escape(self.info["category"]), items=body, pager=self.pager(page))
        trail = [("Trang chủ", self.home), (self.info["category"], self.listing_path(1))]
        return self.html(self.layout(self.info["category"], main, trail))

    def pager(self, page: int) -> str:
        """Numbered page links, with "Trang trước"/"Trang sau" where they exist."""
        if self.pages <= 1:
            return ""
        parts = []
        if 1 < page <= self.pages:
            parts.append(f'<li class="prev"><a href="{escape(self.listing_path(page - 1))}">« Trang trước</a></li>')
        for n in range(1, self.pages + 1):
            if n == page:
                parts.append(f'<li class="active"><span>{n}</span></li>')
            else:
                parts.append(f'<li><a href="{escape(self.listing_path(n))}">{n}</a></li>')
        if page < self.pages:
            parts.append(f'<li class="next"><a href="{escape(self.listing_path(page + 1))}">Trang sau »</a></li>')
        return f'<ul class="pagination">{"".join(parts)}</ul>'

    def page(self, kind: str) -> Response:
        """The home page and the menu's non-article pages."""
        i = self.info
        if kind == "home":
            items = "".join(template(self.family, "item").substitute(
                title=escape(a.title), href=escape(a.listed_path), date=self.list_date(a),
                sapo=escape(a.sapo(25)), views=str(a.views), id=str(a.id)) for a in self.articles[:4])
            main = (f'<div class="home-news"><h2 class="box-title">Tin mới nhất</h2>{items}'
                    f'<p class="more"><a href="{escape(self.listing_path(1))}">Xem tất cả</a></p></div>')
            return self.html(self.layout(i["site_name"], main, [("Trang chủ", self.home)]))
        if kind == "intro":
            title = "Giới thiệu - Cơ cấu tổ chức"
            paras = "".join(f"<p>{escape(p)}</p>" for p in i["intro"])
            org = "".join(f"<tr><td>{escape(u)}</td><td>{escape(n)}</td><td>{escape(p)}</td></tr>"
                          for u, n, p in i["leaders"])
            main = (f'<div class="static-page"><h1 class="page-title">{title}</h1>{paras}'
                    '<h3>Lãnh đạo Sở</h3><table class="table org"><thead><tr><th>Chức vụ</th><th>Họ và tên</th>'
                    f'<th>Điện thoại</th></tr></thead><tbody>{org}</tbody></table>'
                    f'<h3>Các phòng chuyên môn</h3><ul>{"".join(f"<li>{escape(d)}</li>" for d in i["departments"])}</ul></div>')
        elif kind == "contact":
            title = "Liên hệ"
            main = (f'<div class="static-page contact"><h1 class="page-title">{title}</h1>'
                    f'<p><strong>{escape(i["site_name"])}</strong></p><p>Địa chỉ: {escape(i["address"])}</p>'
                    f'<p>Điện thoại: {escape(i["phone"])} - Fax: {escape(i.get("fax", i["phone"]))}</p>'
                    f'<p>Email: {escape(i["email"])}</p>'
                    '<form method="post" class="contact-form"><label>Họ và tên <input name="name"></label>'
                    '<label>Email <input name="email"></label><label>Tiêu đề <input name="subject"></label>'
                    '<label>Nội dung <textarea name="content"></textarea></label>'
                    '<label>Mã xác nhận <input name="captcha"></label><button type="submit">Gửi liên hệ</button></form></div>')
        else:
            title = "Văn bản"
            rows = "".join(
                f'<tr><td>{n}</td><td>{escape(d["number"])}</td><td>{escape(d["date"])}</td>'
                f'<td>{escape(d["title"])}</td><td><a href="{escape(self.pdf_prefix + d["file"])}">Tải về</a></td></tr>'
                for n, d in enumerate(i["documents"], 1))
            main = (f'<div class="static-page documents"><h1 class="page-title">{title}</h1>'
                    '<table class="table vanban"><thead><tr><th>STT</th><th>Số/Ký hiệu</th><th>Ngày ban hành</th>'
                    f'<th>Trích yếu</th><th>Tệp đính kèm</th></tr></thead><tbody>{rows}</tbody></table></div>')
        path = {"intro": self.intro, "contact": self.contact, "docs": self.docs}[kind]
        return self.html(self.layout(title, main, [("Trang chủ", self.home), (title, path)]))


def _page(query: dict[str, str], name: str, default: int = 1) -> int | None:
    value = query.get(name, "")
    if value == "":
        return default
    return int(value) if value.isdigit() else None


class NukeViet(Site):
    """NukeViet 4 (Hưng Yên): /vi/news/<cat>/page-N, articles <slug>-<id>.html."""

    family = "nukeviet"
    cms = "nukeviet"
    server = "Apache"
    overflow = "404"
    caption_style = "table"
    cat = "/vi/news/cai-cach-hanh-chinh/"
    img_prefix = "/uploads/news/"
    pdf_prefix = "/uploads/laws/"
    home = "/vi/"
    intro = "/vi/about/Gioi-thieu-chung.html"
    contact = "/vi/contact/"
    docs = "/vi/laws/"
    redirects = {"/": "/vi/", "/vi/news/cai-cach-hanh-chinh": "/vi/news/cai-cach-hanh-chinh/"}
    _re = re.compile(r"^/vi/news/cai-cach-hanh-chinh/(?:(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.html|page-(?P<page>\d+))$")

    def listing_path(self, page: int) -> str:
        return self.cat if page == 1 else f"{self.cat}page-{page}"

    def article_path(self, a: Article) -> str:
        slug = slug_lossy(a.title)[:110].rstrip("-")
        return f"{self.cat}{slug}-{a.id}.html"

    def match(self, path, query):
        if path == self.cat:
            return self.listing(1)
        if path in ("/vi/news/rss/", "/vi/news/rss/cai-cach-hanh-chinh/"):
            return self.rss()
        m = self._re.match(path)
        if not m:
            return None
        if m["page"]:
            return self.listing(int(m["page"]))
        a = self.by_id.get(int(m["id"]))
        if a is None:
            return None
        return self.article(a) if path == a.path else redirect(a.path)  # NukeViet fixes wrong slugs

    def rss(self) -> Response:
        """The module feed NukeViet advertises (<link rel="alternate">)."""
        base = f"http://{self.host}" if self.host else ""
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{escape(base + a.path)}</link>"
            f"<guid isPermaLink=\"false\">{a.id}</guid><description>{escape(a.sapo())}</description>"
            + (f"<pubDate>{a.date:%a, %d %b %Y %H:%M:%S} +0700</pubDate>" if a.date else "") + "</item>"
            for a in self.articles)
        xml = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
               f"<title>{escape(self.info['category'])}</title><link>{escape(base + self.cat)}</link>"
               f"<description>{escape(self.info['site_name'])}</description>{items}</channel></rss>")
        return Response(200, xml.encode("utf-8"), "application/rss+xml; charset=utf-8")

    def date_line(self, a):
        views = f'<span class="hitcount">Lượt xem: {a.views}</span>'
        if not a.date:
            return views
        d = a.date
        return f'<span class="h5">{WEEKDAYS[d.weekday()]} - {d:%d/%m/%Y %H:%M}</span> {views}'

    def list_date(self, a):
        return f'<span class="text-muted">{a.date:%d/%m/%Y %H:%M}</span>' if a.date else ""

    def byline(self, a):
        out = []
        if a.meta.get("byline"):
            out.append(f'<p class="h5 text-right"><strong>Tác giả bài viết: </strong>{escape(a.meta["byline"])}</p>')
        if a.meta.get("source"):
            out.append(f'<p class="h5 text-right"><strong>Nguồn tin: </strong>{escape(a.meta["source"])}</p>')
        return "\n".join(out)


class Liferay(Site):
    """Liferay / VNPT e-portal (Đồng Tháp): asset-publisher listing with _<portlet>_cur=N."""

    family = "liferay"
    cms = "liferay"
    server = "Apache-Coyote/1.1"
    overflow = "clamp"          # Liferay shows the last page again for any _cur past the end
    portlet = "CmsViewTinTrangChuyenMuc_WAR_vnpteportalappportlet"
    base = "/web/guest/tin-tuc-su-kien"
    img_prefix = "/documents/20182/3208514/"
    pdf_prefix = "/documents/20182/0/"
    home = "/web/guest/trang-chu"
    intro = "/web/guest/gioi-thieu"
    contact = "/web/guest/lien-he"
    docs = "/web/guest/van-ban"
    redirects = {"/": "/web/guest/trang-chu", "/web/guest": "/web/guest/trang-chu"}
    _details = re.compile(r"^/news/-/details/20182/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)$")

    @property
    def listings(self):
        p = self.portlet
        return [f"{self.base}?p_p_id={p}&p_p_lifecycle=0&_{p}_delta={self.page_size}"]

    def listing_path(self, page):
        return self.listings[0] + (f"&_{self.portlet}_cur={page}" if page > 1 else "")

    def article_path(self, a):
        slug = slug_drop_d(a.title)
        if a.meta.get("url_style") == "guest":
            return f"/web/guest/-/{slug}"
        return f"/news/-/details/20182/{slug}-{a.id}"

    def match(self, path, query):
        if path == self.base:
            page = _page(query, f"_{self.portlet}_cur")
            return self.listing(page) if page is not None else None
        if path.startswith("/web/guest/-/"):
            found = [a for a in self.articles if a.path == path]
            return self.article(found[0]) if found else None
        m = self._details.match(path)
        if m and int(m["id"]) in self.by_id:
            return self.article(self.by_id[int(m["id"])])
        return None

    def date_line(self, a):
        if a.meta.get("date_line"):
            return escape(a.meta["date_line"])
        return f"{a.date:%d/%m/%Y %H:%M} | Lượt xem: {a.views}"

    def list_date(self, a):
        return f"({a.date:%d/%m/%Y})"

    def pager(self, page):
        inner = super().pager(min(page, self.pages))
        inner = inner.replace('class="pagination"', 'class="lfr-pagination-buttons pager"')
        start = (min(page, self.pages) - 1) * self.page_size
        shown = f"Hiển thị {start + 1} - {min(start + self.page_size, len(self.articles))} trong {len(self.articles)} kết quả"
        return f'<div class="lfr-pagination"><div class="search-results">{shown}</div>{inner}</div>'


class SharePointList(Site):
    """SharePoint list site (Vĩnh Phúc): Lists/TinTuc/AllItems.aspx?Page=N, View_Detail.aspx?ItemID=N."""

    family = "sharepoint-list"
    cms = "sharepoint"
    server = "Microsoft-IIS/8.5"
    case_insensitive = True
    caption_style = "table"
    img_prefix = "/PublishingImages/TinTuc/"
    pdf_prefix = "/Lists/VanBan/Attachments/"
    home = "/Pages/Default.aspx"
    intro = "/Pages/GioiThieu.aspx"
    contact = "/Pages/LienHe.aspx"
    docs = "/Lists/VanBan/AllItems.aspx"
    redirects = {"/": "/Pages/Default.aspx", "/default.aspx": "/Pages/Default.aspx"}

    def listing_path(self, page):
        return "/Lists/TinTuc/AllItems.aspx" + (f"?Page={page}" if page > 1 else "")

    def article_path(self, a):
        return f"/Lists/TinTuc/View_Detail.aspx?ItemID={a.id}"

    def match(self, path, query):
        key = path.lower()
        query = {k.lower(): v for k, v in query.items()}
        if key == "/lists/tintuc/allitems.aspx":
            page = _page(query, "page")
            return self.listing(page) if page is not None else None
        if key == "/lists/tintuc/view_detail.aspx" and query.get("itemid", "").isdigit():
            a = self.by_id.get(int(query["itemid"]))
            return self.article(a) if a else None
        return None

    def date_line(self, a):
        return f"{a.date:%d/%m/%Y}"

    def list_date(self, a):
        return f"({a.date:%d/%m/%Y})"


class SharePointPortal(SharePointList):
    """SharePoint province portal (Quảng Ninh): Trang/Tin-tuc-su-kien.aspx?Cat=82&Page=N."""

    family = "sharepoint-portal"
    caption_style = "pclass"
    img_prefix = "/Images/TinTuc/"
    pdf_prefix = "/Documents/VanBan/"
    home = "/Trang/Default.aspx"
    intro = "/Trang/GioiThieu.aspx"
    contact = "/Trang/LienHe.aspx"
    docs = "/Trang/VanBan.aspx"
    redirects = {"/": "/Trang/Default.aspx", "/default.aspx": "/Trang/Default.aspx"}

    def listing_path(self, page):
        return "/Trang/Tin-tuc-su-kien.aspx?Cat=82" + (f"&Page={page}" if page > 1 else "")

    def article_path(self, a):
        return f"/Trang/ChiTietTinTuc.aspx?nid={a.id}"

    def listed_path(self, a):
        # like Hải Dương's portal, some links carry a redundant, ignored &title=<slug>.html
        return a.path + (f"&title={slug_ascii(a.title)[:80].rstrip('-')}.html" if a.id % 2 else "")

    def match(self, path, query):
        key = path.lower()
        query = {k.lower(): v for k, v in query.items()}
        if key == "/trang/tin-tuc-su-kien.aspx":
            page = _page(query, "page")
            if query.get("cat") != "82" or page is None:
                return None
            return self.listing(page)
        if key == "/trang/chitiettintuc.aspx" and query.get("nid", "").isdigit():
            a = self.by_id.get(int(query["nid"]))
            return self.article(a) if a else None
        return None

    def date_line(self, a):
        return f"{a.date:%d/%m/%Y %H:%M}"

    def list_date(self, a):
        return f"{a.date:%d/%m/%Y %H:%M}"


class Drupal(Site):
    """Drupal 8 (Hà Nội): /tin-tuc-su-kien?page=N (0-based), articles /node/<nid>."""

    family = "drupal"
    cms = "drupal"
    server = "nginx"
    caption_style = "figure"
    img_prefix = "/sites/default/files/"
    pdf_prefix = "/sites/default/files/van-ban/"
    redirects = {"/tin-tuc-su-kien/": "/tin-tuc-su-kien", "/index.php": "/"}
    _node = re.compile(r"^/node/(\d+)$")

    def listing_path(self, page):
        return "/tin-tuc-su-kien" + (f"?page={page - 1}" if page > 1 else "")

    def article_path(self, a):
        return f"/node/{a.id}"

    def match(self, path, query):
        if path == "/tin-tuc-su-kien":
            page = _page(query, "page", 0)
            return self.listing(page + 1) if page is not None else None
        m = self._node.match(path)
        if m and int(m[1]) in self.by_id:
            return self.article(self.by_id[int(m[1])])
        return None

    def date_line(self, a):
        return f"Ngày đăng {a.date:%d/%m/%Y} | {a.date:%H:%M} &nbsp;|&nbsp; View count: {a.views}"

    def pager(self, page):
        return super().pager(page).replace('class="pagination"', 'class="pager__items js-pager__items"')


class AspNetPortal(Site):
    """A bespoke ASP.NET portal (Tuyên Quang's new platform): not configured; for generic mode."""

    family = "aspnet"
    cms = "aspnet"
    server = "Microsoft-IIS/10.0"
    page_size = 2
    caption_style = "figure"
    img_prefix = "/Uploads/Images/"
    pdf_prefix = "/Uploads/VanBan/"
    intro = "/vi/gioi-thieu"
    contact = "/vi/lien-he"
    docs = "/vi/van-ban"
    redirects = {"/vi": "/", "/vi/": "/"}

    def listing_path(self, page):
        return "/GroupNews/5/Cai-cach-hanh-chinh.html" + (f"?page={page}" if page > 1 else "")

    def article_path(self, a):
        return f"/vi/tin-bai/{slug_ascii(a.title)[:100].rstrip('-')}?id={a.id}&type=NEWS"

    def match(self, path, query):
        if path == "/GroupNews/5/Cai-cach-hanh-chinh.html":
            page = _page(query, "page")
            return self.listing(page) if page is not None else None
        if path.startswith("/vi/tin-bai/") and query.get("id", "").isdigit() and query.get("type") == "NEWS":
            a = self.by_id.get(int(query["id"]))
            return self.article(a) if a else None
        return None

    def date_line(self, a):
        return f"{a.date:%d/%m/%Y - %H:%M}"


FAMILIES: dict[str, type[Site]] = {
    "hungyen": NukeViet, "dongthap": Liferay, "vinhphuc": SharePointList,
    "quangninh": SharePointPortal, "hanoi": Drupal, "tuyenquang_like": AspNetPortal,
}


def build_site(name: str) -> Site:
    """The replay site called `name`."""
    return FAMILIES[name](name)
