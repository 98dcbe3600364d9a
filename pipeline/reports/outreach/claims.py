"""Claims on targets: one worker at a time works on a target, for a lease of `claim_hours`.

A claim is one row a target in `target_claims`; its key decides races (two workers claiming
at once: one insert wins, the other gets ClaimHeld). A claim ends when its lease runs out,
when its holder logs a contact, or by hand; an admin can hand it to someone else. Every
change is audited; ended claims are deleted (the audit log keeps their history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import TargetClaim
from pipeline.core import audit, clock, roles
from pipeline.core.db import changed_rows
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.reports.outreach.evidence import find_cluster
from pipeline.reports.outreach.reveal import RevealedContact, reveal_target

CLAIM_ACTION = "claim"


class ClaimHeld(ScoutError):
    """Someone else holds a live claim on the target."""

    def __init__(self, cluster_id: int, holder: Claim | None) -> None:
        who = holder.actor if holder else "someone else"
        super().__init__(f"C{cluster_id} is claimed by {who}")
        self.holder = holder


class NotClaimant(ScoutError):
    """The action needs the acting person's own live claim on the target."""


@dataclass(frozen=True)
class Claim:
    cluster_id: int
    actor: str
    claimed_at: datetime
    expires_at: datetime


def _claim(row: TargetClaim) -> Claim:
    return Claim(row.cluster_id, row.actor, row.claimed_at, row.expires_at)


def live_claims(
    session: Session, cluster_ids: list[int] | None = None, now: datetime | None = None
) -> dict[int, Claim]:
    """Claims whose lease has not run out, by cluster id (all of them when ids is None)."""
    query = select(TargetClaim).where(TargetClaim.expires_at > (now or clock.now()))
    if cluster_ids is not None:
        query = query.where(TargetClaim.cluster_id.in_(cluster_ids))
    return {row.cluster_id: _claim(row) for row in session.scalars(query)}


def live_claim(session: Session, cluster_id: int, now: datetime | None = None) -> Claim | None:
    return live_claims(session, [cluster_id], now).get(cluster_id)


def _take(session: Session, cluster_id: int, actor: str, now: datetime, until: datetime) -> bool:
    """Take a free, expired or own claim: a conditional UPDATE, else an INSERT the key guards."""
    taken = session.execute(
        update(TargetClaim)
        .where(
            TargetClaim.cluster_id == cluster_id,
            or_(TargetClaim.expires_at <= now, TargetClaim.actor == actor),
        )
        .values(actor=actor, claimed_at=now, expires_at=until)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(taken):
        return True
    find_cluster(session, cluster_id)  # a clear error for a wrong id, not a foreign-key one
    try:
        with session.begin_nested():
            session.add(
                TargetClaim(cluster_id=cluster_id, actor=actor, claimed_at=now, expires_at=until)
            )
    except IntegrityError:
        return False
    return True


def claim_target(
    session: Session, settings: Settings, cluster_id: int, now: datetime | None = None
) -> Claim:
    """Claim a target for `claim_hours` (renews one's own claim); ClaimHeld if someone has it.

    The write comes first so that two claims at once queue on the row or the key: exactly
    one of them wins on either engine.
    """
    roles.require(settings, "targets claim")
    now = now or clock.now()
    actor = settings.effective_actor
    until = now + timedelta(hours=settings.claim_hours)
    if not _take(session, cluster_id, actor, now, until):
        raise ClaimHeld(cluster_id, live_claim(session, cluster_id, now))
    audit.record(
        session,
        settings,
        CLAIM_ACTION,
        # "at" is Scout's clock (simulated in the demo), which the effects report counts by
        params={
            "target": f"C{cluster_id}",
            "at": now.isoformat(timespec="minutes"),
            "until": until.isoformat(timespec="minutes"),
        },
    )
    return Claim(cluster_id, actor, now, until)


def end_claim(session: Session, cluster_id: int, actor: str) -> bool:
    """Delete the actor's claim on the target (no audit entry: the caller's action has one)."""
    gone = session.execute(
        delete(TargetClaim)
        .where(TargetClaim.cluster_id == cluster_id, TargetClaim.actor == actor)
        .execution_options(synchronize_session=False)
    )
    return bool(changed_rows(gone))


def release_claim(session: Session, settings: Settings, cluster_id: int) -> bool:
    """Give up one's own claim by hand; False when one had none."""
    roles.require(settings, "targets claim")
    released = end_claim(session, cluster_id, settings.effective_actor)
    if released:
        audit.record(session, settings, "claim-release", params={"target": f"C{cluster_id}"})
    return released


def reassign_claim(
    session: Session,
    settings: Settings,
    cluster_id: int,
    to_actor: str,
    reason: str,
    now: datetime | None = None,
) -> Claim:
    """Hand a target's claim to another worker (a fresh lease), whoever held it; audited."""
    roles.require(settings, "targets reassign")
    if not reason.strip():
        raise ScoutError("a reassignment needs a reason")
    find_cluster(session, cluster_id)
    now = now or clock.now()
    until = now + timedelta(hours=settings.claim_hours)
    before = live_claim(session, cluster_id, now)
    session.execute(delete(TargetClaim).where(TargetClaim.cluster_id == cluster_id))
    session.add(
        TargetClaim(cluster_id=cluster_id, actor=to_actor, claimed_at=now, expires_at=until)
    )
    audit.record(
        session,
        settings,
        "claim-reassign",
        reason=reason.strip(),
        params={
            "target": f"C{cluster_id}",
            "from": before.actor if before else None,
            "to": to_actor,
        },
    )
    session.flush()
    return Claim(cluster_id, to_actor, now, until)


def require_claimant(
    session: Session, settings: Settings, cluster_id: int, now: datetime | None = None
) -> Claim:
    """The acting person's live claim on the target; NotClaimant otherwise."""
    claim = live_claim(session, cluster_id, now)
    if claim is None or claim.actor != settings.effective_actor:
        raise NotClaimant(f"claim C{cluster_id} before revealing its contact points")
    return claim


def reveal_claimed(
    session: Session, settings: Settings, cluster_id: int, reason: str
) -> list[RevealedContact]:
    """The web's reveal: only the claimant, then the same checks and audit as `targets reveal`."""
    roles.require(settings, "targets reveal")
    require_claimant(session, settings, cluster_id)
    return reveal_target(session, settings, cluster_id, reason)
