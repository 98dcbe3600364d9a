"""Responses and the switchable behaviour (blocked, rate limited) shared by the demo sites."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from demo.clock import SimClock
from demo.images import image_bytes
from demo.model import Advert
from demo.world import World

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
CAPTCHA_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Are you human?</title></head>"
    "<body><div class='captcha'><h1>Bekræft at du er et menneske</h1>"
    "<form><div class='captcha-box'>[ ] I am not a robot</div></form></div></body></html>"
)


_IMG = re.compile(r"^/img/(\w+)\.jpg$")


@dataclass
class Response:
    """What a site answers: status, body bytes, content type and extra headers."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def html(text: str, status: int = 200) -> Response:
    """An HTML response in UTF-8."""
    return Response(status, text.encode("utf-8"))


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON response (UTF-8, non-ASCII kept)."""
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def text(body: str, status: int = 200) -> Response:
    """A plain-text response."""
    return Response(status, body.encode("utf-8"), "text/plain; charset=utf-8")


def before_routing(method: str, path: str) -> Response | None:
    """What a stand-alone demo site answers before its own pages: only GET and HEAD, and the
    demo robots.txt; None when the site's routing should answer."""
    if method not in ("GET", "HEAD"):
        return text("method not allowed", 405)
    if path == "/robots.txt":
        return text(ROBOTS_TXT)
    return None


class Site:
    """Base of a demo site: routing lives in subclasses, failure switches live here."""

    name = "site"

    def __init__(self, world: World, clock: SimClock) -> None:
        self.world = world
        self.clock = clock
        self.blocked = False  # True: every page answers 403 with a CAPTCHA-like page
        self.rate_limited = 0  # the next N requests answer 429 with Retry-After: 1
        self._lock = threading.Lock()

    def handle(
        self, method: str, path: str, query: dict[str, str],
        headers: Mapping[str, str] | None = None, body: bytes = b"",
    ) -> Response:  # fmt: skip
        """Answer one request, applying the failure switches before routing."""
        if self.blocked:
            return Response(403, CAPTCHA_PAGE.encode("utf-8"))
        with self._lock:
            limited = self.rate_limited > 0
            if limited:
                self.rate_limited -= 1
        if limited:
            return Response(429, b"Too many requests", "text/plain", {"Retry-After": "1"})
        if method == "POST" and path in self.post_paths:
            return self.post(path, dict(headers or {}), body)
        if method not in ("GET", "HEAD"):
            return text("method not allowed", 405)
        if path == "/robots.txt":
            return text(ROBOTS_TXT)
        if m := _IMG.match(path):  # both sites serve the same generated photos
            try:
                return Response(200, image_bytes(m.group(1)), "image/jpeg")
            except KeyError:
                return text("no such image", 404)
        return self.route_request(path, query, headers or {})

    def route_request(
        self, path: str, query: dict[str, str], headers: Mapping[str, str]
    ) -> Response:
        """Site-specific pages with the request's headers; default: `route`."""
        return self.route(path, query)

    def route(self, path: str, query: dict[str, str]) -> Response:
        """Site-specific pages; subclasses override."""
        return text("not found", 404)

    # POST endpoints (a "show number" button's XHR); none by default
    post_paths: frozenset[str] = frozenset()

    def post(self, path: str, headers: dict[str, str], body: bytes) -> Response:
        """Answer a POST to one of `post_paths`."""
        return text("method not allowed", 405)

    def world_advert(self, external_id: str) -> Advert | None:
        """The world's advert behind one of this site's ids (a site's own, by default)."""
        return self.world.advert(self.name, external_id)

    def lookup(self, external_id: str) -> tuple[Advert | None, int]:
        """The advert if live today (status 200), else None with 404 or its gone status (410)."""
        advert = self.world_advert(external_id)
        day = self.clock.day
        if advert is None or day < advert.first_day:
            return None, 404
        if day > advert.last_day:
            return None, advert.gone_status
        return advert, 200
