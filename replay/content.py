"""Replay content: one folder per site under replay/content/<site>/.

- `site.json`: the site's identity, chrome numbers, static pages (intro, contact, documents).
- `NN-<name>.md`: one article each. A front-matter block (``key: value`` lines between ``---``)
  then the body, one block per non-empty line:

  - ``![caption line 1 | caption line 2](2019_11/photo.jpg)``: a photo with its caption
  - ``> text``: a signature line at the end of the body (author, unit)
  - anything else: a paragraph, written as it should appear on the page

Front-matter keys: id, title, date ("YYYY-MM-DD HH:MM[:SS]" or empty: the page shows no date),
sort_date (listing order when date is empty), author (the truth, null if empty), relevant,
seed (seed file name), views, sapo, date_line (overrides the family's date format), byline (a
CMS author field shown outside the body), source, nfd (serve the body NFD-decomposed),
url_style (family-specific URL variant).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

CONTENT = Path(__file__).parent / "content"
SITE_NAMES = ("vinhphuc", "hanoi", "dongthap", "hungyen", "quangninh", "tuyenquang_like")

_IMG = re.compile(r"^!\[(?P<cap>[^\]]*)\]\((?P<src>[^)]+)\)$")


@dataclass
class Block:
    """One body block: kind is "p", "img" or "sign"."""

    kind: str
    text: str = ""
    captions: list[str] = field(default_factory=list)
    src: str = ""


@dataclass
class Article:
    """An article of a replay site, as written in its .md file."""

    id: int
    title: str
    date: datetime | None
    sort_date: datetime
    author: str | None
    relevant: bool
    blocks: list[Block]
    meta: dict[str, str]
    path: str = ""          # set by the family: the canonical URL path (+query) served
    listed_path: str = ""   # the URL the listings link to, when it differs from `path`

    @property
    def seed(self) -> str | None:
        return self.meta.get("seed") or None

    @property
    def views(self) -> int:
        return int(self.meta.get("views") or 100 + self.id % 900)

    def text(self) -> str:
        """The body as plain text (paragraphs, captions, signature lines), one block a line."""
        out = []
        for b in self.blocks:
            out.extend(b.captions if b.kind == "img" else [b.text])
        return "\n".join(t for t in out if t)

    def sapo(self, words: int = 40) -> str:
        """The listing summary: the `sapo` key or the first words of the first paragraph."""
        if self.meta.get("sapo"):
            return self.meta["sapo"]
        first = next(b.text for b in self.blocks if b.kind == "p")
        parts = first.split()
        return " ".join(parts[:words]) + ("..." if len(parts) > words else "")


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r}")


def parse_article(text: str) -> Article:
    """Parse one article file (front matter + body)."""
    if not text.startswith("---\n"):
        raise ValueError("article file must start with a --- front-matter block")
    head, body = text[4:].split("\n---\n", 1)
    meta: dict[str, str] = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    blocks = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        m = _IMG.match(line)
        if m:
            caps = [c.strip() for c in m["cap"].split("|") if c.strip()]
            blocks.append(Block("img", captions=caps, src=m["src"]))
        elif line.startswith("> "):
            blocks.append(Block("sign", text=line[2:].strip()))
        else:
            blocks.append(Block("p", text=line))
    date = _parse_date(meta.get("date", ""))
    sort_date = _parse_date(meta.get("sort_date", "")) or date
    if sort_date is None:
        raise ValueError(f"article {meta.get('id')} needs date or sort_date")
    return Article(
        id=int(meta["id"]), title=meta["title"], date=date, sort_date=sort_date,
        author=meta.get("author") or None, relevant=meta.get("relevant", "false") == "true",
        blocks=blocks, meta=meta,
    )


def load_site(name: str) -> tuple[dict, list[Article]]:
    """Return (site.json as a dict, articles newest first) for one site."""
    folder = CONTENT / name
    info = json.loads((folder / "site.json").read_text(encoding="utf-8"))
    articles = [parse_article(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.md"))]
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{name}: duplicate article ids")
    articles.sort(key=lambda a: (a.sort_date, a.id), reverse=True)
    return info, articles


# --- slugs: each CMS family mangles Vietnamese differently -------------------------------------

def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slug_ascii(text: str) -> str:
    """A proper transliteration: diacritics removed, đ → d ("quyet-dinh")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _words("".join(c for c in text if not unicodedata.combining(c)))


def slug_drop_d(text: str) -> str:
    """Liferay-style: diacritics removed but đ dropped ("quyet-inh")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "").replace("Đ", ""))
    return _words("".join(c for c in text if not unicodedata.combining(c)))


def slug_lossy(text: str) -> str:
    """An old generator: letters with two diacritics (ứ, ệ, ộ …) and đ vanish ("t-c-su-ki-n")."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        marks = sum(1 for c in parts if unicodedata.combining(c))
        out.append("-" if marks >= 2 or ch in "đĐ" else parts[0])
    return _words("".join(out))


def nfd(text: str) -> str:
    """Decomposed Unicode, as text pasted from some word processors arrives."""
    return unicodedata.normalize("NFD", text)


def body_html(article: Article, style: str, img_prefix: str) -> str:
    """Render the body blocks; `style` picks how photos and captions are marked up:
    "figure" (figure/figcaption), "table" (a table with a caption cell) or "pclass"
    (<p class="image-caption">)."""
    conv = nfd if article.meta.get("nfd") == "true" else (lambda s: s)
    out = []
    for b in article.blocks:
        if b.kind == "p":
            out.append(f'<p style="text-align: justify;">{escape(conv(b.text))}</p>')
        elif b.kind == "sign":
            out.append(f'<p style="text-align: right;"><strong>{escape(conv(b.text))}</strong></p>')
        else:
            src = escape(img_prefix + b.src)
            caps = [escape(conv(c)) for c in b.captions]
            if style == "figure":
                cap = f"<figcaption>{'<br>'.join(caps)}</figcaption>" if caps else ""
                out.append(f'<figure class="image align-center"><img src="{src}" alt="" width="600">{cap}</figure>')
            elif style == "table":
                cap = "".join(f"<p><em>{c}</em></p>" for c in caps)
                out.append(
                    '<table align="center" border="0" cellpadding="1" cellspacing="1" class="image-center" style="width:600px;">'
                    f'<tbody><tr><td><img alt="" src="{src}" style="width:600px;"></td></tr>'
                    + (f'<tr><td class="image-caption" style="text-align:center;">{cap}</td></tr>' if caps else "")
                    + "</tbody></table>")
            else:
                out.append(f'<p style="text-align: center;"><img alt="" src="{src}"></p>')
                out.extend(f'<p class="image-caption" style="text-align: center;"><em>{c}</em></p>' for c in caps)
    return "\n".join(out)
