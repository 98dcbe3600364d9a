"""Analysts' quick labels of clusters: which cluster is next, recording a label (audited),
and the stored labels as ground truth for rule evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import LABEL_VALUES, Advert, Cluster, ClusterLabel, ClusterMember
from pipeline.core import audit
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.reports.outreach.evidence import find_cluster
from pipeline.reports.outreach.sanitize import excerpt

# A concern is the one label that says "offer help"; independent and spam count against;
# unsure says nothing either way (as the contact log's "reached" does).
LABEL_TRUTH = {"concern": True, "independent": False, "spam": False}
NOTE_LIMIT = 1000
TEXT_LIMIT = 1200


@dataclass(frozen=True)
class Progress:
    labelled: int
    to_label: int


def _latest(session: Session) -> dict[int, str]:
    """Each labelled cluster's newest label."""
    rows = session.execute(
        select(ClusterLabel.cluster_id, ClusterLabel.label).order_by(
            ClusterLabel.at, ClusterLabel.id
        )
    )
    return {cluster_id: label for cluster_id, label in rows}


def _unlabelled(session: Session):
    labelled = select(ClusterLabel.cluster_id)
    return select(Cluster.id).where(
        Cluster.merged_into_id.is_(None), Cluster.active.is_(True), Cluster.id.not_in(labelled)
    )


def next_cluster(session: Session, after: int | None = None) -> int | None:
    """The highest-scoring active cluster nobody labelled yet (skipping `after` and those
    before it in that order, so "next" moves on without labelling)."""
    query = _unlabelled(session).order_by(Cluster.score.desc(), Cluster.id)
    ids = list(session.scalars(query))
    if after in ids:
        ids = ids[ids.index(after) + 1 :]
    return ids[0] if ids else None


def progress(session: Session) -> Progress:
    labelled = session.scalar(select(func.count(func.distinct(ClusterLabel.cluster_id))))
    to_label = session.scalar(select(func.count()).select_from(_unlabelled(session).subquery()))
    return Progress(labelled or 0, to_label or 0)


def record_label(
    session: Session, settings: Settings, cluster_id: int, label: str, note: str = ""
) -> ClusterLabel:
    """Store one label of a live cluster and audit it (the note is sealed, never audited)."""
    if label not in LABEL_VALUES:
        raise ScoutError(f"label {label!r} is not one of {', '.join(LABEL_VALUES)}")
    find_cluster(session, cluster_id)
    row = ClusterLabel(
        cluster_id=cluster_id,
        actor=settings.effective_actor,
        label=label,
        note=note.strip()[:NOTE_LIMIT] or None,
    )
    session.add(row)
    audit.record(
        session,
        settings,
        "label",
        params={"target": f"C{cluster_id}", "label": label, "note": bool(row.note)},
    )
    return row


def labels_from_stored(session: Session) -> dict[int, bool]:
    """Per advert, the truth of its cluster's newest label (unsure clusters left out)."""
    latest = {
        c: LABEL_TRUTH[label] for c, label in _latest(session).items() if label in LABEL_TRUTH
    }
    if not latest:
        return {}
    rows = session.execute(
        select(ClusterMember.cluster_id, ClusterMember.advert_id).where(
            ClusterMember.cluster_id.in_(list(latest))
        )
    )
    return {advert_id: latest[cluster_id] for cluster_id, advert_id in rows}


def cluster_texts(session: Session, cluster_id: int, limit: int = 5) -> list[str]:
    """The distinct texts of a cluster's adverts (its templates), contact-masked, longest
    first: what an analyst reads to judge it."""
    rows = session.execute(
        select(Advert.title, Advert.text)
        .join(ClusterMember, ClusterMember.advert_id == Advert.id)
        .where(ClusterMember.cluster_id == cluster_id)
    )
    texts = {excerpt(title, text, TEXT_LIMIT) for title, text in rows}
    return sorted(texts - {""}, key=lambda t: (-len(t), t))[:limit]
