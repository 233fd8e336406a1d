"""The replay server: one ThreadingHTTPServer per site, each on its own loopback port."""
from __future__ import annotations

import hashlib
import threading
from datetime import timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .content import SITE_NAMES
from .families import Response, Site, build_site

_VN = timezone(timedelta(hours=7))  # pages' times are Vietnam local time


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = site.server
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def _answer(self, head: bool) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            try:
                resp = site.route(parts.path or "/", query, self.headers.get("Host", ""))
            except Exception as exc:  # a bug in the replay must not look like a network error
                resp = Response(500, f"replay error: {exc!r}".encode(), "text/plain; charset=utf-8")
            etag = '"' + hashlib.md5(resp.body).hexdigest()[:16] + '"'
            if resp.status == 200 and self.headers.get("If-None-Match") == etag:
                resp = Response(304)
            self.send_response(resp.status)
            if resp.status != 304:
                self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            if resp.status in (200, 304):
                self.send_header("ETag", etag)
            if resp.modified:
                self.send_header("Last-Modified", format_datetime(resp.modified.replace(tzinfo=_VN).astimezone(timezone.utc), usegmt=True))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if not head and resp.status != 304:
                self.wfile.write(resp.body)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(head=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(head=True)

        def do_POST(self) -> None:  # noqa: N802  (forms, ASP.NET postbacks: answered like a GET)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._answer(head=False)

        def log_message(self, format: str, *args) -> None:  # quiet
            pass

    return Handler


class Replay:
    """Running replay sites. `sites` maps site name → base URL ("http://127.0.0.1:PORT")."""

    def __init__(self, servers: dict[str, ThreadingHTTPServer], objects: dict[str, Site]):
        self._servers = servers
        self.site_objects = objects
        self.sites: dict[str, str] = {
            name: f"http://{srv.server_address[0]}:{srv.server_address[1]}" for name, srv in servers.items()}
        self._threads = []
        for name, srv in servers.items():
            t = threading.Thread(target=srv.serve_forever, name=f"replay-{name}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        """Shut every server down and close its socket."""
        for srv in self._servers.values():
            srv.shutdown()
            srv.server_close()
        self._servers = {}

    def __enter__(self) -> "Replay":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_replay(host: str = "127.0.0.1", sites: list[str] | None = None,
                 base_port: int | None = None) -> Replay:
    """Start the replay sites (all of them, or those named in `sites`), each on a free port of
    `host`, in daemon threads. Returns a `Replay`; call `.stop()` or use it as a context manager.

    With `base_port`, site number i (in the order of SITE_NAMES) listens on base_port + i, so that
    its URLs are the same from one run to the next (the demo archive is keyed by URL)."""
    servers, objects = {}, {}
    try:
        for name in sites or SITE_NAMES:
            site = build_site(name)
            port = 0 if base_port is None else base_port + SITE_NAMES.index(name)
            try:
                srv = ThreadingHTTPServer((host, port), _handler(site))
            except OSError as exc:
                raise OSError(f"replay site {name} cannot listen on {host}:{port}: {exc.strerror}") from None
            srv.daemon_threads = True
            servers[name], objects[name] = srv, site
    except Exception:
        for srv in servers.values():
            srv.server_close()
        raise
    return Replay(servers, objects)
