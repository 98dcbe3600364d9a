"""The forced-labour screening list (issue 16): recruiters in job adverts per industry and
region, built on `screening_list` (the same list as `scout jobs`). Each row links to the
target page, where reveal, claim and the contact log keep their own rules; this page shows
no contact value, company name or CVR number."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pipeline.core import clock, roles
from pipeline.core.db import Database
from pipeline.reports.outreach.jobs import screening_list
from pipeline.stages.linking.config import target_threshold
from pipeline.web.access import Viewer, needs
from pipeline.web.i18n import N_
from pipeline.web.render import render

router = APIRouter()

PAGE_SIZE = 20
# The industries screened (nlp/jobs/industries.yaml) in plain words; an unknown one as it is.
INDUSTRY_NAMES = {
    "cleaning": N_("Cleaning"),
    "agriculture": N_("Agriculture and horticulture"),
    "construction": N_("Construction"),
    "hotels_restaurants": N_("Hotels and restaurants"),
    "transport": N_("Transport"),
    "car_wash": N_("Car washes"),
}


@router.get("/jobs", name="jobs")
def jobs_page(
    request: Request,
    viewer: Annotated[Viewer, needs("jobs")],
    industry: Annotated[str, Query(max_length=40)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    database: Database = request.app.state.database
    threshold = target_threshold()
    with database.session() as session:
        everyone = screening_list(session, min_score=threshold, now=clock.now())
    industries = sorted({i for j in everyone for i in j.industries})
    regions = sorted({r for j in everyone for r in j.regions})
    # unknown values mean "no narrowing", as on the Today page
    industry = industry if industry in industries else ""
    region = region if region in regions else ""
    kept = [
        j
        for j in everyone
        if (not industry or industry in j.industries) and (not region or region in j.regions)
    ]
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(page, pages)

    def query(**changes: Any) -> str:
        values = {"industry": industry, "region": region, "page": page, **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", 1)})

    context = {
        "recruiters": kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(kept),
        "page": page,
        "pages": pages,
        "query": query,
        "industry": industry,
        "region": region,
        "industries": [(i, INDUSTRY_NAMES.get(i, i)) for i in industries],
        "regions": regions,
        "industry_names": INDUSTRY_NAMES,
        # the target page (evidence, reveal, claim, contact log) has its own key
        "linked": roles.is_allowed("targets show", viewer.role),
    }
    return render(request, "jobs.html", context)
