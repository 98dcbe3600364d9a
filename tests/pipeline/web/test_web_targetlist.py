"""The Today page's cached target list: rebuilt when the list's data change (an opt-out at
once), reused while they do not, and never older than its maximum age."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from models import Cluster
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.outreach import contact_log
from pipeline.reports.outreach.targets import TargetFilter, list_targets
from pipeline.stages.linking.config import target_threshold
from pipeline.web.targetlist import TargetListCache


def _ids(targets) -> list[str]:
    return [t.target_id for t in targets]


def test_target_list_cache_reuses_and_rebuilds(
    outreach_db: Database, settings: Settings, now: datetime
) -> None:
    cache, threshold = TargetListCache(), target_threshold()
    with outreach_db.session() as session:
        first = cache.listed(session, threshold, now)
        assert cache.listed(session, threshold, now) is first and cache.builds == 1
        fresh = list_targets(session, TargetFilter(min_score=threshold), now)
        assert _ids(first) == _ids(fresh) and first
    gone = first[0]
    worker = settings.model_copy(update={"actor": "kim", "roles": {"kim": "outreach"}})
    with outreach_db.session() as session:
        contact_log.log_contact(session, worker, gone.cluster_id, "opted-out")
    with outreach_db.session() as session:
        after = cache.listed(session, threshold, now)
    assert cache.builds == 2 and gone.target_id not in _ids(after)  # the opt-out: at once
    with outreach_db.session() as session:  # a score change (as linking makes) rebuilds it
        cluster = session.scalars(select(Cluster).where(Cluster.id == after[-1].cluster_id)).one()
        cluster.updated_at = now + timedelta(days=1)
    with outreach_db.session() as session:
        cache.listed(session, threshold, now)
        assert cache.builds == 3
        cache.listed(session, threshold, now)
        assert cache.builds == 3


def test_target_list_cache_has_a_maximum_age(outreach_db: Database, now: datetime) -> None:
    cache = TargetListCache(max_age=0.0)  # every entry is already too old
    with outreach_db.session() as session:
        cache.listed(session, target_threshold(), now)
        cache.listed(session, target_threshold(), now)
    assert cache.builds == 2
