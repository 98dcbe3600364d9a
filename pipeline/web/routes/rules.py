"""Rules for analysts: `rules check`, `rules eval` and `rules diff` as tables, with the same
functions as `scout rules`; label files and candidate folders are chosen from lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pipeline.core.errors import ScoutError
from pipeline.reports.rules_eval.check import check_rules
from pipeline.reports.rules_eval.evaluate import diff_rules, evaluate
from pipeline.reports.rules_eval.folders import (
    candidate_folder,
    candidate_folders,
    label_file,
    label_files,
    live_folder,
)
from pipeline.reports.rules_eval.labels import choose_labels
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import said
from pipeline.web.i18n import N_
from pipeline.web.render import render

router = APIRouter()

SOURCES = {"contact-log": N_("the contact log"), "stored": N_("labels from the Label page")}
UNKNOWN_CHOICE = N_("Choose a label source and a candidate folder from the lists.")


def _page(request: Request, viewer: Viewer, **extra: Any) -> Response:
    context = {
        "checks": check_rules(),
        "sources": SOURCES,
        "files": label_files(viewer.settings),
        "candidates": candidate_folders(viewer.settings),
        **extra,
    }
    return render(request, "rules.html", context)


@router.get("/rules", name="rules")
def rules_page(request: Request, viewer: Annotated[Viewer, needs("rules")]) -> Response:
    return _page(request, viewer)


@router.get("/rules/eval", name="rules_eval")
def rules_eval(
    request: Request,
    viewer: Annotated[Viewer, needs("rules")],
    source: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Precision, recall and F1 against the contact log, stored labels or a label file."""
    path = label_file(viewer.settings, source.removeprefix("file:"))
    if source not in SOURCES and (not source.startswith("file:") or path is None):
        return _page(request, viewer, source=source, problem=UNKNOWN_CHOICE)
    database = request.app.state.database
    try:
        with database.session() as session:
            labels = choose_labels(
                session,
                path=path if source.startswith("file:") else None,
                contact_log=source == "contact-log",
                stored=source == "stored",
            )
            result = evaluate(session, labels)
            session.rollback()  # evaluation reads only, as on the command line
    except ScoutError as exc:
        return _page(request, viewer, source=source, failed=said(exc))
    rows = [("target list", result.targets), *sorted(result.indicators.items())]
    return _page(request, viewer, source=source, evaluation=result, rows=rows)


@router.get("/rules/diff", name="rules_diff")
def rules_diff(
    request: Request,
    viewer: Annotated[Viewer, needs("rules")],
    candidate: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Targets entering or leaving the list between the live rules and a candidate folder."""
    folder = candidate_folder(viewer.settings, candidate)
    if folder is None:
        return _page(request, viewer, candidate=candidate, problem=UNKNOWN_CHOICE)
    database = request.app.state.database
    try:
        with database.session() as session:
            result = diff_rules(session, live_folder(), folder)
            session.rollback()
    except ScoutError as exc:
        return _page(request, viewer, candidate=candidate, failed=said(exc))
    return _page(request, viewer, candidate=candidate, diff=result)
