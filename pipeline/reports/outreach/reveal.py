"""Revealing one target's contact points: outreach role only, with a reason, audited, capped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AdvertContact, AuditEntry, ClusterMember, ContactPoint
from pipeline.core import audit, clock, roles
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.evidence import find_cluster

REVEAL_ACTION = "reveal"
MIN_REASON = 5


class RevealCapReached(ScoutError):
    """The actor has used today's reveals (the operator file's reveal_daily_cap or reveal_caps)."""


class OptedOut(ScoutError):
    """A contact point of the target is on the opt-out list: nothing is revealed."""


class NothingToReveal(ScoutError):
    """The target has no contact point."""


class ReasonMissing(ScoutError):
    """A reveal needs a reason of a few words."""


@dataclass(frozen=True)
class RevealedContact:
    kind: str
    value: str
    via: str
    country: str | None
    number_type: str | None


def reveals_today(session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Reveals the acting person made since local midnight, counted from the audit log."""
    local = (now or clock.now()).astimezone(settings.tz)
    midnight = datetime.combine(local.date(), time(0), tzinfo=settings.tz)
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == REVEAL_ACTION,
                AuditEntry.actor == settings.effective_actor,
                AuditEntry.at >= midnight,
            )
        )
        or 0
    )


def reveal_target(
    session: Session, settings: Settings, cluster_id: int, reason: str
) -> list[RevealedContact]:
    """The unsuppressed contact points of one target; writes the audit entry (no values)."""
    roles.require(settings, "targets reveal")  # also when called from code, not only the CLI
    if len(reason.strip()) < MIN_REASON:
        raise ReasonMissing("a reveal needs a reason (--reason), e.g. 'first contact, Danish'")
    find_cluster(session, cluster_id)
    used = reveals_today(session, settings)
    if used >= settings.reveal_cap:
        raise RevealCapReached(
            f"daily reveal cap reached: {settings.effective_actor} has made {used} of "
            f"{settings.reveal_cap} reveals today (operator file: reveal_daily_cap)"
        )
    suppressed = facts.suppressed_pseudonyms(session)
    rows = session.execute(
        select(ContactPoint, AdvertContact.source)
        .join(AdvertContact, AdvertContact.contact_point_id == ContactPoint.id)
        .join(ClusterMember, ClusterMember.advert_id == AdvertContact.advert_id)
        .where(ClusterMember.cluster_id == cluster_id)
        .order_by(ContactPoint.kind, ContactPoint.id)
    )
    found: dict[int, RevealedContact] = {}
    for point, source in rows:
        if point.pseudonym in suppressed:
            # one opted-out contact point closes the whole target, as the list does
            raise OptedOut(f"C{cluster_id} is on the opt-out list; nothing is revealed")
        if point.id in found:
            continue
        found[point.id] = RevealedContact(
            point.kind, point.value, source, point.country, point.number_type
        )
    if not found:
        raise NothingToReveal(f"C{cluster_id} has no contact point to reveal")
    audit.record(
        session,
        settings,
        REVEAL_ACTION,
        reason=reason.strip(),
        params={"target": f"C{cluster_id}"},
        counts={"contact_points": len(found), "today": used + 1},
    )
    return list(found.values())
