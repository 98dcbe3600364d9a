"""Test helper: what the escort chain makes of the demo world (hits, clusters, scores,
targets), keyed by advert external ids so that it compares across databases and keys.

`python -m helpers.escort_snapshot` (from tests/) rewrites the golden file; it was first
written from main's code before adverts had more than one kind (issue 16).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from models import Advert, Cluster, ClusterMember, IndicatorHit, Score
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.reports.outreach.targets import list_targets
from pipeline.stages.linking.run import link_database

from helpers.linking_world import load_world

GOLDEN = Path(__file__).parent / "escort_chain_golden.json"
# A contact point's pseudonym is keyed: another key, another name for the same point (and,
# where two points tie, another point named first, with its own count of adverts).
_POINT = re.compile(r"contact point [0-9a-f]{8} in \d+")
EVENING = datetime(2026, 11, 15, 13, tzinfo=UTC)  # the evening of day 13


def escort_snapshot(database: Database, truth: dict[str, Any]) -> dict[str, Any]:
    """Store and analyse the demo world's adverts, link them, and describe the outcome."""
    clock.set_now(EVENING)
    load_world(database, truth, up_to_day=13)
    link_database(database, database.settings)
    with database.session() as session:
        ext = dict(session.execute(select(Advert.id, Advert.external_id)).all())
        hits: dict[str, set[str]] = defaultdict(set)
        for advert_id, rule_id in session.execute(
            select(IndicatorHit.advert_id, IndicatorHit.rule_id)
        ):
            hits[ext[advert_id]].add(rule_id)
        members: dict[int, list[str]] = defaultdict(list)
        for cluster_id, advert_id in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.advert_id)
        ):
            members[cluster_id].append(ext[advert_id])
        explained = {
            subject: sorted(str(item.get("rule_id") or item.get("kind")) for item in explanation)
            for subject, explanation in session.execute(
                select(Score.subject_id, Score.explanation).where(Score.subject_kind == "cluster")
            )
        }
        clusters = sorted(
            (
                {
                    "adverts": sorted(members[c.id]),
                    "score": round(c.score, 4),
                    "active": c.active,
                    "explanation": explained.get(c.id, []),
                }
                for c in session.scalars(select(Cluster).where(Cluster.size > 0))
            ),
            key=lambda c: c["adverts"],
        )
        targets = [
            {
                "adverts": sorted(members[t.cluster_id]),
                "score": t.score,
                "reasons": [_POINT.sub("contact point <key> in <n>", r) for r in t.reasons],
            }
            for t in list_targets(session)
        ]
    return {
        "hits": {key: sorted(value) for key, value in sorted(hits.items())},
        "clusters": clusters,
        # Ties in score are listed by cluster id, which depends on the key: order by adverts.
        "targets": sorted(targets, key=lambda t: (-t["score"], t["adverts"])),
    }


if __name__ == "__main__":  # pragma: no cover - writes the golden file
    from demo.world import build_world

    from helpers.scratch import scratch_database

    with scratch_database() as db:
        snap = escort_snapshot(db, build_world(seed=7, days=14).ground_truth())
    GOLDEN.write_text(json.dumps(snap, indent=1, sort_keys=True) + "\n")
    print(
        len(snap["hits"]),
        "adverts with hits,",
        len(snap["clusters"]),
        "clusters,",
        len(snap["targets"]),
        "targets",
    )
