"""What the outreach pages share: a target id from the address, people's display names."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Cluster, User
from pipeline.core import roles
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.reports.outreach.targets import parse_target_id
from pipeline.web.i18n import N_

OUTCOME_NAMES = {
    "reached": N_("Reached"),
    "no-answer": N_("No answer"),
    "declined": N_("Declined"),
    "referred": N_("Referred to help"),
    "opted-out": N_("Opted out: never contact again"),
}
REFERRAL_NAMES = {
    "health": N_("health services"),
    "social": N_("social services"),
    "legal": N_("legal aid"),
    "shelter": N_("a shelter"),
}


def cluster_id_of(request: Request, target: str) -> int:
    """The cluster id of "C12" in an address; 404 for a malformed, unknown or merged one."""
    database: Database = request.app.state.database
    with database.session() as session:
        return live_cluster(session, target).id


def live_cluster(session: Session, target: str) -> Cluster:
    """`cluster_id_of` in the caller's session. While the caller holds the cluster, the
    session finds it again without a query (its identity map keeps only what is held)."""
    try:
        cluster_id = parse_target_id(target)
    except ScoutError:
        raise HTTPException(404) from None
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.merged_into_id is not None:
        raise HTTPException(404)
    return cluster


def display_names(session: Session, actors: set[str]) -> dict[str, str]:
    """Actor (account name) → display name; CLI actors without an account keep their name."""
    if not actors:
        return {}
    rows = session.execute(select(User.name, User.display_name).where(User.name.in_(actors)))
    found = {name: shown for name, shown in rows}
    return {actor: found.get(actor, actor) for actor in actors}


def outreach_workers(session: Session) -> list[User]:
    """Active accounts that can hold a claim (for an admin's reassignment form)."""
    query = select(User).where(User.active.is_(True)).order_by(User.display_name)
    return [user for user in session.scalars(query) if roles.is_allowed("targets claim", user.role)]
