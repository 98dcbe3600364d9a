"""Accuracy of clusters against the demo world's ground truth (pairwise and top-k).

Truth per advert: its controller, or for an independent worker her persona. Pairs of
two adverts of the same independent persona are not counted either way (her reposts and
tours may link or not); every other pair should be linked exactly when both adverts
belong to one controller.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, Cluster, ClusterMember, Site

DEMO_SITES = {"demo_classic": "classic", "demo_spa": "spa"}


@dataclass
class Accuracy:
    adverts: int
    precision: float
    recall: float
    top_k: int
    top_controlled: int
    independents_in_top: int


def truth_labels(truth: dict[str, Any]) -> dict[tuple[str, str], tuple[str, bool]]:
    """(site, external id) -> (label, controlled)."""
    return {
        (a["site"], a["external_id"]): (a["controller_id"], True)
        if a["controller_id"]
        else (f"P{a['persona_id']}", False)
        for a in truth["adverts"]
    }


def pairwise(assigned: dict[Any, int], labels: dict[Any, tuple[str, bool]]) -> tuple[float, float]:
    """Pairwise precision and recall by counting, without enumerating pairs."""
    keys = [k for k in assigned if k in labels]
    both = Counter((assigned[k], labels[k]) for k in keys)
    by_cluster = Counter(assigned[k] for k in keys)
    by_label = Counter(labels[k] for k in keys)

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    true_pos = sum(pairs(n) for (_, (_, ctl)), n in both.items() if ctl)
    ignored = sum(pairs(n) for (_, (_, ctl)), n in both.items() if not ctl)
    predicted = sum(pairs(n) for n in by_cluster.values()) - ignored
    actual = sum(pairs(n) for (_, ctl), n in by_label.items() if ctl)
    return (true_pos / predicted if predicted else 1.0, true_pos / actual if actual else 1.0)


def evaluate_clusters(session: Session, truth: dict[str, Any], k: int = 20) -> Accuracy:
    """Pairwise precision/recall, and how many of the k highest-scored active clusters hold a
    controlled advert (`top_controlled`) or an independent worker's advert
    (`independents_in_top`; a cluster mixing both counts in both)."""
    labels = truth_labels(truth)
    rows = session.execute(
        select(Site.name, Advert.external_id, ClusterMember.cluster_id)
        .join(Advert, Advert.site_id == Site.id)
        .join(ClusterMember, ClusterMember.advert_id == Advert.id)
    ).all()
    assigned = {(DEMO_SITES.get(site, site), ext): cid for site, ext, cid in rows}
    precision, recall = pairwise(assigned, labels)
    controlled: set[int] = set()
    independent: set[int] = set()
    for key, cluster_id in assigned.items():
        if key in labels:
            (controlled if labels[key][1] else independent).add(cluster_id)
    top = session.scalars(
        select(Cluster.id)
        .where(Cluster.active.is_(True), Cluster.size > 0)
        .order_by(Cluster.score.desc(), Cluster.id)
        .limit(k)
    ).all()
    return Accuracy(
        len(assigned),
        precision,
        recall,
        len(top),
        sum(c in controlled for c in top),
        sum(c in independent for c in top),
    )
