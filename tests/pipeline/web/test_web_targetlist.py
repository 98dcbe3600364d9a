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


def test_target_list_cache_builds_once_for_requests_at_the_same_time(
    outreach_db: Database, now: datetime, monkeypatch
) -> None:
    """Requests that miss the cache together wait for one build instead of each building."""
    import threading

    from pipeline.web import targetlist

    cache, started, release = TargetListCache(), threading.Event(), threading.Event()
    real = targetlist.list_targets

    def slow(*args, **kwargs):
        started.set()
        release.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(targetlist, "list_targets", slow)
    asked = threading.Semaphore(0)
    real_version = targetlist.list_version

    def version(session):
        found = real_version(session)
        asked.release()  # this request has its key: it will find no entry and want a build
        return found

    monkeypatch.setattr(targetlist, "list_version", version)
    results: list[list[str]] = []

    def ask() -> None:
        with outreach_db.session() as session:
            results.append(_ids(cache.listed(session, target_threshold(), now)))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(timeout=30)  # the first request is building
    others = [threading.Thread(target=ask) for _ in range(3)]
    for thread in others:
        thread.start()
    for _ in range(4):  # all four have missed the cache before the build may finish
        assert asked.acquire(timeout=30)
    release.set()
    for thread in [first, *others]:
        thread.join(timeout=60)
    assert cache.builds == 1 and len(results) == 4 and all(r == results[0] for r in results)


def test_target_list_cache_derives_once_per_build(outreach_db: Database, now: datetime) -> None:
    """What a page derives from the whole list (the filters' choices) is made once per build
    and made again after a rebuild; a list that is not the cached one is not remembered."""
    cache, threshold, made = TargetListCache(max_age=3600), target_threshold(), []

    def cities(targets: list) -> list[str]:
        made.append(len(targets))
        return sorted({c for t in targets for c in t.cities})

    with outreach_db.session() as session:
        first = cache.listed(session, threshold, now)
        once = cache.derive(first, cities)
        assert cache.derive(first, cities) is once and len(made) == 1 and once
        assert cache.derive(first[:1], cities) == sorted(set(first[0].cities))
        assert len(made) == 2
        cluster = session.scalars(select(Cluster).where(Cluster.id == first[0].cluster_id)).one()
        cluster.updated_at = now + timedelta(days=1)
    with outreach_db.session() as session:
        second = cache.listed(session, threshold, now)
        assert second is not first and cache.derive(second, cities) == once
    assert len(made) == 3
