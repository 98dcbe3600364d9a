"""What a crawl process loads when it starts: no spaCy (its import was half of every crawl's
start-up; the crawl reads cities, prices and contact points with plain functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.db import Database
from pipeline.stages.crawling import run_crawl_process

from .conftest import DemoSites

pytestmark = pytest.mark.subprocess


def test_a_crawl_process_stores_adverts_without_importing_spacy(
    database: Database, demo_sites: DemoSites, tmp_path: Path
) -> None:
    outcome = run_crawl_process(
        "demo_classic", tmp_path / "logs", demo_sites.url("demo_classic"), 300,
        env={"PYTHONPROFILEIMPORTTIME": "1"}, as_of=demo_sites.clock.now(),
    )  # fmt: skip
    assert (outcome.status, outcome.returncode) == ("complete", 0), outcome
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in outcome.log_path.read_text().splitlines()
        if line.startswith("import time:")
    }
    # the child's imports were recorded, among them the crawl's readers of cities and contacts
    assert {"scrapy", "spiders.advert_spider", "nlp.fields", "nlp.contacts"} <= imported
    assert sorted(name for name in imported if name.split(".")[0] in ("spacy", "thinc")) == []
