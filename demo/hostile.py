"""A hostile advert site on loopback: the security audit's bad pages, for Scout's own tests.

Served on 127.0.0.1 at a port the OS picks. Its "other host" is the name `localhost` on
the same port: robots.txt there says `Disallow: /`, and some adverts point their images
and "show number" button at it. Its site file is `demo/hostile_sites/hostile.yaml`, which
`make demo` and the scheduler never crawl. Big bodies (10 MB page, bombs) are generated
in memory when first asked for, never stored in the repository.
"""

from __future__ import annotations

import gzip
import struct
import threading
import time
import zlib
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from demo.images import image_bytes
from demo.server import _QuietServer, send
from demo.web import Response, html, json_response, text
from pipeline.core.net import is_loopback

SITE_FILES = Path(__file__).resolve().parent / "hostile_sites"
OTHER_HOST = "localhost"
OPTED_OUT_NUMBER = "+49 176 60536630"
OTHER_HOST_PHONE = "+4529990000"
PLANTED_CITY = "Ring Anna 28 11 22 33 eller anna.k@example.com"
MB = 1024 * 1024


def _advert(advert_id: str, title: str, body: str, city: str = "Aarhus", extra: str = "") -> str:
    """One advert in the demo_classic markup (hostile values go in unescaped on purpose)."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Annonce</title></head><body>"
        f"<article class='ad' data-id='{advert_id}'><h1 class='ad-title'>{title}</h1>"
        f"<span class='ad-city'>{city}</span><span class='ad-age'>24</span>"
        f"<div class='ad-text'>{body}</div>{extra}</article></body></html>"
    )


def _normal(advert_id: str) -> str:
    return _advert(
        advert_id, f"Sofie {advert_id}", f"Hyggelig pige {advert_id}, ring for en aftale."
    )


# advert id → page, for the adverts whose markup is the attack (audit cases H1–H26)
PAGES: dict[str, str] = {
    "xss": _advert(  # H1
        "xss",
        "<script>alert('t')</script>Sofie &lt;script&gt;",
        "<img src=x onerror=alert(1)>Tekst <script>alert('x')</script>",
        "<script>alert('digest')</script>Aarhus",
    ),
    "osc": _advert(  # H2
        "osc",
        "Nina \x1b]0;PWNED\x07\x1b[31mRED\u202e",
        "Tekst \x1b[2J\x1b]8;;http://evil.test\x07link\x1b]8;;\x07 ring",
    ),
    "city": _advert("city", "Anna", "Ny i byen", PLANTED_CITY),  # H3
    "evidence": _advert(  # H4
        "evidence", "Piger", "Ring 28445566 piger venter. Call 28445577 girls waiting"
    ),
    "notext": _advert("notext", "", "<a href='tel:+4529998877'></a>"),  # H5
    "captcha": _advert(  # H6
        "captcha", "Mia", "No captcha, no robots: just write. Access denied to nobody."
    ),
    "offimg": _advert(  # H19
        "offimg",
        "Lea",
        "Billeder",
        extra=f"<ul class='ad-images'><li><img src='http://{OTHER_HOST}:{{port}}/img/ok.png'>"
        "</li><li><img src='/img/ok.png'></li></ul>",
    ),
    "offreveal": _advert(  # H20
        "offreveal",
        "Ida",
        "Tryk for nummer",
        extra=f"<button class='show-number' data-href='http://{OTHER_HOST}:{{port}}/api/phone'>"
        "Vis nummer</button>",
    ),
    "schemes": _advert(  # H21
        "schemes",
        "Eva",
        "Lokale filer",
        extra="<ul class='ad-images'><li><img src='file:///etc/passwd'></li>"
        "<li><img src='data:image/png;base64,iVBORw0KGgo='></li></ul>"
        "<button class='show-number' data-href='file:///etc/passwd'>Vis</button>",
    ),
    "bigimg": _advert(  # H10, H11, H12
        "bigimg",
        "Ulla",
        "Store billeder",
        extra="<ul class='ad-images'><li><img src='/img/big.jpg'></li>"
        "<li><img src='/img/bomb.png'></li><li><img src='/img/gzbomb.png'></li></ul>",
    ),
    "optout": _advert("optout", "Maja", f"Ring {OPTED_OUT_NUMBER}"),  # H26
    "x" * 300: _advert("x" * 300, "Lang", "Et meget langt id"),  # H23
}
# Case id → the adverts each mode lists (the "all" mode lists every page but the ones
# that stop a crawl on purpose: 403 and the infinite listing).
MODES: dict[str, list[str]] = {
    "all": [*PAGES, *(f"n{i}" for i in range(1, 12)), "huge", "gzbomb", "nested", "badenc",
            "utf16lie", "redir-off", "redir-loop", "private1"],
    "captcha": ["captcha", "n1"],
    "forbid": ["n1", "forbidden"],
    "retry": ["slow503", "n1"],
    "longid": ["x" * 300, *(f"n{i}" for i in range(1, 12))],
    "sides": ["offimg", "offreveal", "schemes", "n1"],
    "huge": ["huge", "n1"],
}  # fmt: skip


class HostileServer:
    """The hostile site on 127.0.0.1 (and as `localhost`), one mode at a time; a context manager."""

    def __init__(self, mode: str = "all", host: str = "127.0.0.1", retry_after: int = 4) -> None:
        if not is_loopback(host):
            raise ValueError(f"the hostile site serves on loopback only, not {host!r}")
        self.mode, self.host, self.retry_after = mode, host, retry_after
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._hits: dict[str, int] = {}

    @property
    def port(self) -> int:
        assert self._httpd is not None, "use HostileServer as a context manager"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request so far: {host, path, status, time}; host is the Host header's name."""
        with self._lock:
            return list(self._log)

    def paths(self, host: str) -> list[str]:
        return [r["path"] for r in self.requests if r["host"] == host]

    def handle(self, host: str, path: str) -> Response:
        """The answer for one GET; `host` decides between the site and its other host."""
        url = urlsplit(path)
        if host == OTHER_HOST:
            return self._other_host(url.path)
        if url.path == "/robots.txt":
            return text("User-agent: *\nDisallow: /ad/private\n")
        if url.path == "/":
            if self.mode == "inf":
                return _redirect("/list?page=1")
            return html(_listing(MODES[self.mode]))
        if url.path == "/list":  # H18: every page links one more advert and the next page
            page = int(dict(parse_qsl(url.query)).get("page", "1") or 1)
            return html(_listing([f"inf{page}"], next_page=f"/list?page={page + 1}"))
        if url.path.startswith("/img/"):
            return _image(url.path.removeprefix("/img/"))
        if url.path.startswith("/ad/"):
            return self._advert_page(url.path.removeprefix("/ad/"))
        return text("not found", 404)

    def _other_host(self, path: str) -> Response:
        if path == "/robots.txt":
            return text("User-agent: *\nDisallow: /\n")
        if path == "/api/phone":
            return json_response({"phone": OTHER_HOST_PHONE})
        if path == "/img/ok.png":
            return Response(200, image_bytes("i2"), "image/jpeg")
        return html(_advert("other", "Other host", "Served by the other host"))

    def _advert_page(self, advert_id: str) -> Response:
        special = _SPECIAL.get(advert_id)
        if special is not None:
            return special(self)
        page = PAGES.get(advert_id)
        if page is not None:
            return html(page.replace("{port}", str(self.port)))
        if advert_id.startswith(("n", "inf", "private")):
            return html(_normal(advert_id))
        return text("not found", 404)

    def _slow503(self) -> Response:  # H25: 503 with Retry-After first, then the advert
        with self._lock:
            self._hits["slow503"] = self._hits.get("slow503", 0) + 1
            first = self._hits["slow503"] == 1
        if first:
            return Response(
                503, b"busy", "text/plain", headers={"Retry-After": str(self.retry_after)}
            )
        return html(_advert("slow503", "Langsom", "Kom igen senere"))

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._log.append(entry)

    def __enter__(self) -> HostileServer:
        self._httpd = _QuietServer((self.host, 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="hostile", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _listing(advert_ids: list[str], next_page: str | None = None) -> str:
    links = "".join(
        # H6: the link text of one advert says "captcha"
        f"<li><a class='listing-link' href='/ad/{i}'>{'captcha' if i == 'captcha' else i}</a>"
        for i in advert_ids
    )
    more = f"<a class='next' href='{next_page}'>next</a>" if next_page else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Annoncer</title></head>"
        f"<body><ul>{links}</ul>{more}</body></html>"
    )


def _redirect(location: str) -> Response:
    return Response(302, b"", "text/plain", headers={"Location": location})


@cache
def _gzip_zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


@cache
def _png_bomb(side: int = 30_000) -> bytes:
    """A 1-bit PNG of side × side pixels (900 megapixels) that compresses to ~100 kB."""
    chunk = lambda kind, data: (  # noqa: E731
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    )
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + side // 8)
    pixels = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _image(name: str) -> Response:
    if name == "ok.png":
        return Response(200, image_bytes("i1"), "image/jpeg")
    if name == "big.jpg":  # H10
        return Response(200, b"\xff" * (10 * MB), "image/jpeg")
    if name == "bomb.png":  # H11
        return Response(200, _png_bomb(), "image/png")
    if name == "gzbomb.png":  # H12
        return Response(
            200, _gzip_zeros(64 * MB), "image/png", headers={"Content-Encoding": "gzip"}
        )
    return text("not found", 404)


_SPECIAL: dict[str, Any] = {
    "huge": lambda s: html(  # H7, H8: 10 MB, mostly one comment
        _advert("huge", "Stor", "Stor side").replace(
            "<body>", "<body><!--" + "x" * (10 * MB) + "-->"
        )
    ),
    "gzbomb": lambda s: Response(  # H9
        200, _gzip_zeros(64 * MB), headers={"Content-Encoding": "gzip"}
    ),
    "nested": lambda s: html(  # H13: 200 000 nested elements before the advert
        "<div>" * 200_000 + _advert("nested", "Deep", "Deep text") + "</div>" * 200_000
    ),
    "badenc": lambda s: Response(  # H14: invalid UTF-8 and an encoded lone surrogate
        200,
        _advert("badenc", "Forkert", "Tekst BAD ok")
        .encode()
        .replace(b"BAD", b"\xff\xfe\xc3\x28\xed\xa0\x80"),
    ),
    "utf16lie": lambda s: Response(  # H15: plain ASCII that claims to be UTF-16
        200,
        _advert("utf16lie", "Ascii", "Almindelig tekst").encode("ascii", "replace"),
        "text/html; charset=utf-16",
    ),
    "redir-off": lambda s: _redirect(f"http://{OTHER_HOST}:{s.port}/ad/xss"),  # H16
    "redir-loop": lambda s: _redirect("/ad/redir-loop2"),  # H17
    "redir-loop2": lambda s: _redirect("/ad/redir-loop"),
    "forbidden": lambda s: Response(403, b"<html><body>Forbidden</body></html>"),  # H24
    "slow503": lambda s: s._slow503(),
}


def _handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ScoutHostile/1.0"

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            response = server.handle(host, self.path)
            server.record(
                {"host": host, "path": self.path, "status": response.status, "time": time.time()}
            )
            send(self, response)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
