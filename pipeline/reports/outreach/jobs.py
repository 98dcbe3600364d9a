"""The forced-labour screening list (issue 16): clusters of job adverts (recruiters), best
first, with the industries, places and the workers' languages, for the outreach team and
the authorities' working group. Built on the target list (`list_targets` with kind "job"),
so the opt-out, reveal (`scout targets reveal C<id>`), audit and retention rules are the
same; no contact value, company name or CVR number is shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pipeline.core.kinds import JOB as JOB_KIND
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.targets import Target, TargetFilter, list_targets

JOB = JOB_KIND.name  # also the key of the job fields in an advert's analysis


@dataclass
class JobTarget:
    """One recruiter on the screening list (a cluster of job adverts)."""

    target: Target
    industries: list[str]  # most adverts first
    places: list[str]
    regions: list[str]
    workers_languages: list[str]  # the languages the adverts are written in: write in these
    employers: int  # distinct employer identities named (keyed hashes), 0 if none

    @property
    def target_id(self) -> str:
        return self.target.target_id

    @property
    def score(self) -> float:
        return self.target.score

    @property
    def last_seen(self) -> datetime:
        return self.target.last_seen

    def row(self) -> dict[str, Any]:
        return {
            "recruiter": self.target_id,
            "score": self.score,
            "reasons": self.target.reasons,
            "industries": self.industries,
            "places": self.places,
            "regions": self.regions,
            "languages": self.workers_languages,
            "employers": self.employers,
            "adverts": self.target.adverts,
            "last_seen": self.last_seen.isoformat(timespec="minutes"),
        }


def _job_target(target: Target, analyses: dict[int, dict[str, Any]], ids: list[int]) -> JobTarget:
    industries: Counter[str] = Counter()
    places: Counter[str] = Counter()
    regions: set[str] = set()
    languages: Counter[str] = Counter()
    employers: set[str] = set()
    for advert_id in ids:
        analysis = analyses.get(advert_id, {})
        job = analysis.get(JOB) or {}
        if job.get("industry"):
            industries[job["industry"]] += 1
        places.update(job.get("places") or [])
        regions.update(job.get("regions") or [])
        languages.update(x["lang"] for x in analysis.get("languages", [])[:1])
        employer = job.get("cvr_key") or job.get("company_key")
        if employer:
            employers.add(employer)
    return JobTarget(
        target=target,
        industries=[name for name, _ in industries.most_common()],
        places=[name for name, _ in places.most_common()] or target.cities,
        regions=sorted(regions) or target.regions,
        workers_languages=[code for code, _ in languages.most_common()],
        employers=len(employers),
    )


def screening_list(
    session: Session,
    min_score: float,
    industry: str | None = None,
    region: str | None = None,
    now: datetime | None = None,
) -> list[JobTarget]:
    """Recruiters scoring at least `min_score`, best first, narrowed to an industry and a
    region (of the place of work) when given."""
    targets = list_targets(session, TargetFilter(min_score=min_score, kind=JOB), now)
    members = facts.members(session, [t.cluster_id for t in targets])
    ids = {cid: [m.advert_id for m in group] for cid, group in members.items()}
    analyses = facts.latest_analysis(session, list(ids), [JOB, "languages"])
    found = [_job_target(t, analyses, ids.get(t.cluster_id, [])) for t in targets]
    if industry:
        found = [j for j in found if industry in j.industries]
    if region:
        found = [j for j in found if region.casefold() in {r.casefold() for r in j.regions}]
    return found
