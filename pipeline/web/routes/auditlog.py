"""Audit for admins: the audit log filtered by actor, action and date range, a page at a time.

The log holds no contact values; its params are still shown as escaped text only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pipeline.core import audit
from pipeline.web.access import Viewer, needs
from pipeline.web.render import render

router = APIRouter()

PER_PAGE = 50


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _local_midnight(day: date | None, viewer: Viewer) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), viewer.settings.tz)


def _as_text(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else ""


@router.get("/audit", name="audit")
def audit_page(
    request: Request,
    viewer: Annotated[Viewer, needs("audit")],
    actor: Annotated[str, Query(max_length=200)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[str, Query(alias="from", max_length=10)] = "",
    until: Annotated[str, Query(alias="to", max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    first, last = _day(since), _day(until)
    query = audit.AuditQuery(
        actor=actor or None,
        action=action or None,
        since=_local_midnight(first, viewer),
        # the "to" day is included: up to the next local midnight
        until=_local_midnight(last + timedelta(days=1), viewer) if last else None,
    )
    with request.app.state.database.session() as session:
        found = audit.search(session, query, page, PER_PAGE)
        actors, actions = audit.known_values(session)
    filters = {"actor": actor, "action": action, "from": since, "to": until}
    context = {
        "found": found,
        "actors": actors,
        "actions": actions,
        "filters": filters,
        "bad_date": (since and first is None) or (until and last is None),
        "as_text": _as_text,
    }
    return render(request, "audit.html", context)
