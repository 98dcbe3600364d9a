"""Issue 16: the job demo board is crawled with its site file (`kind: job`) like any site."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from demo.jobs import JobServer, build_job_world
from models import Advert, AdvertContact
from pipeline.core.db import Database
from pipeline.stages.crawling import run_crawl_process
from spiders.sitefile import load_site


def test_the_site_file_declares_job_adverts() -> None:
    site = load_site("demo_jobs")
    assert site.kind == "job" and set(site.detail.fields) == {"title", "text", "city"}


def test_world_has_honest_and_exploitative_adverts_in_seven_languages() -> None:
    world = build_job_world(seed=16)
    langs = {a.lang for a in world.adverts if a.exploitative}
    assert {"pl", "ro", "bg", "lt", "uk", "da"} <= langs
    assert {a.lang for a in world.adverts if not a.exploitative} == {"da", "en"}
    truth = world.ground_truth()["adverts"]
    hidden = [a for a in truth if a["exploitative"] and a["phone"] not in a["text"]]
    assert len(hidden) > len(truth) / 3  # most recruiters' phones are obfuscated or grouped
    assert build_job_world(seed=16).ground_truth() == world.ground_truth()


@pytest.mark.subprocess
def test_crawl_stores_job_adverts(database: Database, tmp_path: Path) -> None:
    world = build_job_world(seed=16)
    with JobServer(world, day=5) as server:
        outcome = run_crawl_process("demo_jobs", tmp_path / "logs", server.url, time_limit=120)
        paths = [r["path"] for r in server.requests]
        assert any(p.startswith("/jobs/ad/") for p in paths), (outcome, paths[:5])
    assert outcome.returncode == 0
    live = {a.external_id for a in world.live(5)}
    with database.session() as session:
        stored = dict(session.execute(select(Advert.external_id, Advert.kind)).all())
        contacts = session.scalar(select(AdvertContact.advert_id).limit(1))
    assert set(stored) == live and set(stored.values()) == {"job"}
    assert contacts is not None  # phones read from the text, stored sealed
