"""Effects: the effects reports, each shown in a sandboxed frame; write one for a period.

Built like the Digests page: a report is a self-contained HTML file served from its own route
with the digest's strict CSP (no script, `sandbox`) and shown in an `<iframe sandbox>`. Its
CSV files can be downloaded by name (names come from the report's own datapackage.json).
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.operations import stages
from pipeline.reports.effects import KINDS, PAGE, written_report, written_reports
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect, said
from pipeline.web.i18n import N_
from pipeline.web.render import render
from pipeline.web.routes.digests import framed_report

router = APIRouter()

_CSV = re.compile(r"^[a-z_]{1,40}$")
BAD_KIND = N_("Choose a kind from the list.")


def _page(request: Request, viewer: Viewer, status: int = 200, **extra: object) -> Response:
    context = {
        "reports": written_reports(viewer.settings),
        "kinds": KINDS,
        "form": {},
        "written": request.query_params.get("written"),
        **extra,
    }
    return render(request, "effects.html", context, status)


@router.get("/effects", name="effects")
def effects_page(request: Request, viewer: Annotated[Viewer, needs("effects")]) -> Response:
    return _page(request, viewer)


@router.post("/effects", name="effects_write")
def effects_write(
    request: Request,
    viewer: Annotated[Viewer, needs("effects")],
    first: Annotated[str, Form(alias="from", max_length=10)] = "",
    last: Annotated[str, Form(alias="to", max_length=10)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    midway: Annotated[bool, Form()] = False,
) -> Response:
    """A report through the stage API, as `scout report effects` writes it (`--midway`: the
    first day is the line's start)."""
    form = {"first": first, "last": last, "kind": kind, "midway": midway}
    if kind and kind not in KINDS:
        return _page(request, viewer, 400, form=form, problem=BAD_KIND)
    try:
        with Context(viewer.settings) as context:
            result = stages.effects(
                context, first=first, last=last, kind=kind or None, midway=midway
            )
    except ScoutError as exc:  # a bad date, a backwards period: said in the reader's language
        return _page(request, viewer, 400, form=form, failed=said(exc))
    return redirect(f"/effects?written={result.label}")


@router.get("/effects/{label}", name="effects_view")
def effects_view(
    request: Request, label: str, viewer: Annotated[Viewer, needs("effects")]
) -> Response:
    folder = written_report(viewer.settings, label)
    if folder is None:
        raise HTTPException(404)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r["path"].removesuffix(".csv") for r in package["resources"]]
    return render(request, "effects_view.html", {"label": label, "tables": tables})


@router.get("/effects/{label}/file", name="effects_file")
def effects_file(
    label: str,
    viewer: Annotated[Viewer, needs("effects")],
    download: Annotated[bool, Query()] = False,
) -> Response:
    folder = written_report(viewer.settings, label)
    if folder is None:
        raise HTTPException(404)
    return framed_report((folder / PAGE).read_bytes(), f"effects-{label}.html", download)


@router.get("/effects/{label}/{table}.csv", name="effects_csv")
def effects_csv(label: str, table: str, viewer: Annotated[Viewer, needs("effects")]) -> Response:
    folder = written_report(viewer.settings, label)
    if folder is None or not _CSV.match(table) or not (folder / f"{table}.csv").is_file():
        raise HTTPException(404)
    headers = {"Content-Disposition": f'attachment; filename="effects-{label}-{table}.csv"'}
    return Response(
        (folder / f"{table}.csv").read_bytes(),
        media_type="text/csv; charset=utf-8",
        headers=headers,
    )
