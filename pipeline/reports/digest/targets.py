"""Contact targets over the score threshold in a week, and what outreach did about them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Advert, Cluster, ClusterMember, ContactLogEntry, Score
from pipeline.core.kinds import DEFAULT_KIND, KINDS
from pipeline.reports.digest.weeks import Span, Week


@dataclass
class TargetSummary:
    threshold: float
    over_threshold: int = 0
    contacted: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def scores_at(session: Session, week: Span) -> dict[int, float]:
    """Each cluster seen in the span (a week or a month), by its latest score computed before
    the span ended (else its current score)."""
    latest = (
        select(Score.subject_id, func.max(Score.id).label("sid"))
        .where(Score.subject_kind == "cluster", Score.computed_at < week.end)
        .group_by(Score.subject_id)
        .subquery()
    )
    scored = dict(
        session.execute(
            select(Score.subject_id, Score.score).join(latest, latest.c.sid == Score.id)
        ).all()
    )
    # The escort target list's clusters (another kind's clusters are on its own list).
    other_kinds = (
        select(ClusterMember.cluster_id)
        .join(Advert, Advert.id == ClusterMember.advert_id)
        .where(Advert.kind.in_(sorted(set(KINDS) - {DEFAULT_KIND})))
    )
    clusters = session.execute(
        select(Cluster.id, Cluster.score).where(
            Cluster.first_seen < week.end,
            Cluster.last_seen >= week.start,
            Cluster.merged_into_id.is_(None),
            Cluster.id.not_in(other_kinds),
        )
    )
    return {cid: scored.get(cid, score) for cid, score in clusters}


def target_summary(session: Session, week: Week, threshold: float) -> TargetSummary:
    summary = TargetSummary(threshold)
    summary.over_threshold = sum(1 for s in scores_at(session, week).values() if s >= threshold)
    rows = session.execute(
        select(ContactLogEntry.target, ContactLogEntry.outcome).where(
            ContactLogEntry.at >= week.start, ContactLogEntry.at < week.end
        )
    ).all()
    summary.contacted = len({target for target, _ in rows})
    summary.outcomes = Counter(outcome for _, outcome in rows)
    return summary
