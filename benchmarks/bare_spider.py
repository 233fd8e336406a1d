"""The peer of `cchc crawl`: a bare Scrapy spider (CSS only, nothing stored) over the same site
configs, same settings and concurrency, one crawler per site in one process.

    python -m benchmarks.bare_spider spec.json      # spec: {"sites": [config dicts], "settings": {...}}
"""
from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Request
from scrapy.utils.project import get_project_settings

from crawler.sites import from_dict


class BareSpider(scrapy.Spider):
    """Listings → next page while it shows new article links; article pages → title by CSS."""

    name = "bare"

    def __init__(self, config: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = from_dict(config)
        self.site_name = self.config.name
        self.seen: set[str] = set()

    async def start(self):
        """The config's listing URLs."""
        for url in self.config.listing_urls():
            yield Request(url, self.parse_listing, meta={"listing": url, "n": self.config.pagination.first})

    def parse_listing(self, response):
        """Follow new article links and the next listing page."""
        new = 0
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if url not in self.seen and self.config.is_article(url):
                self.seen.add(url)
                new += 1
                yield Request(url, self.parse_article, priority=1)
        p, n = self.config.pagination, response.meta["n"]
        if new and n - p.first + 1 < p.max_pages:
            listing = response.meta["listing"]
            yield Request(self.config.page_url(listing, n + 1), self.parse_listing, meta={"listing": listing, "n": n + 1})

    def parse_article(self, response):
        """The title, by the config's CSS selector."""
        yield {"url": response.url, "title": response.css(self.config.selectors["title"] + " ::text").get()}


def main(spec_path: str) -> None:
    """Run the bare crawl described in `spec_path`."""
    spec = json.loads(open(spec_path, encoding="utf-8").read())
    settings = get_project_settings()
    settings.setdict({"ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}, "SPIDER_MIDDLEWARES": {},
                      **spec["settings"]}, priority="cmdline")
    process = CrawlerProcess(settings)
    for i, config in enumerate(spec["sites"]):
        process.crawl(Crawler(BareSpider, settings, init_reactor=(i == 0)), config=config)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1])
