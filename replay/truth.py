"""replay/truth.json: what every replay article is, for tests and the demo.

`python -m replay.truth` rewrites the file from the content; tests check it is current.
"""
from __future__ import annotations

import json
from pathlib import Path

from .content import SITE_NAMES
from .families import build_site

TRUTH = Path(__file__).parent / "truth.json"


def build_truth() -> dict:
    """The truth document: per-site URL facts and one entry per article."""
    sites, articles = {}, []
    for name in SITE_NAMES:
        site = build_site(name)
        sites[name] = {
            "family": site.family, "cms": site.cms, "province": site.info["province"],
            "listings": site.listings, "listing_pages": [site.listing_path(n) for n in range(1, site.pages + 1)],
            "page_size": site.page_size, "past_last_page": site.overflow,
            "non_article_pages": [site.home, site.intro, site.contact, site.docs],
            "robots": site.info["robots"],
        }
        for a in site.articles:
            articles.append({
                "site": name, "id": a.id, "url": a.path, "listed_url": a.listed_path,
                "title": a.title, "published_date": a.date.date().isoformat() if a.date else None,
                "author": a.author, "relevant": a.relevant, "seed": a.seed,
                "nfd": a.meta.get("nfd") == "true",
            })
    return {
        "about": ("Every article served by the replay (python -m replay). url is the canonical path+query, "
                  "relative to the site's base URL; listed_url is the link every page of the site uses for it "
                  "(Quảng Ninh links odd nids with a redundant, ignored &title=<slug>.html). Seed articles carry their seed file name and the seed text verbatim; "
                  "all other articles are invented test content."),
        "sites": sites,
        "articles": articles,
    }



if __name__ == "__main__":
    TRUTH.write_text(json.dumps(build_truth(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TRUTH}")
