"""Datasette plugin for the cchc archive (loaded by `cchc serve` with `--plugins-dir cchc/plugins`).

Read-only by construction: every hook here reads; none writes, and none renders crawled text as
HTML (no `render_cell`: Datasette's own escaping applies to every cell).

- SQL function `cchc_fold(text)`: the archive's search key (no diacritics, đ→d, lower case), so a
  canned query can compare `people.name_folded` with a name typed as "do quy tien" or "Đỗ Quý Tiến".
- Output format `.csvbom`: Datasette's CSV with a UTF-8 byte-order mark, so Excel opens Vietnamese
  text correctly (`/archive/articles.csvbom`, any table, view or query; all rows, streamed by
  Datasette's CSV and prefixed here).
- Routes `/-/export.json` and `/-/export.jsonl`: every article as a nested record of the shared
  schema, the same shape as `cchc export --format json|jsonl` (cchc/records.py). Optional filters:
  `?relevant=1&province=…&province_now=…&year=…&event_type=…&site=…`.
- Every request other than GET, HEAD or OPTIONS is answered 405: no route can write.
- On a person's page (`/archive/people/<id>`): the person's appearances over time (date, province,
  article, title as written, evidence), all escaped by Jinja.
"""
from __future__ import annotations

import urllib.parse

from datasette import hookimpl
from datasette.utils.asgi import Response

from cchc import records
from extract.normalize import fold

DATABASE = "archive"
BOM = "\ufeff"

_PERSON_APPEARANCES = """
SELECT date, province, province_now, article_id, article_title, name_as_written, title, honorific,
       evidence, url
FROM people_appearances WHERE person_id = :person_id
ORDER BY date, article_id, appearance_id
"""


def cchc_fold(value: object) -> str | None:
    """SQL function: fold a value like extract.normalize.fold (None stays None)."""
    return None if value is None else fold(str(value))


@hookimpl
def prepare_connection(conn) -> None:
    """Register `cchc_fold()` on every Datasette connection."""
    conn.create_function("cchc_fold", 1, cchc_fold, deterministic=True)


# -- read-only --------------------------------------------------------------------------------------
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@hookimpl
def asgi_wrapper(datasette):
    """Refuse every HTTP method that could change something (405), before Datasette sees it."""

    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"allow", b"GET, HEAD, OPTIONS")]})
                await send({"type": "http.response.body",
                            "body": b"This archive is read-only: only GET requests are answered.\n"})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


# -- CSV with a byte-order mark ---------------------------------------------------------------------
def _can_render_csvbom(columns) -> bool:
    return bool(columns)


async def _render_csvbom(datasette, request) -> Response:
    """Fetch Datasette's own CSV for the same URL (all rows) and prefix the UTF-8 BOM."""
    path = request.path
    base = path[: -len(".csvbom")] if path.endswith(".csvbom") else path
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
            if k not in ("_size", "_stream", "_dl")]
    args += [("_size", "max"), ("_stream", "on")]
    inner = await datasette.client.get(f"{base}.csv?{urllib.parse.urlencode(args)}")
    if inner.status_code != 200:
        return Response.text(inner.text, status=inner.status_code)
    name = base.rstrip("/").rsplit("/", 1)[-1] or DATABASE
    return Response(
        BOM + inner.text,
        status=200,
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{urllib.parse.unquote(name)}.csv"'},
    )


@hookimpl
def register_output_renderer(datasette):
    """`.csvbom`: CSV for Excel (UTF-8 with BOM)."""
    return {"extension": "csvbom", "render": _render_csvbom, "can_render": _can_render_csvbom}


# -- nested exports ---------------------------------------------------------------------------------
def _export_filters(request) -> tuple[bool, dict]:
    relevant = request.args.get("relevant", "") in ("1", "true", "on", "yes")
    filters = {name: request.args.get(name) for name in records.FILTERS if request.args.get(name)}
    return relevant, filters


async def _export(datasette, request, fmt: str) -> Response:
    relevant, filters = _export_filters(request)
    db = datasette.get_database(DATABASE)

    def build(conn):
        return list(records.iter_records(conn, relevant_only=relevant, **filters))

    rows = await db.execute_fn(build)
    if fmt == "json":
        body, content_type = records.dumps_json(rows), "application/json; charset=utf-8"
    else:
        body, content_type = records.dumps_jsonl(rows), "application/x-ndjson; charset=utf-8"
    headers = {"access-control-allow-origin": "*"}
    if request.args.get("_download"):
        headers["content-disposition"] = f'attachment; filename="cchc-archive.{fmt}"'
    return Response(body, status=200, content_type=content_type, headers=headers)


async def export_json(datasette, request) -> Response:
    """Every article as a JSON array of nested records (the `cchc export --format json` shape)."""
    return await _export(datasette, request, "json")


async def export_jsonl(datasette, request) -> Response:
    """Every article as newline-delimited nested records (`cchc export --format jsonl`)."""
    return await _export(datasette, request, "jsonl")


@hookimpl
def register_routes():
    """The export routes (GET only; they read)."""
    return [
        (r"^/-/export\.json$", export_json),
        (r"^/-/export\.jsonl$", export_jsonl),
    ]


# -- a person's page --------------------------------------------------------------------------------
@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """On `/archive/people/<id>`, the person's appearances over time."""
    if not (template or "").startswith("row") or database != DATABASE or table != "people" or request is None:
        return None
    pks = (request.url_vars or {}).get("pks")

    async def inner():
        try:
            person_id = int(urllib.parse.unquote(pks or ""))
        except ValueError:
            return {}
        result = await datasette.get_database(DATABASE).execute(_PERSON_APPEARANCES,
                                                                 {"person_id": person_id})
        return {"cchc_appearances": [dict(r) for r in result.rows]}

    return inner


@hookimpl
def menu_links(datasette):
    """Links to the dashboard and the export in the Datasette menu."""
    return [
        {"href": datasette.urls.path("/-/dashboards/cchc"), "label": "CCHC dashboard"},
        {"href": datasette.urls.path("/-/export.json?_download=1"), "label": "Export all (JSON)"},
    ]
