"""Archived articles as records of the shared schema: moved to `store.records` (reading the store)."""
from store.records import *  # noqa: F401,F403
from store.records import FILTERS, article_record, dumps_json, dumps_jsonl, iter_records  # noqa: F401
