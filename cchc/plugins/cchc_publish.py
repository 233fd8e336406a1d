"""Datasette plugin for the cchc archive (loaded by `cchc serve` with `--plugins-dir cchc/plugins`).

Read-only by construction: every hook here reads; none writes, and none renders crawled text as
HTML (`render_cell` only wraps escaped values in links to the archive's own pages).

- SQL function `cchc_fold(text)`: the archive's search key (no diacritics, đ→d, lower case), so a
  canned query can compare `people.name_folded` with a name typed as "do quy tien" or "Đỗ Quý Tiến".
- Output format `.csvbom`: Datasette's CSV with a UTF-8 byte-order mark, so Excel opens Vietnamese
  text correctly (`/archive/articles.csvbom`, any table, view or query; all rows, streamed by
  Datasette's CSV and prefixed here).
- Routes `/-/export.json` and `/-/export.jsonl`: every article as a nested record of the shared
  schema, the same shape as `cchc export --format json|jsonl` (store/records.py). Optional filters:
  `?relevant=1&province=…&province_now=…&year=…&event_type=…&site=…`.
- Every request other than GET, HEAD or OPTIONS is answered 405: no route can write.
- The HTML search box of articles/people/events leads to the ranked search page (with a filter or
  `?_sort=` beside `_search`, Datasette's own table search answers); `/-/databases` is answered without file paths.
- SQL functions `cchc_fts_phrase(q)` / `cchc_fts_words(q)`: a typed query as an FTS5 phrase / as
  all its words, folded (for the ranked canned searches); `cchc_province(p)` /
  `cchc_province_now(p)`: a typed province name as the archive spells it (old / post-2025), so
  province filters compare with an indexed column instead of folding every row.
- Reading pages (cchc/web, one module each; templates in cchc/templates): the article page
  (`/archive/articles/<id>`), the person page (`/archive/people/<id>`), the search page
  (`/-/search?q=`), `/-/province/<name>`, the map `/-/map`, Atom feeds `/-/feed.atom` and
  `/-/feed/<province>.atom`, the preserved copy `/-/archived/<page id>` (sandboxed), `/-/licence`.
"""
from __future__ import annotations

import json
import urllib.parse

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_fts
from datasette.utils.asgi import BadRequest
from markupsafe import Markup
from datasette.utils.asgi import Response

from store import records
from cchc.web import archived, article, atlas, common, person, province, search
from cchc.web import feed as web_feed
from extract.normalize import fold

DATABASE = "archive"
BOM = "\ufeff"



def cchc_fold(value: object) -> str | None:
    """SQL function: fold a value like extract.normalize.fold (None stays None)."""
    return None if value is None else fold(str(value))


def cchc_province(value: object) -> str | None:
    """SQL function: the pre-2025 province a typed name means ("vinh phuc" → "Vĩnh Phúc"), else None.

    Resolved once per query, so a filter `province = cchc_province(:p)` can use the index."""
    resolved = common.resolve_province(str(value)) if value else None
    return resolved[0] if resolved and resolved[1] == "then" else None


def cchc_province_now(value: object) -> str | None:
    """SQL function: the post-2025 province a typed name means ("phu tho" → "Phú Thọ"), else None."""
    if not value:
        return None
    wanted = fold(str(value))
    return next((name for name in common.new_names() if fold(name) == wanted), None)


@hookimpl(trylast=True)  # after Datasette's own functions: its escape_fts is replaced below
def prepare_connection(conn) -> None:
    """Register `cchc_fold()` and the search helpers on every Datasette connection, and make the
    table search (`?_search=`, Datasette's `escape_fts`) fold the query first: the index holds
    the text with đ→d, so "Đỗ" must be looked up as "do"."""
    conn.create_function("escape_fts", 1, _escape_fts_folded)
    conn.create_function("cchc_fold", 1, cchc_fold, deterministic=True)
    conn.create_function("cchc_fts_phrase", 1, search.fts_phrase, deterministic=True)
    conn.create_function("cchc_province", 1, cchc_province, deterministic=True)
    conn.create_function("cchc_province_now", 1, cchc_province_now, deterministic=True)
    conn.create_function("cchc_fts_words", 1, search.fts_words, deterministic=True)


def _fold_d(query: str) -> str:
    """đ/Đ → d: the one letter the tokenizer does not fold (it drops every other diacritic)."""
    return query.replace("đ", "d").replace("Đ", "D")


def _escape_fts_folded(query: str | None) -> str:
    return escape_fts(_fold_d(query or ""))


# -- table search on articles ---------------------------------------------------------------------
# Datasette's own `?_search=` counts, facets and sorts every match: a common word (in most of a
# 200k archive) costs seconds. The articles table searches here instead, the same query (escaped
# the Datasette way, or raw with _searchmode=raw), over its TABLE_SEARCH_CAP most recently archived
# matches (FTS5 walks its doclist from the newest rowid and stops); the page says when there were
# more (the search page bounds its ranking the same way). articles_fts is declared so that
# Datasette does not find it itself.
TABLE_SEARCH_CAP = 500
ARTICLES_FTS_COLUMNS = ("search_title", "search_text")


def _table_search_match(request) -> tuple[str, list[str]] | None:
    """The one FTS5 query of an articles table request's _search / _search_<column> arguments and
    their values, or None without any."""
    raw = request.args.get("_searchmode") == "raw"
    parts, values = [], []
    for key in request.args:
        if not key.startswith("_search") or key == "_searchmode":
            continue
        value = request.args.get(key) or ""
        if not value.strip():
            continue
        column = key[len("_search_"):] if key.startswith("_search_") else None
        if key != "_search" and column not in ARTICLES_FTS_COLUMNS:
            raise BadRequest("Cannot search by that column")
        expression = _fold_d(value) if raw else escape_fts(_fold_d(value))
        if not expression.strip():
            continue
        parts.append(f"{{{column}}} : ({expression})" if column else f"({expression})")
        values.append(value)
    return (" AND ".join(parts), values) if parts else None


async def db_execute(datasette, sql: str, params: dict):
    """Rows of one query on the archive (Datasette's time limit applies)."""
    return list(await datasette.get_database(DATABASE).execute(sql, params))


@hookimpl(trylast=True)  # after Datasette's own search filter, whose extra context it completes
def filters_from_request(request, database, table, datasette):
    """`?_search=` on the articles table, bounded to its newest TABLE_SEARCH_CAP matches."""
    if database != DATABASE or table != "articles":
        return None
    found = _table_search_match(request)
    if found is None:
        return FilterArguments([], extra_context={"supports_search": True})
    match, values = found

    async def inner():
        # the matches looked up once: the count, the rows and every facet then read these ids
        found = await db_execute(datasette, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :m "
                                 "ORDER BY rowid DESC LIMIT :n", {"m": match, "n": TABLE_SEARCH_CAP + 1})
        ids = [r[0] for r in found]
        described = "search matches " + " and ".join(f'"{v}"' for v in values)
        if len(ids) > TABLE_SEARCH_CAP:
            described += f" (its {TABLE_SEARCH_CAP:,} most recently archived matches; there are more)"
        return FilterArguments(
            ["id IN (SELECT value FROM json_each(:cchc_search_ids))"],
            {"cchc_search_ids": json.dumps(ids[:TABLE_SEARCH_CAP])}, [described],
            extra_context={"supports_search": True, "search": request.args.get("_search") or ""})

    return inner


# -- read-only --------------------------------------------------------------------------------------
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


# Tables whose HTML search box leads to the ranked search page (phrase first, snippets, people and
# articles together): Datasette's own table search can only sort by a column, not by relevance.
RANKED_SEARCH_TABLES = {"/archive/articles", "/archive/people", "/archive/events"}


def _redirect(location: str):
    return {"type": "http.response.start", "status": 302,
            "headers": [(b"location", location.encode("utf-8")), (b"content-type", b"text/plain")]}


@hookimpl
def asgi_wrapper(datasette):
    """Refuse every HTTP method that could change something (405), before Datasette sees it; send
    the HTML table search to the ranked search page; answer /-/databases without file paths."""

    def wrap(app):
        async def read_only(scope, receive, send):
            if scope.get("type") != "http":
                await app(scope, receive, send)
                return
            if scope.get("method", "GET").upper() not in READ_METHODS:
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"allow", b"GET, HEAD, OPTIONS")]})
                await send({"type": "http.response.body",
                            "body": b"This archive is read-only: only GET requests are answered.\n"})
                return
            path = scope.get("path", "")
            if path in RANKED_SEARCH_TABLES:
                args = urllib.parse.parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
                q = (args.get("_search") or [""])[0].strip()
                if q and set(args) == {"_search"}:  # filters or a sort: Datasette's table search
                    await send(_redirect("/-/search?" + urllib.parse.urlencode({"q": q})))
                    await send({"type": "http.response.body", "body": b""})
                    return
            if path in ("/-/databases", "/-/databases.json"):
                body = json.dumps([{"name": db.name, "is_mutable": db.is_mutable, "is_memory": db.is_memory,
                                    "hash": db.hash, "size": db.size}
                                   for db in datasette.databases.values() if not db.name.startswith("_")])
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json; charset=utf-8")]})
                await send({"type": "http.response.body", "body": body.encode("utf-8")})
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


# -- links in tables, views and queries ---------------------------------------------------------------
# Tables where Datasette itself links these columns (declared foreign keys, with labels).
_FOREIGN_KEY_TABLES = {"appearances", "rankings", "documents"}
_ARTICLE_TEXT_COLUMNS = {"title", "article_title"}
_PERSON_TEXT_COLUMNS = {"person", "name"}
_PROVINCE_COLUMNS = {"province", "province_now", "article_province", "scope", "subject"}


def _row_value(row, key):
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Ids, titles, names and provinces as links to their reading pages (values escaped)."""
    if database != DATABASE or value is None or value == "" or table in _FOREIGN_KEY_TABLES:
        return None
    href = None
    if column == "article_id" or (column == "id" and table == "articles"):
        href = common.article_path(value) if str(value).isdigit() else None
    elif column == "person_id" or (column == "id" and table == "people"):
        href = common.person_path(value) if str(value).isdigit() else None
    elif column in _ARTICLE_TEXT_COLUMNS and table != "articles":
        article_id = _row_value(row, "article_id")
        href = common.article_path(article_id) if article_id is not None else None
    elif column in _PERSON_TEXT_COLUMNS and table not in ("people", "sites", "provinces"):
        person_id = _row_value(row, "person_id")
        href = common.person_path(person_id) if person_id is not None else None
    elif column in _PROVINCE_COLUMNS and isinstance(value, str) and common.resolve_province(value):
        href = common.province_path(value) + ("?now=1" if column == "province_now" else "")
    elif column == "name" and table == "provinces":
        href = common.province_path(value)
    if href is None:
        if isinstance(value, str) and (column in _LONG_COLUMNS or column.endswith("_evidence")):
            return _clipped(value)
        return None
    return Markup('<a href="{}">{}</a>').format(href, value)


# Long text columns are clipped to a few lines in tables (the reading pages show them whole), so a
# row stays one or two lines tall; the whole value is in the cell's tooltip and in every export.
_LONG_COLUMNS = {"evidence", "text", "officials", "learners_text", "headers", "search_text", "search_title"}
CLIP_CHARS = 220


def _clipped(value: str) -> Markup:
    short = value if len(value) <= CLIP_CHARS else value[:CLIP_CHARS].rstrip() + " …"
    return Markup('<div class="cchc-clip" title="{}">{}</div>').format(value[:2000], short)


# -- reading pages --------------------------------------------------------------------------------
def _int(value) -> int | None:
    try:
        return int(urllib.parse.unquote(str(value or "")))
    except ValueError:
        return None


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """The reading pages' data: an article's page, a person's page, the search page."""
    if request is None:
        return None
    name = template or ""
    db = datasette.get_database(DATABASE) if DATABASE in datasette.databases else None
    if db is None:
        return None
    if name == "row-archive-articles.html":
        article_id = _int((request.url_vars or {}).get("pks"))

        async def article_vars():
            return {"cchc": await db.execute_fn(lambda conn: article.article_context(conn, article_id))
                    if article_id is not None else None}

        return article_vars
    if name == "row-archive-people.html":
        person_id = _int((request.url_vars or {}).get("pks"))

        async def person_vars():
            return {"cchc": await db.execute_fn(lambda conn: person.person_context(conn, person_id))
                    if person_id is not None else None}

        return person_vars
    if name == "search_all.html":
        q = (request.args.get("q") or "").strip()

        async def search_vars():
            return {"cchc": await db.execute_fn(lambda conn: search.search_context(conn, q)) if q else None}

        return search_vars
    return None


async def province_page(datasette, request) -> Response:
    """`/-/province/<name>`: a province's events, learners, rankings and officials."""
    name = urllib.parse.unquote(request.url_vars["name"])
    era = "now" if request.args.get("now") else None
    db = datasette.get_database(DATABASE)
    context = await db.execute_fn(lambda conn: province.province_context(conn, name, era))
    if context is None:
        return Response.html(await datasette.render_template(
            "cchc_not_found.html", {"what": f"No province is called {name!r}."}, request=request), status=404)
    return Response.html(await datasette.render_template("cchc_province.html", {"cchc": context},
                                                         request=request))


async def provinces_page(datasette, request) -> Response:
    """`/-/provinces`: the map, with the table of events per province."""
    db = datasette.get_database(DATABASE)
    context = await db.execute_fn(atlas.map_context)
    return Response.html(await datasette.render_template("cchc_map.html", {"cchc": context}, request=request))


async def feed(datasette, request) -> Response:
    """`/-/feed.atom` and `/-/feed/<province>.atom`: newly archived relevant events."""
    name = request.url_vars.get("name")
    era, title = "then", web_feed.FEED_TITLE
    resolved = None
    if name:
        resolved = common.resolve_province(urllib.parse.unquote(name))
        if resolved is None:
            return Response.text(f"No province is called {urllib.parse.unquote(name)!r}.\n", status=404)
        era = resolved[1]
        title = f"{title}: {resolved[0]}"
    db = datasette.get_database(DATABASE)
    entries = await db.execute_fn(
        lambda conn: web_feed.feed_entries(conn, resolved[0] if resolved else None, era))
    base = datasette.absolute_url(request, "/").rstrip("/")
    body = web_feed.atom_feed(entries, base, request.path, title)
    return Response(body, status=200, content_type="application/atom+xml; charset=utf-8")


async def archived_page(datasette, request) -> Response:
    """`/-/archived/<page id>`: the preserved response, sandboxed (no script runs, nothing loads)."""
    page_id = _int(request.url_vars["page_id"])
    as_text = request.args.get("as") == "text"
    db = datasette.get_database(DATABASE)
    copy = await db.execute_fn(lambda conn: archived.archived_copy(conn, page_id, as_text)) \
        if page_id is not None else None
    if copy is None:
        return Response.text("No preserved page with that id.\n", status=404)
    return Response(copy["body"], status=200, content_type=copy["content_type"], headers=copy["headers"])


async def licence_page(datasette, request) -> Response:
    """`/-/licence`: under what terms the code and the archived content are."""
    return Response.html(await datasette.render_template("cchc_licence.html", {}, request=request))


@hookimpl
def register_routes():
    """The export routes, the reading pages, feeds and the map (GET only; they read)."""
    return [
        (r"^/-/export\.json$", export_json),
        (r"^/-/export\.jsonl$", export_jsonl),
        (r"^/-/province/(?P<name>[^/]+)$", province_page),
        (r"^/-/map$", provinces_page),
        (r"^/-/feed\.atom$", feed),
        (r"^/-/feed/(?P<name>[^/]+)\.atom$", feed),
        (r"^/-/archived/(?P<page_id>[0-9]+)$", archived_page),
        (r"^/-/licence$", licence_page),
    ]


@hookimpl
def menu_links(datasette):
    """Links to the reading pages, the dashboard and the export in the Datasette menu."""
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search articles and officials"},
        {"href": datasette.urls.path("/-/map"), "label": "Map: events per province"},
        {"href": datasette.urls.path("/-/dashboards/cchc"), "label": "CCHC dashboard"},
        {"href": datasette.urls.path("/-/feed.atom"), "label": "Atom feed of new events"},
        {"href": datasette.urls.path("/-/export.json?_download=1"), "label": "Export all (JSON)"},
    ]
