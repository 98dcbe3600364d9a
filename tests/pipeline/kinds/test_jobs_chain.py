"""Issue 16 on the job demo world: recruiter linking precision/recall, and the screening
list's top 10 all exploitative recruiters."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
from sqlalchemy import select

from demo.jobs import JobWorld, build_job_world
from models import Advert, Cluster, ClusterMember
from nlp.kinds import rules_dir_of
from nlp.rules import load_rules
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.reports.outreach.jobs import screening_list
from pipeline.reports.outreach.targets import TargetFilter, list_targets

from helpers.jobs_world import load_jobs


@pytest.fixture(scope="module")
def job_world() -> JobWorld:
    return build_job_world(seed=16)


def _pairs(groups: dict[object, set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for members in groups.values() for p in combinations(sorted(members), 2)}


def test_recruiters_are_linked_and_listed_first(
    database: Database, job_world: JobWorld, capsys: pytest.CaptureFixture[str]
) -> None:
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
        stamps = set(session.scalars(select(Cluster.ruleset_version)))
        escort_list = list_targets(session, TargetFilter(min_score=-10.0))
    # the job rules' version joins the scores' stamp (escort 6 + linking 6 + job 6 hex)
    job_rules = load_rules(rules_dir_of("job")).version[:6]
    assert len(stamps) == 1 and next(iter(stamps)).endswith(job_rules)
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

    # `scout jobs`: the same top 10, with industries, places and the workers' languages
    with database.session() as session:
        screened = screening_list(session, min_score=1.0)
        everyone = screening_list(session, min_score=-10.0)
        farms = screening_list(session, min_score=-10.0, industry="agriculture")
        north = screening_list(session, min_score=-10.0, region="nordjylland")
    assert [j.target_id for j in screened[:10]] == [t.target_id for t in listed[:10]]
    recruiters_languages = {truth[e].lang for t in listed[:10] for e in clusters[t.cluster_id]}
    # py3langid reads some short Bulgarian adverts as Russian: the other languages must match
    found_languages = {x for j in screened[:10] for x in j.workers_languages}
    assert recruiters_languages - {"bg"} <= found_languages
    assert all(j.workers_languages for j in screened[:10])
    assert all(j.industries and j.places for j in screened[:10])
    assert farms and all("agriculture" in j.industries for j in farms)
    assert len(farms) < len(everyone) and 0 < len(north) < len(everyone)
    assert all("Nordjylland" in j.regions for j in north)
    assert main(["jobs", "--json", "--limit", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["recruiter"] for r in rows] == [j.target_id for j in screened[:3]]
    assert {"reasons", "industries", "places", "languages", "last_seen"} <= set(rows[0])
    phones = {truth[e].phone for t in listed for e in clusters[t.cluster_id]}
    assert not any(p[-8:] in json.dumps(rows) for p in phones)  # no contact value shown
