"""Today (the target list with filters) and the target page with its claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pipeline.core import audit, clock, roles
from pipeline.core.db import Database
from pipeline.reports.outreach import claims, contact_log
from pipeline.reports.outreach.evidence import target_evidence
from pipeline.reports.outreach.sanitize import mask_contacts
from pipeline.reports.outreach.targets import Target, TargetFilter, matches
from pipeline.stages.linking.config import target_threshold
from pipeline.web.access import Viewer, needs
from pipeline.web.errors import audit_refusal, redirect
from pipeline.web.i18n import N_
from pipeline.web.outreach import (
    OUTCOME_NAMES,
    cluster_id_of,
    display_names,
    live_cluster,
    outreach_workers,
)
from pipeline.web.render import render
from pipeline.web.targetlist import TargetListCache

router = APIRouter()

PAGE_SIZE = 20
ADVERTS_SHOWN = 30  # a target page shows its most recently seen adverts (all: `targets show`)
BANDS = {"": 1.0, "high": 1.5, "top": 2.0}  # score band → multiple of the target threshold
ACTIVITY = {"": None, "1d": timedelta(days=1), "7d": timedelta(days=7)}
CLAIMS = ("", "mine", "unclaimed")


@dataclass(frozen=True)
class Filters:
    """The Today page's query string, checked: unknown values mean "no narrowing"."""

    region: str = ""
    city: str = ""
    language: str = ""
    band: str = ""
    activity: str = ""  # "", "live", "1d", "7d"
    not_contacted: bool = False
    claim: str = ""
    page: int = 1

    def target_filter(self, threshold: float) -> TargetFilter:
        return TargetFilter(
            min_score=threshold * BANDS.get(self.band, 1.0),
            region=self.region or None,
            city=self.city or None,
            language=self.language or None,
            active_within=ACTIVITY.get(self.activity),
            live_now=self.activity == "live",
            not_contacted=self.not_contacted,
        )

    def query(self, **changes: Any) -> str:
        values = {**self.__dict__, **changes}
        values["not_contacted"] = "1" if values["not_contacted"] else ""
        return urlencode({key: value for key, value in values.items() if value not in ("", 1)})


def _options(targets: list[Target]) -> dict[str, list[str]]:
    return {
        "regions": sorted({r for t in targets for r in t.regions}),
        "cities": sorted({c for t in targets for c in t.cities}),
        "languages": sorted({w.lang for t in targets for w in t.languages}),
    }


def _by_claim(
    targets: list[Target], held: dict[int, claims.Claim], actor: str, which: str
) -> list[Target]:
    if which == "mine":
        return [t for t in targets if t.cluster_id in held and held[t.cluster_id].actor == actor]
    if which == "unclaimed":
        return [t for t in targets if t.cluster_id not in held]
    return targets


def _today(
    session: Session, cache: TargetListCache, filters: Filters, actor: str, now: datetime
) -> dict[str, Any]:
    threshold = target_threshold()
    everything = cache.listed(session, threshold, now)
    wanted = filters.target_filter(threshold)
    kept = [t for t in everything if t.score >= wanted.min_score and matches(t, wanted, now)]
    held = claims.live_claims(session, [t.cluster_id for t in kept], now)
    kept = _by_claim(kept, held, actor, filters.claim)
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    shown = kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    names = display_names(
        session, {held[t.cluster_id].actor for t in shown if t.cluster_id in held}
    )
    return {
        "targets": shown,
        "total": len(kept),
        "page": page,
        "pages": pages,
        "claims": held,
        "names": names,
        "options": cache.derive(everything, _options),
        "filters": filters,
        "threshold": threshold,
    }


@router.get("/targets", name="targets")
def today(
    request: Request,
    viewer: Annotated[Viewer, needs("targets")],
    region: Annotated[str, Query(max_length=100)] = "",
    city: Annotated[str, Query(max_length=100)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
    band: Annotated[str, Query(max_length=8)] = "",
    activity: Annotated[str, Query(max_length=8)] = "",
    not_contacted: Annotated[str, Query(max_length=1)] = "",
    claim: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    filters = Filters(
        region=region,
        city=city,
        language=language,
        band=band if band in BANDS else "",
        activity=activity if activity in {*ACTIVITY, "live"} else "",
        not_contacted=not_contacted == "1",
        claim=claim if claim in CLAIMS else "",
        page=page,
    )
    database: Database = request.app.state.database
    with database.session() as session:
        context = _today(
            session,
            request.app.state.target_list,
            filters,
            viewer.settings.effective_actor,
            clock.now(),
        )
    return render(request, "targets.html", context)


def target_context(session: Session, viewer: Viewer, cluster_id: int) -> dict[str, Any]:
    """What the target page shows (also behind a refused claim's message)."""
    now = clock.now()
    evidence = target_evidence(session, cluster_id, limit=ADVERTS_SHOWN)
    claim = claims.live_claim(session, cluster_id, now)
    history = contact_log.history(session, cluster_id)
    actors = {entry.actor for entry in history} | ({claim.actor} if claim else set())
    can = {key: roles.is_allowed(key, viewer.role) for key in ROLE_KEYS}
    return {
        "evidence": evidence,
        "cluster_id": cluster_id,
        "claim": claim,
        "mine": claim is not None and claim.actor == viewer.settings.effective_actor,
        # a note is the team's own words; a number typed into one stays hidden here too
        "history": [
            {
                "at": entry.at,
                "actor": entry.actor,
                "outcome": entry.outcome,
                "language": entry.language,
                "follow_up": entry.follow_up,
                "note": mask_contacts(entry.note),
            }
            for entry in history
        ],
        "outcome_names": OUTCOME_NAMES,
        "names": display_names(session, actors),
        "can": can,
        "workers": outreach_workers(session) if can["targets reassign"] else [],
    }


ROLE_KEYS = ("targets claim", "targets reassign", "targets reveal", "contact log")


@router.get("/targets/{target}", name="target")
def target_page(
    request: Request, target: str, viewer: Annotated[Viewer, needs("targets show")]
) -> Response:
    database: Database = request.app.state.database
    with database.session() as session:
        cluster = live_cluster(session, target)  # held: the evidence reads it without a query
        context = target_context(session, viewer, cluster.id)
        # who looked at which target, never what they saw
        audit.record(session, viewer.settings, "target-view", params={"target": f"C{cluster.id}"})
    return render(request, "target.html", context)


def _back(cluster_id: int) -> Response:
    return redirect(f"/targets/C{cluster_id}")


@router.post("/targets/{target}/claim", name="target_claim")
def claim(
    request: Request, target: str, viewer: Annotated[Viewer, needs("targets claim")]
) -> Response:
    database: Database = request.app.state.database
    cluster_id = cluster_id_of(request, target)
    try:
        with database.session() as session:
            claims.claim_target(session, viewer.settings, cluster_id)
    except claims.ClaimHeld:
        audit_refusal(request, {"why": "ClaimHeld"})
        with database.session() as session:
            context = target_context(session, viewer, cluster_id)
        context["error"] = N_("Someone else claimed this target first.")
        return render(request, "target.html", context, status=409)
    return _back(cluster_id)


@router.post("/targets/{target}/release", name="target_release")
def release(
    request: Request, target: str, viewer: Annotated[Viewer, needs("targets claim")]
) -> Response:
    database: Database = request.app.state.database
    cluster_id = cluster_id_of(request, target)
    with database.session() as session:
        claims.release_claim(session, viewer.settings, cluster_id)
    return _back(cluster_id)


@router.post("/targets/{target}/reassign", name="target_reassign")
def reassign(
    request: Request,
    target: str,
    viewer: Annotated[Viewer, needs("targets reassign")],
    to: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    database: Database = request.app.state.database
    cluster_id = cluster_id_of(request, target)
    with database.session() as session:
        workers = {user.name for user in outreach_workers(session)}
        error = None
        if to not in workers:
            error = N_("Choose an outreach worker.")
        elif not reason.strip():
            error = N_("Say why the claim moves.")
        else:
            claims.reassign_claim(session, viewer.settings, cluster_id, to, reason)
        if error is None:
            return _back(cluster_id)
        context = target_context(session, viewer, cluster_id)
    return render(request, "target.html", {**context, "error": error}, status=400)
