"""Digest counts on both engines: the DST week boundary, events, targets and crawl health."""

from __future__ import annotations

from datetime import UTC, datetime

from models import Advert, Cluster, ClusterEvent, ContactLogEntry, CrawlRun, Site
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.digest.data import gather
from pipeline.reports.digest.weeks import parse_week

LATE_SUNDAY = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # Sun 25 Oct 23:30 CET: week 43
EARLY_MONDAY = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # Mon 26 Oct 00:30 CET: week 44


def _advert(site: Site, n: int, seen: datetime, region: str) -> Advert:
    return Advert(
        site_id=site.id,
        external_id=f"x{n}",
        url=f"u{n}",
        first_seen=seen,
        last_seen=seen,
        region=region,
        content_hash="0" * 64,
        language="da",
    )


def test_digest_counts_across_dst_week(database: Database, settings: Settings) -> None:
    with database.session() as session:
        site = Site(name="s1", base_url="b")
        session.add(site)
        session.flush()
        session.add_all(
            [
                _advert(site, 1, LATE_SUNDAY, "Hovedstaden"),
                _advert(site, 2, EARLY_MONDAY, "Midtjylland"),
            ]
        )
        session.add_all(
            [
                CrawlRun(site_id=site.id, started_at=LATE_SUNDAY, status="degraded"),
                CrawlRun(site_id=site.id, started_at=EARLY_MONDAY, status="complete"),
            ]
        )
        cluster = Cluster(first_seen=LATE_SUNDAY, last_seen=EARLY_MONDAY, size=2, score=2.0)
        session.add(cluster)
        session.flush()
        session.add_all(
            [
                ClusterEvent(cluster_id=cluster.id, at=LATE_SUNDAY, kind="created"),
                ClusterEvent(cluster_id=cluster.id, at=EARLY_MONDAY, kind="reappeared"),
                ClusterEvent(cluster_id=cluster.id, at=EARLY_MONDAY, kind="new_contact"),
            ]
        )
        session.add(
            ContactLogEntry(
                target=f"C{cluster.id}",
                cluster_id=cluster.id,
                at=EARLY_MONDAY,
                actor="t",
                outcome="reached",
            )
        )
    with database.session() as session:
        w43 = gather(session, parse_week("2026-W43", settings.tz), threshold=1.5)
        w44 = gather(session, parse_week("2026-W44", settings.tz), threshold=1.5)
    assert w43.adverts_by_site_region == [("s1", "Hovedstaden", 1, 0)]
    assert w44.adverts_by_site_region == [("s1", "Midtjylland", 1, 0)]
    assert w43.events["created"] == (1, 0) and w44.events["created"] == (0, 1)
    assert w44.events["reappeared"] == (1, 0) and w44.reappeared_new_details == 1
    assert [h.statuses["degraded"] for h in w43.health] == [1]
    assert [h.worst for h in w44.health] == ["complete"]
    assert w44.targets is not None and w44.targets.over_threshold == 1
    assert w44.targets.contacted == 1 and dict(w44.targets.outcomes) == {"reached": 1}
    assert w43.targets is not None and w43.targets.contacted == 0
    assert w44.languages == [("da", 1, 1)]
