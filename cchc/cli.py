"""The `cchc` command: crawl, extract, re-extract, export, serve, and the offline demo.

Every verb prints a one-line error and exits non-zero on bad input (never a traceback).
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

DEFAULT_DB = "archive.db"
db_option = click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
                         type=click.Path(dir_okay=False), help="Archive database (SQLite) to use.")


class OneLineErrors(click.Group):
    """The `cchc` group: every error, usage errors included, is one line on stderr and a non-zero exit."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the command; print errors as one line (no usage block, no traceback)."""
        try:
            rv = super().main(args, prog_name or "cchc", complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "cchc"
            click.echo(f"Error: {exc.format_message()} (see '{where} --help')", err=True)
            rv = exc.exit_code
        except click.ClickException as exc:
            exc.show()
            rv = exc.exit_code
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            rv = 1
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_database_file(db_path: str) -> None:
    """Refuse (one line, nothing written) a --db that exists but is not a SQLite database.

    SQLite would silently turn an empty file into a database: an empty file is refused too."""
    path = Path(db_path)
    if path.is_dir():
        raise click.ClickException(f"{db_path} is a directory, not an archive database")
    if not path.exists():
        return
    with path.open("rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if not head:
        raise click.ClickException(f"{db_path} is an empty file, not a cchc archive: remove it or give another --db")
    if head != SQLITE_HEADER:
        raise click.ClickException(f"{db_path} is not a readable SQLite database (left untouched)")


def _open_archive(db_path: str, create: bool = False):
    from store import Archive, ArchiveError

    _check_database_file(db_path)
    try:
        return Archive(db_path, create=create)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(name="cchc", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cchc-archive")
def cli() -> None:
    """cchc-archive: the open archive of Vietnam's administrative-reform (CCHC) training events.

    \b
    Quick start (offline, on the embedded replay of real portal layouts):
        cchc demo
    """


@cli.command()
@db_option
@click.option("--no-serve", is_flag=True, help="Stop after building the archive; do not start Datasette.")
@click.option("--port", default=8001, show_default=True, help="Datasette port on 127.0.0.1.")
def demo(db_path: str, no_serve: bool, port: int) -> None:
    """Start the replay on loopback, crawl all its sites, build the archive, serve it.

    \b
    Example:
        cchc demo --no-serve && cchc serve
    """
    from cchc.demo import DEMO_BASE_PORT, build_demo
    from cchc.progress import run_with_progress, summary_table

    _check_port_option(port, serve_after=not no_serve)
    _check_database_file(db_path)
    click.echo("Starting the replay of the portals on 127.0.0.1 and crawling it (about 20 s) …", err=True)
    try:
        stats = run_with_progress(lambda: build_demo(db_path, base_port=DEMO_BASE_PORT), db_path)
    except Exception as exc:  # the demo must explain itself, not dump a traceback
        raise click.ClickException(f"demo build failed: {exc}") from None
    archive = _open_archive(db_path)
    counts = archive.counts()
    relevant = archive.db.execute("SELECT count(*) FROM articles WHERE relevant = 1").fetchone()[0]
    archive.close()
    click.echo(summary_table(stats), err=True)
    click.echo(f"Built {db_path}: {counts.get('pages', 0)} pages preserved, {counts.get('articles', 0)} articles "
               f"({relevant} relevant), {counts.get('people', 0)} people, {counts.get('rankings', 0)} rankings, "
               f"{counts.get('documents', 0)} documents.")
    if no_serve:
        click.echo(f"Next: {_cchc_command()} serve --db {db_path}   then open http://127.0.0.1:{port}/")
        return
    _serve(db_path, "127.0.0.1", port)


def _cchc_command() -> str:
    """How to call `cchc` again from here: the script beside this Python (a venv's bin/) if any."""
    import shutil

    beside = Path(sys.executable).parent / "cchc"
    if beside.exists() and shutil.which("cchc") != str(beside):
        try:
            return str(beside.relative_to(Path.cwd()))
        except ValueError:
            return str(beside)
    return "cchc"


def _check_port_option(port: int, serve_after: bool = True) -> None:
    if serve_after and not 1 <= port <= 65535:
        raise click.ClickException(f"port {port} is out of range (1-65535)")


@cli.command()
@db_option
@click.option("--site", "sites", multiple=True, help="Site config name (crawler/sites/NAME.yaml); repeatable.")
@click.option("--all-sites", is_flag=True, help="Crawl every configured site.")
@click.option("--start-url", "start_urls", multiple=True, help="Crawl an unknown site generically from this URL.")
@click.option("--base-url", help="Point the (single) --site at another address, e.g. a local mirror.")
@click.option("--incremental", is_flag=True, help="Skip article URLs already preserved in the archive.")
@click.option("--jobdir", type=click.Path(file_okay=False),
              help="Name a resumable job: its frontier is kept in the archive; run again to resume after a kill.")
def crawl(db_path: str, sites: tuple[str, ...], all_sites: bool, start_urls: tuple[str, ...],
          base_url: str | None, incremental: bool, jobdir: str | None) -> None:
    """Crawl real sites by config, or any site generically; preserve and extract every page.

    \b
    Examples:
        cchc crawl --site vinhphuc --site hanoi
        cchc crawl --start-url https://sonoivu.example.gov.vn/ --db my.db
        scrapy crawl portal -a site=vinhphuc -s CCHC_DB=archive.db
    """
    from crawler.run import crawl as run_crawl, health_lines
    from crawler.sites import SiteConfigError, UnknownSiteError, all_sites as every_site, load_site

    if not (sites or start_urls or all_sites):
        raise click.UsageError("give --site NAME, --all-sites or --start-url URL")
    if base_url and len(sites) != 1:
        raise click.UsageError("--base-url needs exactly one --site")
    try:
        configs = every_site() if all_sites else [load_site(name) for name in sites]
    except (UnknownSiteError, SiteConfigError) as exc:
        raise click.ClickException(str(exc).strip('"')) from None
    if base_url:
        configs = [configs[0].with_base_url(base_url)]
    for url in start_urls:
        if not url.startswith(("http://", "https://")):
            raise click.ClickException(f"not an http(s) URL: {url}")
    _open_archive(db_path, create=True).close()
    stats = run_crawl(db_path, sites=configs, start_urls=list(start_urls), incremental=incremental, jobdir=jobdir)
    for name, site_stats in sorted((stats.get("sites") or {}).items()):
        resumed = f", resumed {site_stats['resumed']} queued requests" if site_stats.get("resumed") else ""
        click.echo(f"{name}: {site_stats.get('status')}, {site_stats.get('pages', 0)} pages, "
                   f"{site_stats.get('articles', 0)} articles, {site_stats.get('errors', 0)} errors, "
                   f"{site_stats.get('fetch_failures', 0)} failed fetches (table fetch_log){resumed}")
        for line in health_lines(site_stats):
            click.echo(line)
    click.echo(f"Archive: {db_path}")
    failed = {name: s for name, s in (stats.get("sites") or {}).items() if s.get("status") != "ok"}
    if failed or not stats.get("sites"):
        reasons = [m for s in failed.values() for m in (s.get("messages") or [])[1:2] or (s.get("messages") or [])[:1]]
        reasons = reasons or list(stats.get("messages") or []) or ["nothing was crawled"]
        raise click.ClickException("; ".join(reasons[:3]))


@cli.command("extract-file")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--url", help="The URL the page came from (recorded in the output).")
@click.option("--site", "site_name", help="Site config to use (province, selectors).")
def extract_file(path: str, url: str | None, site_name: str | None) -> None:
    """Print the JSON record for one saved page (.html) or one scraped text (.txt).

    \b
    Example:
        cchc extract-file ../shared/seeds/000_57b3bd3e1d666c5d.txt
    """
    from extract import ExtractError, extract_file as run_extract

    source = Path(path)
    if source.is_file() and not source.read_bytes().strip():
        raise click.ClickException(f"{path} is empty: there is nothing to extract")
    site = None
    if site_name:
        from crawler.sites import UnknownSiteError, load_site

        try:
            site = load_site(site_name).as_dict()
        except UnknownSiteError as exc:
            raise click.ClickException(str(exc).strip('"')) from None
    try:
        record = run_extract(path, url=url, site=site)
    except ExtractError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(record, ensure_ascii=False, indent=1))


@cli.command()
@db_option
@click.option("--workers", type=click.IntRange(1, 256), help="Extraction processes (default: every core).")
@click.option("--resume", is_flag=True, help="Skip articles already extracted by the current extractor code.")
def reextract(db_path: str, workers: int | None, resume: bool) -> None:
    """Rebuild every article and fact from the preserved pages, offline, on every core.

    \b
    Example:
        cchc reextract --db archive.db
        cchc reextract --db archive.db --resume     # after an interrupted run
    """
    from cchc.reextract import reextract_all

    archive = _open_archive(db_path)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Re-extracting", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    done, failed = reextract_all(archive, workers=workers, everything=not resume, progress=progress)
    if bar is not None:
        bar.__exit__(None, None, None)
    click.echo(f"Re-extracted {done} articles from preserved pages ({failed} failed).")
    if failed:
        sys.exit(1)


@cli.command("export-warc")
@db_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="WARC file to write (.warc.gz, or .warc with --no-gzip).")
@click.option("--site", "site_name", help="Only the responses of this site.")
@click.option("--gzip/--no-gzip", "use_gzip", default=True, show_default=True, help="Gzip each record (.warc.gz).")
def export_warc(db_path: str, output: str, site_name: str | None, use_gzip: bool) -> None:
    """Write every preserved response as a standard WARC file (warcio), bytes and headers as received.

    \b
    Example:
        cchc export-warc --db archive.db -o archive.warc.gz
    """
    from store.warc import export_warc as write_warc

    archive = _open_archive(db_path)
    try:
        count = write_warc(archive, output, site=site_name, gzip=use_gzip)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        archive.close()
    click.echo(f"Wrote {count} response records to {output}")


EXPORT_COLUMNS = ["url", "title", "published_date", "author", "relevant", "province", "province_now",
                  "event_type", "event_start", "event_end", "learners_count", "learners_qualifier",
                  "learners_text", "venues_count", "officials", "rankings", "documents", "text"]


def _flat_row(record: dict) -> dict:
    """One CSV row: nested lists joined with '; '."""
    learners = record.get("learners") or {}
    return {
        **{k: record.get(k) for k in EXPORT_COLUMNS},
        "learners_count": learners.get("count"), "learners_qualifier": learners.get("qualifier"),
        "learners_text": learners.get("text"),
        "officials": "; ".join(f"{o['name']} ({o['title']})" if o.get("title") else o["name"]
                               for o in record.get("officials") or []),
        "rankings": "; ".join(f"{r['index']} {r['year']}: {r['rank']}/{r['total'] or '?'} ({r['subject'] or ''})"
                              for r in record.get("rankings") or []),
        "documents": "; ".join(f"{d['number']}" + (f" ({d['date']})" if d.get("date") else "")
                               for d in record.get("documents") or []),
    }


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--relevant-only", is_flag=True, help="Only articles about CCHC training events.")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte-order mark so Excel reads Vietnamese.")
def export(db_path: str, fmt: str, output: str | None, relevant_only: bool, bom: bool) -> None:
    """Export every article as a record of the shared schema (JSON nests officials, rankings, documents).

    \b
    Examples:
        cchc export --format json -o archive.json
        cchc export --format csv --bom -o archive.csv
    """
    from store.records import dumps_json, dumps_jsonl

    target = Path(output) if output else None
    if target is not None:
        if target.is_dir():
            raise click.ClickException(f"{output} is a directory: give a file name for -o")
        if not target.parent.is_dir():
            raise click.ClickException(f"cannot write {output}: the directory {target.parent} does not exist")
    archive = _open_archive(db_path)
    records = archive.iter_records(relevant_only=relevant_only)
    out = io.StringIO()
    if fmt == "json":
        out.write(dumps_json(records))
    elif fmt == "jsonl":
        out.write(dumps_jsonl(records))
    else:
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(_flat_row(record))
    archive.close()
    data = ("\ufeff" if bom and fmt == "csv" else "") + out.getvalue()
    if target is not None:
        partial = target.with_name(target.name + ".part")  # a failed write leaves no half file behind
        try:
            partial.write_text(data, encoding="utf-8", newline="")
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data, nl=False)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, help="TCP port (1-65535); must be free.")
@click.option("--no-watch", is_flag=True, help="Do not reload when the archive is rebuilt (crawl, reextract).")
def serve(db_path: str, host: str, port: int, no_watch: bool) -> None:
    """Serve the archive with Datasette and metadata.yml, read-only (immutable).

    A running server notices when the archive is rebuilt (`cchc crawl`, `cchc reextract`) and
    reloads it once the file is quiet again.

    \b
    Example:
        cchc serve --db archive.db   # then open http://127.0.0.1:8001/
    """
    _serve(db_path, host, port, watch=not no_watch)


def _serve(db_path: str, host: str, port: int, watch: bool = True) -> None:
    from cchc.publish import ServeError, check_port, serve as run_serve

    _open_archive(db_path).close()  # a clear error for a missing or corrupt database
    try:
        check_port(host, port)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None

    def prepare(path) -> None:  # views and tables of this version, before serving immutable
        _open_archive(str(path), create=True).close()

    try:
        status = run_serve(db_path, host=host, port=port, watch=watch, prepare=prepare,
                           say=lambda line: click.echo(line, err=True))
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    if status:
        raise click.ClickException(f"Datasette stopped with exit status {status}")


@cli.command()
@db_option
@click.option("--project", default="cchc-archive @ git+https://github.com/OWNER/cchc-archive@COMMIT",
              show_default=True, help="pip requirement the server installs this project from.")
@click.option("--target", default="package", show_default=True,
              help="'package' (a Docker image) or a `datasette publish` target such as cloudrun.")
def package(db_path: str, project: str, target: str) -> None:
    """Print the `datasette package` / `datasette publish` command that deploys the archive read-only.

    The command carries metadata.yml, the project plugin, templates, static files, the settings of
    `cchc serve` and the plugins pinned to the versions installed here.

    \b
    Example:
        cchc package --db archive.db --project 'cchc-archive @ git+https://example.org/cchc-archive@v0.1.0'
    """
    import shlex

    from cchc.publish import ServeError, package_command

    _open_archive(db_path).close()
    try:
        command = package_command(db_path, project, tool=target)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("# run from the repository root; 'package' needs Docker, 'publish' the target's CLI", err=True)
    click.echo(shlex.join(command))


@cli.command()
def sites() -> None:
    """List the crawl plan of every provincial unit: the configured sites (name, province, CMS,
    host, verified, plan) and, for a unit with no known Sở Nội vụ host, the generic mode from its
    province portal.

    \b
    Example:
        cchc sites
    """
    from crawler.sites import SiteConfigError, crawl_plans

    try:
        plans = crawl_plans()
    except SiteConfigError as exc:
        raise click.ClickException(str(exc).strip("\"")) from None
    rows = [("name", "province", "unit (2025)", "CMS", "host", "verified", "plan")]
    rows += [(p.name or "-", p.province, p.unit, p.cms, p.host, "yes" if p.verified else "no", p.plan) for p in plans]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    units = {p.unit for p in plans}
    configured = {p.unit for p in plans if p.name}
    click.echo(f"\n{sum(1 for p in plans if p.name)} site configs cover {len(configured)} of {len(units)} "
               f"provincial units; {len(units - configured)} have no known Sở Nội vụ host (generic mode from "
               f"the province portal). None is verified against the live site unless marked.")

if __name__ == "__main__":
    cli()
