"""Provinces then and now: moved to `store.provinces` (the store derives `province_now`)."""
from store.provinces import *  # noqa: F401,F403
from store.provinces import MAPPING_FILE, MAPPING_SOURCE, MAPPING_VERSION  # noqa: F401
