"""Digests: the weekly digests, newest first, each shown in a sandboxed frame; write this week's.

A digest is a self-contained HTML file with inline styles and its own CSP. It is served
from its own route with a strict CSP of its own (no script at all, `sandbox`) and shown in
an `<iframe sandbox>`: the app's pages keep their CSP, and the digest runs in an opaque
origin that can neither script nor read the app.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from pipeline.core import roles
from pipeline.core.app import Context
from pipeline.operations import stages
from pipeline.reports.digest import written_digest, written_digests
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.render import render

router = APIRouter()

# The digest's own needs (inline styles, data: images) and nothing else; framed only by Scout.
DIGEST_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)


@router.get("/digests", name="digests")
def digests_page(request: Request, viewer: Annotated[Viewer, needs("digests")]) -> Response:
    context = {
        "weeks": written_digests(viewer.settings),
        "may_write": roles.is_allowed("digest", viewer.role),
        "written": request.query_params.get("written"),
    }
    return render(request, "digests.html", context)


@router.get("/digests/{label}", name="digest_view")
def digest_view(
    request: Request, label: str, viewer: Annotated[Viewer, needs("digests")]
) -> Response:
    if written_digest(viewer.settings, label) is None:
        raise HTTPException(404)
    return render(request, "digest_view.html", {"label": label})


@router.get("/digests/{label}/file", name="digest_file")
def digest_file(
    label: str,
    viewer: Annotated[Viewer, needs("digests")],
    download: Annotated[bool, Query()] = False,
) -> Response:
    path = written_digest(viewer.settings, label)
    if path is None:
        raise HTTPException(404)
    return framed_report(path.read_bytes(), path.name, download)


def framed_report(page: bytes, filename: str, download: bool) -> Response:
    """A self-contained report page (a digest, an effects report) for the sandboxed frame, or
    as a download: its own strict CSP, framed only by Scout."""
    disposition = "attachment" if download else "inline"
    headers = {
        "Content-Security-Policy": DIGEST_CSP,
        "X-Frame-Options": "SAMEORIGIN",
        "Content-Disposition": f'{disposition}; filename="{filename}"',
    }
    return Response(page, media_type="text/html; charset=utf-8", headers=headers)


@router.post("/digests/write", name="digest_write")
def digest_write(viewer: Annotated[Viewer, needs("digest")]) -> Response:
    """This week's digest through the stage API, as `scout digest` writes it."""
    with Context(viewer.settings) as context:
        result = stages.digest(context)
    return redirect(f"/digests?written={result.week.label}")
