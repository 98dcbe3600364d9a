"""Reveal: one target's contact points, once, in the answer to a POST with a reason.

The values appear in no address, log or cache: the form posts, the answer is `no-store`
(every page is), and the audit entry holds the reason and a count, never a value.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.reports.outreach import claims, reveal
from pipeline.web.access import Viewer, needs, require_recent_second_factor
from pipeline.web.errors import audit_refusal
from pipeline.web.i18n import N_
from pipeline.web.outreach import cluster_id_of
from pipeline.web.render import render

router = APIRouter()

# Why a reveal was refused, in words for the page (the exception's own text is for the CLI).
REFUSALS: dict[type[ScoutError], str] = {
    claims.NotClaimant: N_("Claim this target before you reveal its contact points."),
    reveal.ReasonMissing: N_("Write a reason of a few words."),
    reveal.RevealCapReached: N_("You have used all of today's reveals."),
    reveal.OptedOut: N_("This target is on the opt-out list. Nothing is revealed."),
    reveal.NothingToReveal: N_("This target has no contact point to reveal."),
}


def _form(
    request: Request, viewer: Viewer, cluster_id: int, error: str | None = None, status: int = 200
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        claim = claims.live_claim(session, cluster_id)
        used = reveal.reveals_today(session, viewer.settings)
    context = {
        "cluster_id": cluster_id,
        "mine": claim is not None and claim.actor == viewer.settings.effective_actor,
        "used": used,
        "cap": viewer.settings.reveal_cap,
        "error": error,
    }
    return render(request, "reveal.html", context, status=status)


@router.get("/targets/{target}/reveal", name="reveal_form")
def reveal_form(
    request: Request, target: str, viewer: Annotated[Viewer, needs("targets reveal")]
) -> Response:
    cluster_id = cluster_id_of(request, target)
    return _form(request, viewer, cluster_id)


@router.post("/targets/{target}/reveal", name="reveal")
def reveal_submit(
    request: Request,
    target: str,
    viewer: Annotated[Viewer, needs("targets reveal")],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    database: Database = request.app.state.database
    cluster_id = cluster_id_of(request, target)
    require_recent_second_factor(viewer, next_path=f"/targets/C{cluster_id}/reveal")
    try:
        with database.session() as session:
            found = claims.reveal_claimed(session, viewer.settings, cluster_id, reason)
    except tuple(REFUSALS) as refused:
        audit_refusal(request, {"why": type(refused).__name__})
        return _form(request, viewer, cluster_id, REFUSALS[type(refused)], 409)
    context = {"cluster_id": cluster_id, "contacts": found, "at": clock.now()}
    return render(request, "revealed.html", context)
