"""Serve the classic, SPA and market demo sites on loopback in background threads, logging every
request; `SiteServer` serves one stand-alone demo site (the job board, the clinic sites)."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from demo.classic import ClassicSite
from demo.clock import SimClock
from demo.market import MarketSite
from demo.spa import SpaSite
from demo.web import Response, Site, json_response, text
from demo.world import World
from pipeline.core.net import is_loopback

CONTROL_PATH = "/__demo/day"


class DemoServer:
    """The demo sites on `host` (loopback only); use as a context manager."""

    def __init__(
        self, world: World, clock: SimClock, host: str = "127.0.0.1",
        classic_port: int = 0, spa_port: int = 0, market_port: int = 0,
    ) -> None:  # fmt: skip
        if not is_loopback(host):
            raise ValueError(f"demo sites serve on loopback only, not {host!r}")
        self.world, self.clock, self.host = world, clock, host
        self.classic = ClassicSite(world, clock)
        self.spa = SpaSite(world, clock)
        self.market = MarketSite(world, clock)
        self._ports = {"classic": classic_port, "spa": spa_port, "market": market_port}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._log: list[dict[str, Any]] = []
        self._log_lock = threading.Lock()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A snapshot of the request log: {site, method, path, status, user_agent, time}."""
        with self._log_lock:
            return list(self._log)

    @property
    def classic_url(self) -> str:
        """Base URL of the classic site, e.g. "http://127.0.0.1:54321"."""
        return self._url("classic")

    @property
    def spa_url(self) -> str:
        """Base URL of the SPA site."""
        return self._url("spa")

    @property
    def market_url(self) -> str:
        """Base URL of the market site (age gate, header-checked reveal, sitemap, JSON paging)."""
        return self._url("market")

    def _url(self, site: str) -> str:
        host, port = self._servers[site].server_address[:2]
        assert isinstance(host, str)  # an IPv4 server's address (bytes only for AF_UNIX)
        return f"http://{host}:{port}"

    def record(self, entry: dict[str, Any]) -> None:
        """Append one request to the log (called from handler threads)."""
        with self._log_lock:
            self._log.append(entry)

    def control(self, method: str, query: dict[str, str]) -> Response:
        """GET reads the simulated day; POST ?value=N sets it."""
        if method == "POST":
            value = query.get("value", "")
            if not value.isdigit():
                return json_response({"error": "value must be a day number >= 0"}, 400)
            self.clock.day = int(value)
        elif method not in ("GET", "HEAD"):
            return text("method not allowed", 405)
        return json_response({"day": self.clock.day, "date": self.clock.today().isoformat()})

    def __enter__(self) -> DemoServer:
        sites = (("classic", self.classic), ("spa", self.spa), ("market", self.market))
        for name, site in sites:
            httpd = _QuietServer((self.host, self._ports[name]), _handler(self, site))
            httpd.daemon_threads = True
            # A short poll interval keeps shutdown (and so each test's teardown) quick.
            thread = threading.Thread(
                target=httpd.serve_forever, args=(0.05,), name=f"demo-{name}", daemon=True
            )
            thread.start()
            self._servers[name] = httpd
            self._threads.append(thread)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        for httpd in self._servers.values():
            httpd.shutdown()
            httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)


class DaySite(Protocol):
    """A stand-alone demo site: answers requests as on its simulated `day`."""

    name: str
    day: int

    def handle(
        self, method: str, path: str, query: dict[str, str],
        headers: dict[str, str] | None = None, body: bytes = b"",
    ) -> Response: ...  # fmt: skip


class SiteServer:
    """One stand-alone demo site on loopback in a background thread (a context manager), with
    the same request handler and request log as the other demo sites; its control reads and
    sets the site's day."""

    def __init__(self, site: DaySite, host: str = "127.0.0.1", port: int = 0) -> None:
        if not is_loopback(host):
            raise ValueError(f"demo sites serve on loopback only, not {host!r}")
        self.site = site
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), _handler(self, site))  # type: ignore[arg-type]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name=f"demo-{site.name}", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def control(self, method: str, query: dict[str, str]) -> Response:
        """GET reads the day; POST ?value=N sets it (as the other demo sites' control)."""
        if method == "POST" and query.get("value", "").isdigit():
            self.site.day = int(query["value"])
        return json_response({"day": self.site.day})

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A crawler that hangs up mid-page (e.g. refusing the oversized page) is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def send(handler: BaseHTTPRequestHandler, response: Response, body: bool = True) -> None:
    """Write one response: status, content type and length, extra headers, body."""
    handler.send_response(response.status)
    handler.send_header("Content-Type", response.content_type)
    handler.send_header("Content-Length", str(len(response.body)))
    for key, value in response.headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    if body:
        handler.wfile.write(response.body)


def _handler(server: DemoServer, site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: crawl benchmarks should not pay for connects
        # Headers and body leave in one write, without Nagle: else each response waits ~40 ms
        # for a delayed ACK on keep-alive connections.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True
        server_version = "ScoutDemo/1.0"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), 1 << 16)
            self._serve("POST", self.rfile.read(length) if length else b"")

        def _serve(self, method: str, body: bytes = b"") -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            if url.path == CONTROL_PATH:
                response = server.control(method, query)
            else:
                try:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    response = site.handle(method, url.path, query, headers, body)
                except Exception as exc:  # a demo bug should show as a 500, not a dead socket
                    response = json_response({"error": repr(exc)}, 500)
            server.record(
                {"site": site.name, "method": method, "path": self.path,
                 "status": response.status, "user_agent": self.headers.get("User-Agent", ""),
                 "time": time.time()}
            )  # fmt: skip
            send(self, response, body=method != "HEAD")

        def log_message(self, format: str, *args: Any) -> None:
            # The request log above replaces stderr noise.
            return

    return Handler
