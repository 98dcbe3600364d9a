"""Test helper: store the job demo world's adverts (kind job) as a crawl would, analyse
and link them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from demo.jobs import JobWorld
from models import Advert, AdvertVersion, Cluster, ClusterMember, IndicatorHit
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.run import link_database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

START = date(2026, 11, 2)


def load_jobs(database: Database, world: JobWorld, up_to_day: int = 13) -> None:
    with database.session() as session:
        site_id = ensure_site(session, "demo_jobs", "http://127.0.0.1").id
    for day in range(up_to_day + 1):
        when = datetime.combine(START + timedelta(days=day), time(12), UTC)
        items = [
            AdvertItem(
                site="demo_jobs",
                external_id=a.external_id,
                url=f"http://127.0.0.1/jobs/ad/{a.external_id}",
                fetched_at=when,
                kind="job",
                title=a.title,
                text=a.text,
                city=a.city,
            )
            for a in world.live(day)
        ]
        if items:
            with database.session() as session:
                store_adverts(session, database.keyring, site_id, None, items)
    clock.set_now(datetime.combine(START + timedelta(days=up_to_day), time(13), UTC))
    analyse(database)
    link_database(database, database.settings)


def seed_job_market(database: Database, recruiters: int = 60, per_recruiter: int = 3) -> None:
    """A synthetic job market alike enough to be k-anonymous: recruiters (clusters) of Polish
    cleaning adverts in two regions, an hourly wage in one band, a fee indicator on half.
    The demo job world (36 recruiters, many industries and languages) is too varied for k=5
    on its own: its export is refused, as it should be."""
    when = datetime(2026, 11, 3, 12, tzinfo=UTC)
    with database.session() as session:
        site_id = ensure_site(session, "synthetic_jobs", "http://127.0.0.1").id
        for r in range(recruiters):
            cluster = Cluster(first_seen=when, last_seen=when)
            session.add(cluster)
            session.flush()
            for n in range(per_recruiter):
                advert = Advert(
                    site_id=site_id, external_id=f"s{r}-{n}", url=f"http://127.0.0.1/s{r}-{n}",
                    kind="job", first_seen=when, last_seen=when, content_hash=f"{r:04d}{n:04d}",
                    region=("Hovedstaden", "Midtjylland")[r % 2], language="pl",
                )  # fmt: skip
                session.add(advert)
                session.flush()
                wage = {"amount": 120, "currency": "DKK", "unit": "hour", "net": False}
                job = {"industry": "cleaning", "regions": [], "wages": [wage]}
                session.add(
                    AdvertVersion(
                        advert_id=advert.id, seen_at=when, content_hash=advert.content_hash,
                        analysis={"job": job},
                    )
                )  # fmt: skip
                session.add(ClusterMember(cluster_id=cluster.id, advert_id=advert.id))
                if (r // 2) % 2:
                    session.add(
                        IndicatorHit(
                            advert_id=advert.id, rule_id="recruitment_fee", category="fees",
                            ruleset_version="synthetic", weight=0.6,
                        )
                    )  # fmt: skip
