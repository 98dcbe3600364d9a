"""Issue 16: the weekly digest gains a job-advert section (counts by industry, region,
language, indicator); the escort sections and the escort export hold escort adverts only
(the job export: tests/pipeline/reports/export/test_export_kinds.py)."""

from __future__ import annotations

from collections import Counter

from demo.jobs import build_job_world
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.reports.digest import build_digest
from pipeline.reports.digest.data import gather
from pipeline.reports.digest.weeks import week_of
from pipeline.reports.export.rows import Pseudonymiser, advert_rows
from pipeline.reports.export.schema import CATEGORIES

from helpers.jobs_world import load_jobs


def test_digest_counts_job_adverts(database: Database) -> None:
    world = build_job_world(seed=16)
    load_jobs(database, world, up_to_day=13)
    week = week_of(clock.now(), database.settings.tz)
    with database.session() as session:
        data = gather(session, week, 1.5)
        page = build_digest(session, week, 1.5)
    assert set(data.jobs) == {"industry", "region", "language", "indicator"}
    industries = {value: this for value, this, _ in data.jobs["industry"]}
    assert set(industries) <= {
        "cleaning", "agriculture", "construction", "hotels_restaurants", "transport", "car_wash",
        "unknown",
    }  # fmt: skip
    assert sum(industries.values()) > 0
    indicators = Counter({value: this for value, this, _ in data.jobs["indicator"]})
    assert indicators["recruitment_fee"] > 0 and indicators["documents_kept"] == 0
    assert {value for value, *_ in data.jobs["language"]} >= {"pl", "ro", "da"}
    # the escort sections hold no job adverts (there are none of the escort kind here)
    assert data.indicators == [] and data.languages == []
    assert data.targets is not None and data.targets.over_threshold == 0
    assert 'id="jobs"' in page and "recruitment_fee" in page


def test_export_holds_escort_adverts_only(database: Database) -> None:
    load_jobs(database, build_job_world(seed=16), up_to_day=3)
    with database.session() as session:
        rows = advert_rows(session, database.settings.tz, Pseudonymiser(database.keyring, "r"))
    assert rows == []  # job adverts go into the job export (`--kind job`), not this one
    assert "has_fees" not in str(CATEGORIES) and "fees" not in CATEGORIES
