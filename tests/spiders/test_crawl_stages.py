"""A crawl records where its time went, per stage, in its run's stats."""

from __future__ import annotations

from sqlalchemy import select

from models import CrawlRun
from pipeline.core.db import Database


def test_crawl_records_its_seconds_per_stage(database: Database, demo_sites, crawl) -> None:
    outcome = crawl("demo_classic")
    assert outcome.status == "complete", outcome
    with database.session() as session:
        run = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()))
        assert run is not None
        stages, adverts = run.stats["stage_seconds"], run.adverts_seen
    timed = {"clean", "validate", "store", "contacts", "sealing", "database", "image hashing"}
    assert timed <= set(stages)
    assert all(stages[name]["seconds"] >= 0 for name in stages)
    # every advert went through each item pipeline once; contact finding ran on each text
    assert stages["clean"]["calls"] >= adverts > 0
    assert stages["validate"]["calls"] == stages["clean"]["calls"]
    assert stages["contacts"]["calls"] >= adverts
    # batched writes: far fewer round trips than adverts would each need
    assert 0 < stages["database"]["calls"] < 20 * adverts
    assert stages["sealing"]["calls"] >= 2 * adverts  # title and text at least
