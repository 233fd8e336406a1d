"""The crawl stage: a Scrapy project with one spider (`portal`), the preserving pipeline and the
per-site configs in `crawler/sites/*.yaml`.

Entry points: `crawler.run.crawl(...)` (runs Scrapy in a child process, returns stats) and
`scrapy crawl portal -a site=NAME` / `-a start_url=URL` from the repository root.
"""
