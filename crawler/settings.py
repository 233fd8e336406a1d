"""Scrapy settings for the cchc crawler: polite by default.

Project settings (read by the spider, the pipeline and the middleware):

- CCHC_DB               path of archive.db (default "archive.db", or $CCHC_DB)
- CCHC_INCREMENTAL      skip article URLs already preserved for the site (listings always re-fetched)
- CCHC_EXTRACTOR        "module:function" used on article pages (default "extract:extract_html")
- CCHC_MAX_PAGES        generic mode: at most this many requests per site
- CCHC_MAX_DEPTH        generic mode: how many menu levels below the start page to look for news sections
- CCHC_LISTING_MAX_PAGES  generic mode: at most this many pages per listing
- CCHC_CRAWL_DELAY_MAX  a robots.txt Crawl-delay is obeyed up to this many seconds

Legacy TLS (many provincial portals need OpenSSL security level 1): set
DOWNLOADER_CLIENT_TLS_CIPHERS, e.g. "DEFAULT:@SECLEVEL=1" (also $CCHC_TLS_CIPHERS), or per site in
its YAML config: `tls: {ciphers: "DEFAULT:@SECLEVEL=1", method: "TLSv1.2"}` (applied by crawler.run).
Scrapy does not verify certificates by default, so incomplete chains do not stop a crawl.

Resumable crawls: pass JOBDIR (or $CCHC_JOBDIR); crawler.run gives each site its own sub-directory.
"""
import os

BOT_NAME = "cchc"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "cchc-archive/0.1 (+research archive of public CCHC news)"
ROBOTSTXT_OBEY = True

# Politeness: a couple of requests at a time per host, a modest delay, AutoThrottle on top.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

# Every response reaches the spider and is preserved, 404s and 500s included.
HTTPERROR_ALLOW_ALL = True
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = True

REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_CLIENT_TLS_CIPHERS = os.environ.get("CCHC_TLS_CIPHERS", "DEFAULT")

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.CrawlDelayMiddleware": 110}  # after RobotsTxt (100)

if os.environ.get("CCHC_JOBDIR"):
    JOBDIR = os.environ["CCHC_JOBDIR"]

CCHC_DB = os.environ.get("CCHC_DB", "archive.db")
CCHC_INCREMENTAL = False
CCHC_EXTRACTOR = "extract:extract_html"
CCHC_MAX_PAGES = 1500
CCHC_MAX_DEPTH = 2
CCHC_LISTING_MAX_PAGES = 50
CCHC_CRAWL_DELAY_MAX = 30.0
