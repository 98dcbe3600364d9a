"""Rendering a page: the template in the person's language, with the CSRF token and the nav."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from pipeline.web.i18n import pick_language
from pipeline.web.pages import ROLE_NAMES, pages_for
from pipeline.web.visits import CSRF_FIELD, CSRF_HEADER, current_visit

WARN_BEFORE_SECONDS = 60


def page_language(request: Request) -> str:
    visit = current_visit(request)
    if visit.user is not None:
        return pick_language(visit.user.language)
    return pick_language(request.query_params.get("lang"))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    visit = current_visit(request)
    environments: dict[str, Environment] = request.app.state.environments
    signed_in = visit.user is not None and visit.state == "active"
    idle = request.app.state.settings.web_idle_timeout_seconds
    values = {
        "request": request,
        "csrf": visit.csrf,
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "me": visit.user if signed_in else None,
        "nav": pages_for(visit.user.role) if signed_in and visit.user else [],
        "idle_seconds": idle,
        "warn_seconds": min(WARN_BEFORE_SECONDS, idle // 2),
        "role_names": ROLE_NAMES,
        **(context or {}),
    }
    html = environments[page_language(request)].get_template(template).render(values)
    return HTMLResponse(html, status_code=status)
