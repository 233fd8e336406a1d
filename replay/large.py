"""The large replay: 10k–200k invented articles in the real CMS families' markup, on 127.0.0.1.

    python -m replay.large --size 10000 --seed 1          # serve until Ctrl-C, print each site's URL
    python -m replay.large --size 10000 --print-configs   # the site configs a crawl of it uses

Every page is generated from its path and the seed, so nothing is held in memory but the site
chrome: the i-th article of a site is `compose(Random(seed, site, i))` (replay/large_text.py), its
date falls with i (listings stay in order), and its URL is the family's own (NukeViet slugs,
Liferay details, SharePoint ItemID/nid, Drupal node). The sites reuse replay/families.py and its
templates, with the heavier chrome real portals carry (inline CSS and menu scripts, a long footer
of links, visit counters that change on every page) and windowed pagers. The server is a small
asyncio HTTP/1.1 server (keep-alive), one process, one port per site; measure it alone with
`python -m replay.large --size 10000 --selftest`.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import json
import random
import sys
import time
import zlib
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .content import Article, Block
from .families import FAMILIES, Response, Site, links
from .large_text import article_date, compose

# The configured families (generic mode's bespoke ASP.NET portal is left out: a large crawl is
# measured in config mode, where every site has the same cost per page).
LARGE_SITES = ("hungyen", "dongthap", "vinhphuc", "quangninh", "hanoi")
PAGE_SIZE = 20
RELEVANT_SHARE = 0.3
FIRST_ID = 1000


def _site_seed(seed: int, name: str) -> int:
    return zlib.crc32(f"{seed}:{name}".encode())


class LazyArticles:
    """The articles of one large site, newest first, made on demand (a sequence, not a list)."""

    def __init__(self, site: "Site", count: int, seed: int):
        self.site, self.count, self.seed = site, count, seed

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self._article(index)

    def __iter__(self):
        return (self[i] for i in range(self.count))

    def index(self, article: Article) -> int:
        """Position (newest first) of an article of this site."""
        return self.count - 1 - (article.id - FIRST_ID)

    def get(self, article_id: int) -> Article | None:
        """The article with this id, or None (the `by_id` mapping the families use)."""
        k = article_id - FIRST_ID
        return self[self.count - 1 - k] if 0 <= k < self.count else None

    @functools.lru_cache(maxsize=2048)
    def _article(self, index: int) -> Article:
        k = self.count - 1 - index          # k = 0 is the oldest article
        rng = random.Random(self.seed * 1_000_003 + k)
        date = article_date(index, rng)
        relevant = rng.random() < RELEVANT_SHARE
        content = compose(rng, self.site.info["province"], date, relevant)
        blocks = [Block("p", text=p) for p in content["paragraphs"]]
        if rng.random() < 0.7:
            caption = f"Quang cảnh {content['title'][0].lower()}{content['title'][1:60]}"
            blocks.insert(min(2, len(blocks)), Block("img", captions=[caption],
                                                     src=f"{date:%Y_%m}/anh-{k}.jpg"))
        if content["author"]:
            blocks.append(Block("sign", text=content["author"]))
        blocks.append(Block("sign", text=content["signature"]))
        article = Article(id=FIRST_ID + k, title=content["title"], date=date, sort_date=date,
                          author=content["author"], relevant=relevant, blocks=blocks,
                          meta={"views": str(50 + rng.randrange(5000))})
        article.path = self.site.article_path(article)
        article.listed_path = self.site.listed_path(article)
        return article


class ArticlesById:
    """`by_id` of a large site: article id → Article, made on demand."""

    def __init__(self, articles: LazyArticles):
        self.articles = articles

    def get(self, article_id: int) -> Article | None:
        """The article with this id, or None."""
        return self.articles.get(article_id)

    def __getitem__(self, article_id: int) -> Article:
        found = self.articles.get(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def __contains__(self, article_id: int) -> bool:
        return 0 <= article_id - FIRST_ID < self.articles.count


def _heavy_chrome(name: str, seed: int) -> tuple[str, str]:
    """(head, foot) blocks of one site: what every real portal page repeats around its content."""
    rng = random.Random(_site_seed(seed, name))
    agencies = ["Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Tư pháp", "Sở Y tế",
                "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
                "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh",
                "Ban Dân tộc", "Sở Ngoại vụ", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]
    menu_items = []
    for i in range(90):
        label = f"{rng.choice(agencies)} - {rng.choice(['Tin tức', 'Văn bản', 'Thủ tục', 'Hỏi đáp', 'Thông báo', 'Lịch công tác'])} {i}"
        menu_items.append({"id": 100 + i, "title": label, "url": f"/muc/{100 + i}", "parent": rng.randrange(0, 100 + i)})
    css = "".join(f".m{i}{{margin:{rng.randrange(0, 9)}px {rng.randrange(0, 20)}px;color:#{rng.randrange(0x1000000):06x};"
                  f"font-size:{rng.randrange(11, 18)}px}}\n" for i in range(120))
    head = (f'<style type="text/css">{css}</style>\n<script type="text/javascript">var portalMenu = '
            f'{json.dumps(menu_items, ensure_ascii=False)};\nfunction toggleMenu(id){{var e=document.getElementById("m"+id);'
            'if(e){e.style.display=e.style.display=="none"?"block":"none";}}</script>\n')
    footer_links = [(f"{rng.choice(agencies)} tỉnh {rng.randrange(1, 64)}", f"https://portal{i}.gov.vn/")
                    for i in range(60)]
    foot = ('<div id="footer-links" class="footer-links"><h3>Liên kết website</h3><ul>'
            + links(footer_links) + '</ul><p class="copyright">Bản quyền thuộc về ' + escape(name)
            + '. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></div>\n'
            '<script type="text/javascript">(function(){var ga=document.createElement("script");'
            'ga.async=true;ga.src="/assets/js/stats.js";document.body.appendChild(ga);})();</script>\n')
    return head, foot


class LargeSite:
    """Mixin over a family class: articles from LazyArticles, heavy chrome, windowed pagers."""

    page_size = PAGE_SIZE

    def __init__(self, name: str, count: int, seed: int):  # noqa: D107 (replaces Site.__init__)
        from .content import CONTENT

        self.name = name
        self.host = ""
        self.info = json.loads((CONTENT / name / "site.json").read_text(encoding="utf-8"))
        self.info["documents"] = self.info.get("documents", [])
        self.articles = LazyArticles(self, count, _site_seed(seed, name))
        self.by_id = ArticlesById(self.articles)
        self.pages = max(1, -(-count // self.page_size))
        self.pdfs = {self._key(self.pdf_prefix + d["file"]): d for d in self.info["documents"]}
        self.chrome_head, self.chrome_foot = _heavy_chrome(name, seed)

    def html(self, text: str, status: int = 200, modified: datetime | None = None) -> Response:
        """The family's page with the site's heavy chrome and a per-page visit counter."""
        counter = int(hashlib.blake2b(text[:4000].encode(), digest_size=4).hexdigest(), 16)
        text = text.replace("</head>", self.chrome_head + "</head>", 1)
        text = text.replace("</body>", self.chrome_foot + f'<div class="visits">Đang truy cập: {counter % 97 + 3}'
                            f' - Hôm nay: {counter % 4000 + 200} - Tổng: {counter % 900000 + 1900000}</div>\n</body>', 1)
        return Response(status, text.encode("utf-8"), modified=modified)

    def pager(self, page: int) -> str:
        """First, previous, ten page numbers around this one, next, last (as large portals show)."""
        if self.pages <= 1:
            return ""
        page = min(max(page, 1), self.pages)
        parts = []
        if page > 1:
            parts.append(f'<li class="prev"><a href="{escape(self.listing_path(page - 1))}">« Trang trước</a></li>')
        for n in sorted({1, *range(max(1, page - 5), min(self.pages, page + 5) + 1), self.pages}):
            if n == page:
                parts.append(f'<li class="active"><span>{n}</span></li>')
            else:
                parts.append(f'<li><a href="{escape(self.listing_path(n))}">{n}</a></li>')
        if page < self.pages:
            parts.append(f'<li class="next"><a href="{escape(self.listing_path(page + 1))}">Trang sau »</a></li>')
        return f'<ul class="pagination">{"".join(parts)}</ul>'

    def related(self, a: Article, n: int = 5) -> list[Article]:
        i = self.articles.index(a)
        return [self.articles[j] for j in range(i + 1, min(i + 1 + n, len(self.articles)))]

    def rss(self) -> Response:  # the NukeViet feed: the 20 newest only
        saved, self.articles = self.articles, self.articles[:20]
        try:
            return super().rss()  # type: ignore[misc]
        finally:
            self.articles = saved


@functools.lru_cache(maxsize=None)
def _large_class(family_cls: type[Site]) -> type:
    return type(f"Large{family_cls.__name__}", (LargeSite, family_cls), {})


def build_large_site(name: str, count: int, seed: int = 1) -> Site:
    """The large replay site `name` (one of LARGE_SITES) with `count` articles."""
    return _large_class(FAMILIES[name])(name, count, seed)


def render(site: Site, target: str, host: str = "127.0.0.1") -> bytes:
    """The body the server sends for `target` (path + query), rendered in this process."""
    parts = urlsplit(target)
    return site.route(parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True)), host).body


def split_sizes(total: int, sites: tuple[str, ...] = LARGE_SITES) -> dict[str, int]:
    """`total` articles shared out over the sites (the first ones get the remainder)."""
    base, extra = divmod(total, len(sites))
    return {name: base + (1 if i < extra else 0) for i, name in enumerate(sites)}


def site_configs(base_urls: dict[str, str], sizes: dict[str, int]) -> list[dict]:
    """The crawler configs (as dicts for crawler.sites.from_dict) for the running large sites:
    the repository's configs with the loopback base URL and a page budget that covers every page."""
    from crawler.sites import load_site

    out = []
    for name, url in base_urls.items():
        config = load_site(name).for_replay(url).as_dict()  # the replay's layout (`replay:` block)
        config["pagination"]["max_pages"] = -(-sizes[name] // PAGE_SIZE) + 2
        out.append(config)
    return out


def truth(sites: dict[str, Site]) -> list[dict]:
    """Every article's site, URL, title, date and relevance (the check of a crawl's result)."""
    return [{"site": name, "url": a.path, "title": a.title, "published_date": a.date.date().isoformat(),
             "relevant": a.relevant} for name, site in sites.items() for a in site.articles]


# --- the server ------------------------------------------------------------------------------------

_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}


def _http_date(value: datetime) -> str:
    from datetime import timedelta, timezone
    from email.utils import format_datetime

    return format_datetime(value.replace(tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc), usegmt=True)


def answer(site: Site, method: str, target: str, host: str) -> bytes:
    """The full HTTP/1.1 response (head + body) to one request."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        resp = site.route(parts.path or "/", query, host)
    except Exception as exc:  # a bug in the replay must not look like a network error
        resp = Response(500, f"replay error: {exc!r}".encode(), "text/plain; charset=utf-8")
    head = [f"HTTP/1.1 {resp.status} {_REASONS.get(resp.status, 'OK')}", f"Server: {site.server}",
            f"Content-Type: {resp.content_type}", f"Content-Length: {len(resp.body)}"]
    if resp.modified:
        head.append(f"Last-Modified: {_http_date(resp.modified)}")
    head.extend(f"{k}: {v}" for k, v in resp.headers.items())
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
    return raw if method == "HEAD" else raw + resp.body


async def _serve_connection(site: Site, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, *_ = lines[0].split(" ") + ["", ""]
            headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
            length = int(headers.get("content-length") or 0)
            if length:
                await reader.readexactly(length)
            writer.write(answer(site, method, target, headers.get("host", "")))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                return
    except ConnectionError:
        return
    finally:
        writer.close()


async def serve_sites(sizes: dict[str, int], seed: int, host: str = "127.0.0.1",
                      ready=None, base_port: int = 0) -> None:
    """Serve the large sites until cancelled; call `ready({name: base URL})` once listening."""
    servers, urls = [], {}
    for i, (name, count) in enumerate(sizes.items()):
        site = build_large_site(name, count, seed)
        server = await asyncio.start_server(functools.partial(_serve_connection, site), host,
                                            base_port + i if base_port else 0, backlog=512)
        servers.append(server)
        urls[name] = f"http://{host}:{server.sockets[0].getsockname()[1]}"
    if ready:
        ready(urls)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def _selftest(sizes: dict[str, int], seed: int, seconds: float, connections: int) -> None:
    """Serve in a child process and fetch article pages with keep-alive clients; print pages/s."""
    import http.client
    import subprocess
    import threading

    proc = subprocess.Popen([sys.executable, "-m", "replay.large", "--size", str(sum(sizes.values())),
                             "--seed", str(seed)], stdout=subprocess.PIPE, text=True,
                            cwd=str(Path(__file__).resolve().parent.parent))
    try:
        urls = json.loads(proc.stdout.readline())
        local = {name: build_large_site(name, n, seed) for name, n in sizes.items()}
        done, nbytes = [0], [0]
        stop = time.perf_counter() + seconds

        def client(k: int) -> None:
            name = list(urls)[k % len(urls)]
            parts = urlsplit(urls[name])
            conn = http.client.HTTPConnection(parts.hostname, parts.port)
            rng = random.Random(k)
            while time.perf_counter() < stop:
                a = local[name].articles[rng.randrange(len(local[name].articles))]
                conn.request("GET", a.path)
                body = conn.getresponse().read()
                done[0] += 1
                nbytes[0] += len(body)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        print(f"{done[0]} article pages in {elapsed:.1f} s over {connections} keep-alive connections: "
              f"{done[0] / elapsed:.0f} pages/s, {nbytes[0] / max(done[0], 1) / 1024:.1f} KiB/page")
    finally:
        proc.terminate()
        proc.wait()


def main(argv: list[str] | None = None) -> None:
    """Serve the large replay (prints one JSON line {site: base URL}, then serves until killed)."""
    parser = argparse.ArgumentParser(prog="python -m replay.large", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="articles in all (shared over the sites)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--print-configs", action="store_true", help="print the site configs and exit")
    parser.add_argument("--selftest", type=float, metavar="SECONDS", help="measure the server alone")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    sizes = split_sizes(args.size)
    if args.selftest:
        _selftest(sizes, args.seed, args.selftest, args.connections)
        return

    def ready(urls: dict[str, str]) -> None:
        if args.print_configs:
            print(json.dumps(site_configs(urls, sizes), ensure_ascii=False, indent=1))
            raise SystemExit(0)
        print(json.dumps(urls), flush=True)

    try:
        asyncio.run(serve_sites(sizes, args.seed, args.host, ready))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
