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


def _open_archive(db_path: str, create: bool = False):
    from store import Archive, ArchiveError

    try:
        return Archive(db_path, create=create)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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

    click.echo("Starting the replay of the portals on 127.0.0.1 and crawling it …", err=True)
    try:
        stats = build_demo(db_path, base_port=DEMO_BASE_PORT)
    except Exception as exc:  # the demo must explain itself, not dump a traceback
        raise click.ClickException(f"demo build failed: {exc}") from None
    archive = _open_archive(db_path)
    counts = archive.counts()
    relevant = archive.db.execute("SELECT count(*) FROM articles WHERE relevant = 1").fetchone()[0]
    archive.close()
    click.echo(f"Built {db_path}: {counts.get('pages', 0)} pages preserved, {counts.get('articles', 0)} articles "
               f"({relevant} relevant), {counts.get('people', 0)} people, {counts.get('rankings', 0)} rankings, "
               f"{counts.get('documents', 0)} documents.")
    for site, site_stats in sorted((stats.get("sites") or {}).items()):
        click.echo(f"  {site}: {json.dumps(site_stats, ensure_ascii=False)}", err=True)
    if no_serve:
        return
    _serve(db_path, "127.0.0.1", port)


@cli.command()
@db_option
@click.option("--site", "sites", multiple=True, help="Site config name (crawler/sites/NAME.yaml); repeatable.")
@click.option("--all-sites", is_flag=True, help="Crawl every configured site.")
@click.option("--start-url", "start_urls", multiple=True, help="Crawl an unknown site generically from this URL.")
@click.option("--base-url", help="Point the (single) --site at another address, e.g. a local mirror.")
@click.option("--incremental", is_flag=True, help="Skip article URLs already preserved in the archive.")
@click.option("--jobdir", type=click.Path(file_okay=False), help="Scrapy JOBDIR: resume an interrupted crawl.")
def crawl(db_path: str, sites: tuple[str, ...], all_sites: bool, start_urls: tuple[str, ...],
          base_url: str | None, incremental: bool, jobdir: str | None) -> None:
    """Crawl real sites by config, or any site generically; preserve and extract every page.

    \b
    Examples:
        cchc crawl --site vinhphuc --site hanoi
        cchc crawl --start-url https://sonoivu.example.gov.vn/ --db my.db
        scrapy crawl portal -a site=vinhphuc -s CCHC_DB=archive.db
    """
    from crawler.run import crawl as run_crawl
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
        click.echo(f"{name}: {site_stats.get('status')}, {site_stats.get('pages', 0)} pages, "
                   f"{site_stats.get('articles', 0)} articles, {site_stats.get('errors', 0)} errors")
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
def reextract(db_path: str) -> None:
    """Rebuild every article and fact from the preserved pages, offline.

    \b
    Example:
        cchc reextract --db archive.db
    """
    from cchc.reextract import reextract_all

    archive = _open_archive(db_path)
    done, failed = reextract_all(archive)
    archive.close()
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
    from cchc.records import dumps_json, dumps_jsonl

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
    if output:
        Path(output).write_text(data, encoding="utf-8", newline="")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data, nl=False)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True)
def serve(db_path: str, host: str, port: int) -> None:
    """Serve the archive with Datasette and metadata.yml, read-only (immutable).

    \b
    Example:
        cchc serve --db archive.db   # then open http://127.0.0.1:8001/
    """
    _serve(db_path, host, port)


def _serve(db_path: str, host: str, port: int) -> None:
    from cchc.publish import serve as run_serve

    _open_archive(db_path).close()  # a clear error for a missing or corrupt database
    _open_archive(db_path, create=True).close()  # views and tables of this version, before serving immutable
    click.echo(f"Serving {db_path} at http://{host}:{port}/", err=True)
    run_serve(db_path, host=host, port=port)


@cli.command()
def sites() -> None:
    """List the configured sites (name, province, CMS, verified, base URL).

    \b
    Example:
        cchc sites
    """
    from crawler.sites import all_sites

    for site in all_sites():
        mark = "verified" if site.verified else "unverified"
        click.echo(f"{site.name:16} {site.province:16} {site.cms:11} {mark:10} {site.base_url}")


if __name__ == "__main__":
    cli()
