"""Sites for analysts and admins: each site's last crawls, their status, adverts seen,
errors and layout-drift warnings, as crawl health recorded them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipeline.reports.digest.health import SEVERITY
from pipeline.web.access import Viewer, needs
from pipeline.web.i18n import N_
from pipeline.web.render import render
from spiders.storage.crawlruns import recent_runs

router = APIRouter()

RUNS_SHOWN = 5
STATUS_NAMES = {
    "complete": N_("complete"),
    "incomplete": N_("incomplete"),
    "degraded": N_("degraded"),
    "blocked": N_("blocked"),
    "failed": N_("failed"),
    "running": N_("running"),
}
assert set(STATUS_NAMES) == set(SEVERITY)


@router.get("/sites", name="sites")
def sites_page(request: Request, viewer: Annotated[Viewer, needs("sites")]) -> Response:
    with request.app.state.database.session() as session:
        runs = recent_runs(session, RUNS_SHOWN)
    context = {"sites": runs, "status_names": STATUS_NAMES, "shown": RUNS_SHOWN}
    return render(request, "sites.html", context)
