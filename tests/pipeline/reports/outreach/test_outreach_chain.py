"""On the real chain (ingest → analyse → `scout link`), the targets are the controlled personas."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from models import Advert, ClusterMember, Site
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import load_settings
from pipeline.reports.outreach.render import as_csv, as_json
from pipeline.reports.outreach.targets import TargetFilter, list_targets
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.config import target_threshold

from helpers import outreach_world

linking = pytest.importorskip("pipeline.stages.linking.run")


def test_outreach_chain_targets_match_controlled_personas(
    database: Database, outreach_truth: dict[str, Any]
) -> None:
    outreach_world.store_truth(database, outreach_truth)
    analyse(database)
    last_day = max(a["first_day"] for a in outreach_truth["adverts"])
    start = datetime.fromisoformat(outreach_truth["start"]).replace(tzinfo=UTC)
    clock.set_now(start + timedelta(days=min(last_day, outreach_truth["days"] - 1), hours=13))
    try:
        linking.link_database(database, load_settings())
    finally:
        clock.set_now(None)
    controller_of = {
        (outreach_world.SITES[a["site"]], a["external_id"]): a["controller_id"]
        for a in outreach_truth["adverts"]
    }
    with database.session() as session:
        targets = list_targets(session, TargetFilter(min_score=target_threshold()))
        owners = {}
        for target in targets:
            rows = session.execute(
                select(Site.name, Advert.external_id)
                .join(Advert, Advert.site_id == Site.id)
                .join(ClusterMember, ClusterMember.advert_id == Advert.id)
                .where(ClusterMember.cluster_id == target.cluster_id)
            )
            owners[target.target_id] = Counter(controller_of[tuple(row)] for row in rows)
    controllers = {c["id"] for c in outreach_truth["controllers"]}
    assert owners
    for target, counts in owners.items():
        owner, count = counts.most_common(1)[0]
        assert owner in controllers, (target, counts)  # no independent worker is a target
        assert count / sum(counts.values()) >= 0.9, (target, counts)
    live = {
        a["controller_id"]
        for a in outreach_truth["adverts"]
        if a["controller_id"]
        and a["first_day"] <= outreach_truth["days"] - 1
        and a["last_day"] >= 0
    }
    assert {c.most_common(1)[0][0] for c in owners.values()} == live
    secrets = outreach_world.contact_strings(outreach_truth)
    for output in (as_csv(targets), as_json(targets)):
        assert not [s for s in secrets if s in output]
