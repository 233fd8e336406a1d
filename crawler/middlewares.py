"""Downloader middleware: obey a robots.txt `Crawl-delay` (Scrapy's RobotsTxtMiddleware does not)."""
from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Raise the download slot's delay to the host's robots.txt Crawl-delay (capped by
    CCHC_CRAWL_DELAY_MAX). Runs after RobotsTxtMiddleware, so the robots file is already parsed."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("CCHC_CRAWL_DELAY_MAX", 30.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self._robots: RobotsTxtMiddleware | None = None
        self._delays: dict[str, float | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CrawlDelayMiddleware":
        """Build the middleware for a crawler."""
        return cls(crawler)

    def _robots_mw(self) -> RobotsTxtMiddleware | None:
        if self._robots is None:
            for mw in self.crawler.engine.downloader.middleware.middlewares:
                if isinstance(mw, RobotsTxtMiddleware):
                    self._robots = mw
        return self._robots

    def process_request(self, request: Request) -> None:
        """Apply the Crawl-delay of the request's host to its download slot."""
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY") or request.url.endswith("/robots.txt"):
            return None
        netloc = request.url.split("/")[2] if "://" in request.url else ""
        if netloc not in self._delays:
            robots = self._robots_mw()
            parser = robots._parsers.get(netloc) if robots is not None else None
            delay = None
            if parser is not None and hasattr(parser, "crawl_delay"):
                try:
                    delay = parser.crawl_delay(self.user_agent)
                except Exception:  # a malformed robots file must not stop the crawl
                    delay = None
            if delay:
                asked = float(delay)
                delay = min(asked, self.cap)
                logger.info("robots.txt of %s asks for Crawl-delay %s s (using %s s)", netloc, asked, delay)
                self.crawler.stats.set_value("cchc/crawl_delay_requested", asked)
                self.crawler.stats.set_value("cchc/crawl_delay", delay)
            self._delays[netloc] = delay
        delay = self._delays[netloc]
        if delay:
            downloader = self.crawler.engine.downloader
            key = downloader.get_slot_key(request)
            slot = downloader.slots.get(key)
            if slot is not None and slot.delay < delay:
                slot.delay = delay
            request.meta.setdefault("cchc_crawl_delay", delay)
        return None
