"""CSRF checks on every state-changing request, and strict security headers on every response."""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from pipeline.core.settings import Settings
from pipeline.web.visits import CSRF_FIELD, CSRF_HEADER, SEED, current_visit, set_cookie

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Browsers heed it only over HTTPS (behind the proxy); over loopback HTTP it is ignored.
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


class CsrfRefused(Exception):
    """A state-changing request that is cross-site or lacks this session's token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def same_origin(request: Request) -> bool:
    """Fetch metadata first; else the Origin header must name this very origin.

    Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with form posts, so
    a browser without Sec-Fetch-Site cannot prove where a post came from and is refused.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin is not None and origin == own


async def check_csrf(request: Request) -> None:
    """App-wide dependency: runs before every route's own dependencies."""
    if request.method not in UNSAFE_METHODS:
        return
    if not same_origin(request):
        raise CsrfRefused("cross-site")
    visit = await run_in_threadpool(current_visit, request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, visit.csrf):
        raise CsrfRefused("token")


class SecurityHeaders(BaseHTTPMiddleware):
    """Headers on every response; no caching of anything but the static files; the seed."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            # a route with a stricter policy of its own (a framed digest) keeps it
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        new_seed = getattr(request.state, "new_seed", None)
        if new_seed:
            settings: Settings = request.app.state.settings
            set_cookie(response, settings, SEED, new_seed)
        return response
