"""Test helper: store the job demo world's adverts (kind job) as a crawl would, analyse
and link them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from demo.jobs import JobWorld
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
