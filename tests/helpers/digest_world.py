"""Fills a test database with the demo world's ground truth, as if crawled and linked."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from demo.cities import CITY_BY_SLUG
from models import (
    Advert,
    Cluster,
    ClusterEvent,
    ClusterMember,
    ContactLogEntry,
    CrawlRun,
    IndicatorHit,
    Score,
    Site,
)
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

OUTCOMES = ("reached", "no-answer", "declined", "referred")


def day_time(start: date, day: int) -> datetime:
    return datetime.combine(start + timedelta(days=day), time(12, 0), tzinfo=UTC)


def _version(advert: dict[str, Any], day: int) -> dict[str, Any]:
    return [v for v in advert["versions"] if v["from_day"] <= day][-1]


def _item(advert: dict[str, Any], day: int, moment: datetime) -> AdvertItem:
    version = _version(advert, day)
    revealed = [c["value"] for c in version["contacts"] if c["reveal"] == "button"]
    return AdvertItem(
        site=advert["site"],
        external_id=advert["external_id"],
        url=f"http://127.0.0.1/ad/{advert['external_id']}",
        fetched_at=moment,
        title=version["title"],
        text=version["text"],
        city=CITY_BY_SLUG[version["city"]].name,
        stated_age=advert["age"],
        price=Decimal(str(advert["price"])),
        currency=advert["currency"],
        contacts=revealed,
    )


def crawl_days(database: Database, truth: dict[str, Any], days: int) -> None:
    """One complete crawl run per site and day (a degraded one on day 3 of the SPA)."""
    start = date.fromisoformat(truth["start"])
    for day in range(days):
        moment = day_time(start, day)
        with database.session() as session:
            for site in truth["sites"]:
                site_row = ensure_site(session, site, f"http://127.0.0.1/{site}")
                live = [
                    a
                    for a in truth["adverts"]
                    if a["site"] == site
                    and a["first_day"] <= day <= a["last_day"]
                    and not a.get("special")
                ]
                status = "degraded" if ("spa" in site and day % 7 == 3) else "complete"
                run = CrawlRun(
                    site_id=site_row.id,
                    started_at=moment,
                    status=status,
                    finished_at=moment + timedelta(minutes=5),
                    pages=len(live) + 3,
                    adverts_seen=len(live),
                    health={"warnings": []},
                )
                session.add(run)
                session.flush()
                store_adverts(
                    session,
                    database.keyring,
                    site_row.id,
                    run.id,
                    [_item(a, day, moment) for a in live],
                )
        with database.session() as session:
            for advert in truth["adverts"]:
                if advert["last_day"] == day - 1:
                    row = session.scalar(
                        select(Advert)
                        .join(Site)
                        .where(
                            Site.name == advert["site"], Advert.external_id == advert["external_id"]
                        )
                    )
                    if row is not None:
                        row.gone_at = moment


def link_by_truth(database: Database, truth: dict[str, Any]) -> None:
    """Clusters as a perfect linker would make them: one per controller or independent persona."""
    owner = {
        (a["site"], a["external_id"]): a["controller_id"] or a["persona_id"]
        for a in truth["adverts"]
    }
    with database.session() as session:
        adverts = session.execute(select(Advert, Site.name).join(Site)).all()
        weights = defaultdict(dict)
        for advert_id, rule, weight in session.execute(
            select(IndicatorHit.advert_id, IndicatorHit.rule_id, IndicatorHit.weight)
        ):
            weights[advert_id][rule] = weight
        groups: dict[str, list[Advert]] = defaultdict(list)
        for advert, site in adverts:
            groups[owner[(site, advert.external_id)]].append(advert)
        for n, (_, members) in enumerate(sorted(groups.items())):
            members.sort(key=lambda a: (a.first_seen, a.id))
            rules: dict[str, float] = {}
            for member in members:
                rules.update(weights[member.id])
            gone = [m.gone_at for m in members]
            cluster = Cluster(
                first_seen=members[0].first_seen,
                last_seen=max(m.last_seen for m in members),
                active=None in gone,
                size=len(members),
                score=round(sum(rules.values()), 3),
                ruleset_version="test",
            )
            session.add(cluster)
            session.flush()
            session.add_all(ClusterMember(cluster_id=cluster.id, advert_id=m.id) for m in members)
            session.add(
                ClusterEvent(
                    cluster_id=cluster.id,
                    at=members[0].first_seen,
                    kind="created",
                    detail={"size": 1},
                )
            )
            for before, after in pairwise(members):
                kind = "moved" if before.city != after.city else "grew"
                session.add(
                    ClusterEvent(
                        cluster_id=cluster.id,
                        at=after.first_seen,
                        kind=kind,
                        detail={"from": before.city, "to": after.city},
                    )
                )
            if None not in gone:
                session.add(ClusterEvent(cluster_id=cluster.id, at=max(gone), kind="vanished"))
            session.add(
                Score(
                    subject_kind="cluster",
                    subject_id=cluster.id,
                    ruleset_version="test",
                    score=cluster.score,
                    explanation=[{"rule": r} for r in sorted(rules)],
                    computed_at=cluster.last_seen,
                )
            )
            if cluster.score >= 1.0 and n % 2 == 0:
                session.add(
                    ContactLogEntry(
                        target=f"C{cluster.id}",
                        cluster_id=cluster.id,
                        at=cluster.last_seen,
                        actor="tester",
                        outcome=OUTCOMES[n % len(OUTCOMES)],
                        language="en",
                    )
                )


def fill(database: Database, truth: dict[str, Any], days: int = 14) -> None:
    crawl_days(database, truth, days)
    analyse(database)
    link_by_truth(database, truth)
