"""A hostile portal on loopback: 20 good articles among URLs that misbehave the way real servers do.

Standard library only, 127.0.0.1 only, every fault bounded (a hang ends after HANG_SECONDS, the
gzip bomb inflates to BOMB_BYTES, the endless calendar and pager are endless only in name: each
answer is built on the fly and costs nothing). A second server on another port of the same host
stands for "somewhere else" (a redirect there must not be followed).

    with start_hostile() as site:
        site.base_url          # http://127.0.0.1:PORT
        site.good_articles     # {path: title} of the 20 articles a crawl must store, once each
        site.requests          # [(method, path, headers)] every request received, in order

Layout (a bespoke CMS): `/` (menu, calendar widget), listing `/tin-tuc?page=N` (endless: pages
after the last list nothing new but still link a next page), articles `/tin-tuc/<slug>-<id>.html`,
calendar `/su-kien/ngay-YYYY-MM-DD[?view=week]` (article-shaped; every day links the days around it,
for ever).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import socket
import struct
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HANG_SECONDS = 10.0            # a hanging URL answers nothing for this long, then closes
BOMB_BYTES = 200 * 1024 * 1024  # what the gzip bomb inflates to
HUGE_BYTES = 21 * 1024 * 1024   # the oversized page (above the crawler's per-page cap)
PER_PAGE = 12                   # listing items per page
RETRY_AFTER_SECONDS = 1         # what the 503 asks for before it answers

_MODIFIED = dt.datetime(2024, 6, 3, 8, 30, tzinfo=dt.timezone.utc)

_UNITS = ["phòng Cải cách hành chính", "Văn phòng Sở", "phòng Tổ chức, biên chế", "Thanh tra Sở",
          "phòng Xây dựng chính quyền", "Ban Tôn giáo"]
_PLACES = ["Hội trường Sở Nội vụ", "Trung tâm Hội nghị tỉnh", "Trường Chính trị tỉnh", "UBND huyện Lâm Sơn",
           "Nhà văn hóa huyện Đồng Xuân"]
_TOPICS = ["kỹ năng soạn thảo văn bản hành chính", "chấm điểm Chỉ số cải cách hành chính",
           "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "văn hóa công vụ",
           "quản lý hồ sơ điện tử", "vận hành Cổng dịch vụ công trực tuyến", "tiếp công dân",
           "thực hiện cơ chế một cửa liên thông", "đánh giá cán bộ, công chức", "kiểm soát thủ tục hành chính"]
_NAMES = ["Nguyễn Thị Hằng", "Trần Văn Lộc", "Lê Minh Tuấn", "Phạm Thu Trang", "Hoàng Đức Thịnh",
          "Vũ Thị Ngọc Ánh", "Đặng Quốc Bảo", "Bùi Thanh Sơn", "Đỗ Hải Yến", "Ngô Văn Khải"]


@dataclass
class Article:
    """One good article of the hostile site."""

    number: int
    title: str
    date: dt.date
    paragraphs: list[str]

    @property
    def path(self) -> str:
        return f"/tin-tuc/boi-duong-cchc-so-{self.number}-{1000 + self.number}.html"


def _articles() -> list[Article]:
    out = []
    for n in range(1, 21):
        topic, unit = _TOPICS[n % len(_TOPICS)], _UNITS[n % len(_UNITS)]
        place, name = _PLACES[n % len(_PLACES)], _NAMES[n % len(_NAMES)]
        day = dt.date(2024, 1 + n % 12, 1 + (3 * n) % 27)
        learners = 40 + 7 * n
        title = f"Sở Nội vụ tổ chức lớp bồi dưỡng {topic} đợt {n} năm 2024"
        paragraphs = [
            f"Ngày {day.day:02d}/{day.month:02d}/{day.year}, tại {place}, Sở Nội vụ phối hợp với {unit} tổ chức "
            f"lớp bồi dưỡng {topic} cho cán bộ, công chức, viên chức của các sở, ban, ngành và UBND các huyện.",
            f"Tham dự lớp bồi dưỡng có {learners} học viên là công chức làm công tác cải cách hành chính, "
            f"công chức tiếp nhận hồ sơ tại Bộ phận Một cửa các cấp.",
            f"Phát biểu khai mạc, bà {name}, Phó Giám đốc Sở Nội vụ, nhấn mạnh việc nâng cao năng lực đội ngũ "
            f"là nhiệm vụ trọng tâm của chương trình cải cách hành chính giai đoạn 2021 - 2030 (đợt {n}).",
            f"Trong thời gian học tập, các học viên được truyền đạt chuyên đề về {topic}, trao đổi kinh nghiệm "
            f"thực tiễn và làm bài kiểm tra cuối khóa; {n + 2} học viên đạt loại giỏi.",
            "Kết thúc lớp học, Sở Nội vụ cấp giấy chứng nhận cho các học viên hoàn thành chương trình.",
        ]
        out.append(Article(n, title, day, paragraphs))
    return out


ARTICLES = _articles()


def _chrome(title: str, main: str, extra_head: str = "", charset: str = "utf-8") -> str:
    menu = ('<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức sự kiện</a></li>'
            '<li><a href="/gioi-thieu">Giới thiệu</a></li><li><a href="/lien-he">Liên hệ</a></li></ul>')
    calendar = ('<div class="calendar">Lịch công tác: <a href="/su-kien/ngay-2024-05-01">01/05</a> '
                '<a href="/su-kien/ngay-2024-05-02">02/05</a></div>')
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}"><title>{title}</title>{extra_head}'
            f'</head><body><div class="header"><div class="banner">SỞ NỘI VỤ TỈNH LÂM SƠN</div>{menu}</div>'
            f'<div class="main">{main}</div><div class="sidebar">{calendar}</div>'
            '<div class="footer">Cơ quan chủ quản: Sở Nội vụ tỉnh Lâm Sơn. Địa chỉ: số 1 đường Trần Phú. '
            'Điện thoại: 0200 3822 123.</div></body></html>')


def article_html(a: Article, charset: str = "utf-8", canonical: str | None = None, script_noise: bool = False) -> str:
    """The page of one good article."""
    body = "".join(f"<p>{p}</p>" for p in a.paragraphs)
    noise = '<script>var s = "\x0b";\x0b</script>\x0b' if script_noise else ""
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    main = (f'<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/tin-tuc">Tin tức</a></div>{noise}'
            f'<h1 class="title">{a.title}</h1><div class="date">Ngày đăng: {a.date:%d/%m/%Y}</div>'
            f'<div class="content">{body}</div><div class="author">Phòng CCHC</div>')
    return _chrome(a.title, main, head, charset=charset)


@dataclass
class Fault:
    """A misbehaving URL listed among the articles, with what a crawler must do about it."""

    path: str
    kind: str
    expect: str


def faults(other_base: str) -> list[Fault]:
    """Every misbehaving URL the listing links to (in listing order)."""
    return [
        Fault("/tin-tuc/loi-may-chu-5001.html", "500", "HTTP 500 logged, not an article"),
        Fault("/tin-tuc/khong-tim-thay-5002.html", "404", "HTTP 404 logged, not an article"),
        Fault("/tin-tuc/treo-ket-noi-5003.html", "hang", "timeout logged"),
        Fault("/tin-tuc/ngat-ket-noi-5004.html", "reset", "connection reset logged"),
        Fault("/tin-tuc/cat-ngang-5005.html", "truncated", "truncated body logged, not stored"),
        Fault("/tin-tuc/vong-lap-5006.html", "redirect_loop", "redirect loop ends"),
        Fault("/tin-tuc/chuoi-chuyen-huong-5007.html", "redirect_chain", "redirect chain ends at the cap"),
        Fault("/tin-tuc/gzip-hong-5008.html", "bad_gzip", "undecodable gzip logged"),
        Fault("/tin-tuc/bom-gzip-5009.html", "gzip_bomb", "stopped at the size cap"),
        Fault("/tin-tuc/sang-cong-khac-5010.html", "redirect_other_port", "redirect outside the site not followed"),
        Fault(f"{other_base}/tin-tuc/bai-ngoai-5011.html", "other_port_link", "never requested"),
        Fault("/tin-tuc/anh-png-5012.html", "png_as_html", "not an article"),
        Fault("/tin-tuc/bai-da-xoa-5013.html", "soft_404", "not an article"),
        Fault("/tin-tuc/trang-khong-lo-5014.html", "huge", "stopped at the size cap"),
        Fault(ARTICLES[0].path.replace("-1001.html", "-ban-sao-1001.html"), "duplicate", "linked, not a second article"),
        Fault(ARTICLES[1].path + "?utm_source=facebook&utm_medium=social", "utm", "same request as the article"),
        Fault(ARTICLES[1].path + "?utm_source=zalo", "utm", "same request as the article"),
    ]


# Which good articles carry an encoding or markup fault of their own (and must still come out right).
HEADER_CP1258 = 3     # Content-Type: text/html; charset=windows-1258, body in windows-1258, <meta> silent
MISDECLARED = 4       # header and <meta> say UTF-8, the body is windows-1258
CONTROL_CHARS = 5     # \x0b after an inline <script>
RETRY_AFTER = 6       # first answer 503 with Retry-After, then the article
CANONICAL = 7         # served under a ?print=1 URL too, with <link rel=canonical> to the article


_CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text in windows-1258 as Vietnamese Windows wrote it: base letters precomposed
    where the code page has them (ơ, ư, â …), tone marks as combining characters after them."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _CP1258_TONES))
        tones = "".join(c for c in decomposed if c in _CP1258_TONES)
        out += (base + tones).encode("cp1258", errors="xmlcharrefreplace")
    return bytes(out)


def _png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


_BOMB: bytes | None = None
_BOMB_LOCK = threading.Lock()


def gzip_bomb() -> bytes:
    """BOMB_BYTES of zeros, gzipped (≈200 kB), built once."""
    global _BOMB
    with _BOMB_LOCK:
        if _BOMB is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, 31)
            block = b"\x00" * (1024 * 1024)
            parts = [comp.compress(block) for _ in range(BOMB_BYTES // len(block))]
            parts.append(comp.flush())
            _BOMB = b"".join(parts)
        return _BOMB


@dataclass
class HostileSite:
    """A running hostile site and its witness on another port."""

    base_url: str
    other_base: str
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    _servers: list = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)

    @property
    def good_articles(self) -> dict[str, str]:
        """{path: title} of the articles a crawl must store (each exactly once)."""
        return {a.path: a.title for a in ARTICLES}

    def paths_requested(self, prefix: str = "") -> list[str]:
        """Paths (with query) of the GET requests received so far that start with `prefix`."""
        return [p for m, p, _ in self.requests if m == "GET" and p.startswith(prefix)]

    def change_article(self, number: int, sentence: str) -> None:
        """Make article `number` answer with one more paragraph from now on (a corrected article)."""
        self.changed[ARTICLES[number - 1].path] = sentence

    def stop(self) -> None:
        """Shut both servers down."""
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers = []

    def __enter__(self) -> "HostileSite":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _listing(page: int, fault_list: list[Fault]) -> str:
    links: list[tuple[str, str]] = []
    items = [(a.path, a.title) for a in ARTICLES]
    bad = [(f.path, f"Tin tức số {i + 1}: thông báo của Sở Nội vụ về công tác cải cách") for i, f in enumerate(fault_list)]
    merged: list[tuple[str, str]] = []
    for i in range(max(len(items), len(bad))):  # good and bad interleaved, as real listings would be
        merged += items[i:i + 1] + bad[i:i + 1]
    merged.append((ARTICLES[CANONICAL - 1].path + "?print=1", "Bản in: " + ARTICLES[CANONICAL - 1].title))
    start = (page - 1) * PER_PAGE
    links = merged[start:start + PER_PAGE] if page >= 1 else []
    lis = "".join(f'<li class="news-item"><a href="{u}">{t}</a> <span class="date">01/05/2024</span></li>'
                  for u, t in links)
    pager = (f'<div class="pagination"><a href="/tin-tuc?page={max(page - 1, 1)}">Trang trước</a> '
             f'<a href="/tin-tuc?page={page}">{page}</a> <a href="/tin-tuc?page={page + 1}">Trang sau</a></div>')
    days = "".join(_day_link(dt.date(2024, 5, d)) for d in (1, 2, 3))
    return _chrome(f"Tin tức sự kiện - trang {page}",
                   f'<h1>Tin tức sự kiện</h1><ul class="news-list">{lis}</ul>{pager}'
                   f'<h2>Lịch công tác</h2><ul class="calendar-days">{days}</ul>')


def _day_link(day: dt.date, week: bool = False) -> str:
    suffix = "?view=week" if week else ""
    label = f"Lịch công tác {'tuần' if week else 'ngày'} {day:%d/%m/%Y} của lãnh đạo Sở Nội vụ tỉnh Lâm Sơn"
    return f'<li><a href="/su-kien/ngay-{day:%Y-%m-%d}{suffix}">{label}</a></li>'


def _calendar(day: dt.date) -> str:
    """One day of the endless calendar: every day links the next and previous days (and weeks)."""
    links = "".join(_day_link(day + dt.timedelta(days=d), week) for d in (-1, 1, 2) for week in (False, True))
    main = (f'<h1>Lịch công tác ngày {day:%d/%m/%Y}</h1><p>Không có sự kiện.</p>'
            f'<ul class="calendar-days">{links}</ul>')
    return _chrome(f"Lịch công tác {day:%d/%m/%Y}", main)


def _handler(site: HostileSite, fault_list: list[Fault]) -> type[BaseHTTPRequestHandler]:
    by_path = {f.path: f for f in fault_list if f.path.startswith("/")}
    articles = {a.path: a for a in ARTICLES}
    attempts: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "Apache"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        timeout = HANG_SECONDS + 2

        def log_message(self, format: str, *args) -> None:  # quiet
            pass

        def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None, conditional: bool = False) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if conditional and status == 200:
                if (self.headers.get("If-None-Match") == etag
                        or (self.headers.get("If-Modified-Since") == format_datetime(_MODIFIED, usegmt=True)
                            and not self.headers.get("If-None-Match"))):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if conditional and status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", format_datetime(_MODIFIED, usegmt=True))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def redirect(self, location: str, status: int = 302) -> None:
            self.send(status, b"", headers={"Location": location})

        def do_GET(self) -> None:  # noqa: N802
            with lock:
                site.requests.append(("GET", self.path, dict(self.headers.items())))
            try:
                self.answer()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def answer(self) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, dict(parse_qsl(parts.query))
            with lock:
                attempts[self.path] = attempts.get(self.path, 0) + 1
                n_attempt = attempts[self.path]
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow: /admin/\n", "text/plain")
            if path == "/":
                return self.send(200, _chrome("Sở Nội vụ tỉnh Lâm Sơn", '<h1>Trang chủ</h1><a href="/tin-tuc">Xem tin tức</a>').encode())
            if path == "/tin-tuc":
                return self.send(200, _listing(int(query.get("page", "1") or 1), fault_list).encode())
            if path.startswith("/su-kien/ngay-"):
                try:
                    day = dt.date.fromisoformat(path.rsplit("ngay-", 1)[1])
                except ValueError:
                    day = dt.date(2024, 5, 1)
                return self.send(200, _calendar(day).encode())
            if path in articles:
                a = articles[path]
                if a.number == RETRY_AFTER and n_attempt == 1:
                    return self.send(503, b"<h1>Service Unavailable</h1>", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
                if a.number == CANONICAL and query.get("print"):
                    html = article_html(a, canonical=site.base_url + a.path).replace("<h1", '<div class="print">In</div><h1')
                    return self.send(200, html.encode(), conditional=True)
                if a.number == HEADER_CP1258:
                    html = article_html(a).replace('<meta charset="utf-8">', "")
                    return self.send(200, encode_cp1258(html), "text/html; charset=windows-1258", conditional=True)
                if a.number == MISDECLARED:
                    return self.send(200, encode_cp1258(article_html(a)), "text/html; charset=utf-8", conditional=True)
                html = article_html(a, script_noise=a.number == CONTROL_CHARS)
                if path in site.changed:
                    html = html.replace("</div><div class=\"author\">", f"<p>{site.changed[path]}</p></div><div class=\"author\">")
                return self.send(200, html.encode(), conditional=True)
            fault = by_path.get(path)
            if fault is None:
                return self.send(404, _chrome("Không tìm thấy", "<h1>404</h1><p>Không tìm thấy trang.</p>").encode())
            return getattr(self, "fault_" + fault.kind)()

        # -- the faults ---------------------------------------------------------------------
        def fault_500(self) -> None:
            self.send(500, b"<h1>Internal Server Error</h1>")

        def fault_404(self) -> None:
            self.send(404, _chrome("404", "<h1>Không tìm thấy trang</h1>").encode())

        def fault_hang(self) -> None:
            time.sleep(HANG_SECONDS)
            self.close_connection = True

        def fault_reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def fault_truncated(self) -> None:
            body = article_html(ARTICLES[9]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

        def fault_redirect_loop(self) -> None:
            self.redirect(self.path if "?" in self.path else self.path + "?lan=1")

        def fault_redirect_chain(self) -> None:
            query = dict(parse_qsl(urlsplit(self.path).query))
            hop = int(query.get("hop", "0")) + 1
            self.redirect(urlsplit(self.path).path + f"?hop={hop}", 301)

        def fault_bad_gzip(self) -> None:
            self.send(200, b"\x1f\x8b\x08\x00garbage-that-is-not-deflate" * 4, headers={"Content-Encoding": "gzip"})

        def fault_gzip_bomb(self) -> None:
            self.send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})

        def fault_redirect_other_port(self) -> None:
            self.redirect(site.other_base + "/tin-tuc/bai-ngoai-5011.html")

        def fault_png_as_html(self) -> None:
            self.send(200, _png(), "text/html")

        def fault_soft_404(self) -> None:
            main = ('<h1>Thông báo</h1><p>Bài viết không tồn tại hoặc đã bị xóa.</p>'
                    '<p><a href="/">Quay lại trang chủ</a></p>')
            self.send(200, _chrome("Thông báo", main).encode())

        def fault_huge(self) -> None:
            head = article_html(ARTICLES[10]).encode()
            pad = b"<p>" + b"x" * 1021 + b"</p>"
            body = head + pad * ((HUGE_BYTES - len(head)) // len(pad) + 1)
            self.send(200, body)

        def fault_duplicate(self) -> None:
            self.send(200, article_html(ARTICLES[0]).encode(), conditional=True)

    return Handler


def _other_handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Other(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            site.requests.append(("GET", "OTHER" + self.path, dict(self.headers.items())))
            a = ARTICLES[11]
            html = article_html(a).replace(a.title, "Bài của một trang khác: " + a.title).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

    return Other


def start_hostile(host: str = "127.0.0.1") -> HostileSite:
    """Start the hostile site and its other-port witness on free ports of `host` (daemon threads)."""
    other = ThreadingHTTPServer((host, 0), BaseHTTPRequestHandler)
    other_base = f"http://{host}:{other.server_address[1]}"
    main = ThreadingHTTPServer((host, 0), BaseHTTPRequestHandler)
    site = HostileSite(base_url=f"http://{host}:{main.server_address[1]}", other_base=other_base)
    main.RequestHandlerClass = _handler(site, faults(other_base))
    other.RequestHandlerClass = _other_handler(site)
    for srv in (main, other):
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True, name="hostile").start()
    site._servers = [main, other]
    return site


def site_config(base_url: str) -> dict:
    """The hostile site as a config-mode site (crawler.sites.from_dict input)."""
    return {"name": "hostile", "province": "Lâm Sơn", "site_name": "Sở Nội vụ tỉnh Lâm Sơn", "base_url": base_url,
            "cms": "unknown", "listings": ["/tin-tuc"], "article_url": r"/tin-tuc/[\w-]+-\d+\.html",
            "pagination": {"style": "query", "param": "page", "first": 1, "max_pages": 50}}


if __name__ == "__main__":  # python -m replay.hostile: serve until Ctrl-C
    running = start_hostile()
    print(f"hostile site at {running.base_url}/ (other port: {running.other_base})")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        running.stop()
