"""The `cchc` command and Datasette publishing over the archive (the `store` package)."""
from store import register_schema_extension as _register


def _create_views(db) -> None:
    from cchc.views import create_views

    create_views(db)


# Publishing's SQL views are (re)created whenever an archive is opened from the command line or by
# publishing; the crawler alone leaves them to the next `cchc` open.
_register(_create_views)
