"""Scrapy settings for the cchc crawler: polite by default.

Project settings (read by the spider, the pipeline and the middleware):

- CCHC_DB               path of archive.db (default "archive.db", or $CCHC_DB)
- CCHC_INCREMENTAL      skip article URLs already preserved for the site (listings always re-fetched)
- CCHC_EXTRACTOR        "module:function" used on article pages (default "extract:extract_html")
- CCHC_MAX_PAGES        generic mode: at most this many requests per site
- CCHC_MAX_DEPTH        generic mode: how many menu levels below the start page to look for news sections
- CCHC_LISTING_MAX_PAGES  generic mode: at most this many pages per listing
- CCHC_CRAWL_DELAY_MAX  a robots.txt Crawl-delay is obeyed up to this many seconds
- CCHC_RETRY_AFTER_MAX  a Retry-After is waited for up to this many seconds before the retry
- CCHC_CONDITIONAL_GET  re-fetch preserved URLs with If-None-Match/If-Modified-Since (304 = unchanged)
- CCHC_PATTERN_BUDGET   at most this many unproductive pages (no article, no new article link) per
                        URL shape: calendar, date-archive and session-id traps end here

Legacy TLS (many provincial portals need OpenSSL security level 1): set
DOWNLOADER_CLIENT_TLS_CIPHERS, e.g. "DEFAULT:@SECLEVEL=1" (also $CCHC_TLS_CIPHERS), or per site in
its YAML config: `tls: {ciphers: "DEFAULT:@SECLEVEL=1", method: "TLSv1.2"}` (applied by crawler.run).
Scrapy does not verify certificates by default, so incomplete chains do not stop a crawl.

Resumable crawls: `cchc crawl --jobdir DIR` (or -s CCHC_JOB=NAME, or $CCHC_JOB) keeps the frontier in
the archive (crawler/frontier.py); crawler.run names one job per site.
"""
import os

from extract import MAX_INPUT_BYTES

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
# One size cap per page for the crawl and for `cchc extract-file`: a bigger body (or a gzip bomb
# inflating past it) is dropped and logged, never preserved or extracted.
DOWNLOAD_MAXSIZE = MAX_INPUT_BYTES
DOWNLOAD_WARNSIZE = MAX_INPUT_BYTES // 2

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
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": 50,           # before robots.txt: never ask another origin
    "crawler.middlewares.CrawlDelayMiddleware": 110,     # after RobotsTxt (100)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,     # Scrapy's retries, honouring Retry-After
    "crawler.middlewares.FetchLogMiddleware": 540,       # sees an HTTP error only once retries gave up
    "crawler.middlewares.WireMiddleware": 595,           # the body as received, before decompression (590)
    "crawler.middlewares.ConditionalGetMiddleware": 580,  # If-None-Match / If-Modified-Since; 304 → stored page
}
SPIDER_MIDDLEWARES = {"crawler.middlewares.CrawlGuardMiddleware": 950}  # closest to the spider

# Resumable crawls: the frontier (seen + queued) lives in the archive, in one transaction with the
# pages (crawler/frontier.py); CCHC_JOB names the job. Scrapy's JOBDIR is not used: after kill -9 its
# requests.seen can be ahead of its queue, and the URLs in between are never fetched.
CCHC_JOB = os.environ.get("CCHC_JOB", "")
if CCHC_JOB:
    SCHEDULER = "crawler.frontier.FrontierScheduler"

CCHC_DB = os.environ.get("CCHC_DB", "archive.db")
CCHC_INCREMENTAL = False
CCHC_EXTRACTOR = "extract:extract_html"
CCHC_MAX_PAGES = 1500
CCHC_MAX_DEPTH = 2
CCHC_LISTING_MAX_PAGES = 50
CCHC_CRAWL_DELAY_MAX = 30.0
CCHC_RETRY_AFTER_MAX = 60.0
CCHC_PATTERN_BUDGET = 25
CCHC_CONDITIONAL_GET = True
