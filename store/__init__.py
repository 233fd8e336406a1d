"""The archive (archive.db): preserved responses, the crawl frontier, articles and their facts.

Its own top-level package so data flows one way: the crawler writes it, `extract/` knows nothing of
it, `cchc reextract` rebuilds articles in it, publishing reads it. Nothing here imports `cchc`.
"""
from store.archive import (CENTRAL_SCOPE, Archive, ArchiveError, content_hash, person_scope,
                           register_schema_extension, utc_now)

__all__ = ["Archive", "ArchiveError", "CENTRAL_SCOPE", "content_hash", "person_scope",
           "register_schema_extension", "utc_now"]
