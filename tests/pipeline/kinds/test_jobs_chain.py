"""Issue 16 on the job demo world: recruiter linking precision/recall, and the screening
list's top 10 all exploitative recruiters."""

from __future__ import annotations

from itertools import combinations

import pytest
from sqlalchemy import select

from demo.jobs import JobWorld, build_job_world
from models import Advert, ClusterMember
from pipeline.core.db import Database
from pipeline.reports.outreach.targets import TargetFilter, list_targets

from helpers.jobs_world import load_jobs


@pytest.fixture(scope="module")
def job_world() -> JobWorld:
    return build_job_world(seed=16)


def _pairs(groups: dict[object, set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for members in groups.values() for p in combinations(sorted(members), 2)}


def test_recruiters_are_linked_and_listed_first(database: Database, job_world: JobWorld) -> None:
    load_jobs(database, job_world)
    truth = {a.external_id: a for a in job_world.adverts}
    with database.session() as session:
        ext = dict(session.execute(select(Advert.id, Advert.external_id)).all())
        clusters: dict[object, set[str]] = {}
        for cluster_id, advert_id in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.advert_id)
        ):
            clusters.setdefault(cluster_id, set()).add(ext[advert_id])
        listed = list_targets(session, TargetFilter(min_score=-10.0, kind="job"))
        escort_list = list_targets(session, TargetFilter(min_score=-10.0))
    stored = {e for members in clusters.values() for e in members}
    by_recruiter: dict[object, set[str]] = {}
    for e in stored:
        by_recruiter.setdefault(truth[e].recruiter, set()).add(e)
    found, true = _pairs(clusters), _pairs(by_recruiter)
    precision = len(found & true) / len(found)
    recall = len(found & true) / len(true)
    assert precision >= 0.95 and recall >= 0.9, (precision, recall)
    # the screening list: job clusters only, best first; its top 10 all exploitative
    assert escort_list == []
    assert len(listed) >= 10
    for target in listed[:10]:
        members = clusters[target.cluster_id]
        assert all(truth[e].exploitative for e in members), target.reasons
    honest = [t for t in listed if not any(truth[e].exploitative for e in clusters[t.cluster_id])]
    assert honest and max(t.score for t in honest) < min(t.score for t in listed[:10])
