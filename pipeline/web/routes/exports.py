"""Exports for admins: past exports and a form to make one through the stage API, with the
same checks as `scout export`. The export is written into the server's export folder and
is never downloaded through the browser (the CLI hands over no file either)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from models import ExportRecord
from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.operations import stages
from pipeline.reports.export.schema import EXPORT_KINDS
from pipeline.reports.export.writer import format_names
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect, said
from pipeline.web.i18n import N_
from pipeline.web.render import render

router = APIRouter()

_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
BAD_FOLDER = N_("The folder name may hold letters, digits, dots, dashes and underscores only.")
BAD_DATE = N_("Give the expiry date as a date.")
# the kinds `scout export --kind` takes, as the form names them
KIND_LABELS = {
    "escort": N_("Escort adverts"),
    "job": N_("Job adverts"),
    "clinic": N_("Clinics (venues by municipality)"),
}


def _page(request: Request, viewer: Viewer, status: int = 200, **extra: object) -> Response:
    with request.app.state.database.session() as session:
        past = list(session.scalars(select(ExportRecord).order_by(ExportRecord.id.desc())))
    context = {
        "past": past,
        "formats": format_names(),
        "kinds": {kind: KIND_LABELS.get(kind, kind) for kind in EXPORT_KINDS},
        "folder": str(viewer.settings.data_dir / "exports"),
        "form": {},
        **extra,
    }
    return render(request, "exports.html", context, status)


@router.get("/exports", name="exports")
def exports_page(request: Request, viewer: Annotated[Viewer, needs("exports")]) -> Response:
    return _page(request, viewer, made=request.query_params.get("made"))


@router.post("/exports", name="exports_make")
def exports_make(
    request: Request,
    viewer: Annotated[Viewer, needs("exports")],
    recipient: Annotated[str, Form(max_length=200)] = "",
    basis: Annotated[str, Form(max_length=2000)] = "",
    expires: Annotated[str, Form(max_length=10)] = "",
    name: Annotated[str, Form(max_length=64)] = "",
    fmt: Annotated[str, Form(alias="format", max_length=16)] = "csv",
    kind: Annotated[str, Form(max_length=16)] = "escort",
) -> Response:
    form = {
        "recipient": recipient,
        "basis": basis,
        "expires": expires,
        "name": name,
        "fmt": fmt,
        "kind": kind,
    }
    if not _FOLDER.match(name):
        return _page(request, viewer, 400, form=form, problem=BAD_FOLDER)
    try:
        until = date.fromisoformat(expires)
    except ValueError:
        return _page(request, viewer, 400, form=form, problem=BAD_DATE)
    out = viewer.settings.data_dir / "exports" / name
    try:
        with Context(viewer.settings) as context:
            stages.export(
                context,
                recipient=recipient,
                basis=basis,
                expires=until,
                out=out,
                fmt=fmt,
                kind=kind,
            )
    except ScoutError as exc:  # the CLI's own message: what was refused and why
        return _page(request, viewer, 400, form=form, failed=said(exc))
    return redirect(f"/exports?made={name}")
