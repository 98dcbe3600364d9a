"""Contact-log outcomes as labels for rule evaluation (also read by the effects report).

Kept apart from `labels.py`, whose demo-world source imports the demo: the effects report,
which the stage API runs, must not reach the demo package through it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ClusterMember
from pipeline.reports.outreach.contact_log import anonymised_log

# Contact-log outcomes as labels: a referral is the one outcome that confirms a need for help;
# refusals and opt-outs count against; reached and no-answer say nothing either way.
OUTCOME_LABEL = {"referred": True, "declined": False, "opted-out": False}

Labels = dict[int, bool]


def cluster_adverts(session: Session, cluster_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ClusterMember.advert_id).where(ClusterMember.cluster_id == cluster_id)
        )
    )


def labels_from_contact_log(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> Labels:
    """Outcomes as labels (the latest per target wins), optionally of a period only."""
    labels: Labels = {}
    for row in anonymised_log(session, since, until):
        if row.outcome in OUTCOME_LABEL and row.target.startswith("C"):
            for advert_id in cluster_adverts(session, int(row.target[1:])):
                labels[advert_id] = OUTCOME_LABEL[row.outcome]
    return labels
