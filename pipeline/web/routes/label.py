"""Label: one cluster at a time (timeline, contact-masked text, reasons) and a quick label
with a note; keyboard shortcuts and "next" keep an analyst moving."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from models import LABEL_VALUES
from pipeline.core.errors import ScoutError
from pipeline.reports.outreach.evidence import target_evidence
from pipeline.reports.rules_eval import labelling
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import redirect
from pipeline.web.i18n import N_
from pipeline.web.render import render

router = APIRouter()

# label → (button text, keyboard shortcut)
CHOICES = {
    "concern": (N_("Concern"), "c"),
    "independent": (N_("Independent"), "i"),
    "spam": (N_("Spam"), "s"),
    "unsure": (N_("Unsure"), "u"),
}
assert tuple(CHOICES) == LABEL_VALUES


@router.get("/label", name="label")
def label_next(
    request: Request,
    viewer: Annotated[Viewer, needs("label")],
    after: Annotated[int | None, Query()] = None,
) -> Response:
    """The next cluster to label (after `after` in score order); a page when none is left."""
    with request.app.state.database.session() as session:
        found = labelling.next_cluster(session, after)
        done = labelling.progress(session)
    if found is not None:
        return redirect(f"/label/{found}")
    return render(request, "label_done.html", {"progress": done})


@router.get("/label/{cluster_id}", name="label_cluster")
def label_cluster(
    request: Request, cluster_id: int, viewer: Annotated[Viewer, needs("label")]
) -> Response:
    with request.app.state.database.session() as session:
        try:
            evidence = target_evidence(session, cluster_id)
        except ScoutError:
            raise HTTPException(404) from None
        context = {
            "evidence": evidence,
            "texts": labelling.cluster_texts(session, cluster_id),
            "progress": labelling.progress(session),
            "choices": CHOICES,
            "cluster_id": cluster_id,
            "saved": request.query_params.get("saved"),
        }
    return render(request, "label.html", context)


@router.post("/label/{cluster_id}", name="label_submit")
def label_submit(
    request: Request,
    cluster_id: int,
    viewer: Annotated[Viewer, needs("label")],
    label: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    with request.app.state.database.session() as session:
        try:
            labelling.record_label(session, viewer.settings, cluster_id, label, note)
        except ScoutError:
            raise HTTPException(404) from None
    return redirect(f"/label?after={cluster_id}")
