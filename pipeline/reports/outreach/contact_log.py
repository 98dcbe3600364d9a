"""The contact log and the opt-out list: outcomes per target; suppress and lift, audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import Advert, AdvertContact, ClusterMember, ContactLogEntry, ContactPoint, Suppression
from pipeline.core import audit, clock, roles
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.reports.outreach import claims
from pipeline.reports.outreach.evidence import find_cluster
from pipeline.reports.outreach.targets import TargetFilter, list_targets

OUTCOMES = ("reached", "no-answer", "declined", "referred", "opted-out")
# Where a referral may go (the effects report counts each).
REFERRALS = ("health", "social", "legal", "shelter")
MIN_PREFIX = 8


@dataclass(frozen=True)
class AnonymisedOutcome:
    """A contact-log row for evaluation: no actor, no note, the day only."""

    target: str
    day: str
    outcome: str
    language: str | None


def _target_points(session: Session, cluster_id: int) -> list[ContactPoint]:
    return list(
        session.scalars(
            select(ContactPoint)
            .distinct()
            .join(AdvertContact, AdvertContact.contact_point_id == ContactPoint.id)
            .join(ClusterMember, ClusterMember.advert_id == AdvertContact.advert_id)
            .where(ClusterMember.cluster_id == cluster_id)
        )
    )


def suppress_target(
    session: Session, settings: Settings, cluster_id: int, reason: str | None
) -> int:
    """Put every contact point of a target on the opt-out list; returns how many were added."""
    roles.require(settings, "suppress target")
    find_cluster(session, cluster_id)
    added = 0
    for point in _target_points(session, cluster_id):
        existing = session.scalar(
            select(Suppression).where(Suppression.pseudonym == point.pseudonym)
        )
        if existing is None:
            session.add(
                Suppression(
                    pseudonym=point.pseudonym,
                    kind=point.kind,
                    value=point.value,
                    actor=settings.effective_actor,
                    reason=reason,
                )
            )
        elif existing.lifted_at is not None:
            existing.lifted_at, existing.reason = None, reason
            existing.actor = settings.effective_actor
        else:
            continue
        added += 1
    advert_ids = select(ClusterMember.advert_id).where(ClusterMember.cluster_id == cluster_id)
    session.execute(update(Advert).where(Advert.id.in_(advert_ids)).values(suppressed=True))
    audit.record(
        session,
        settings,
        "suppress",
        reason=reason,
        params={"target": f"C{cluster_id}"},
        counts={"contact_points": added},
    )
    return added


def active_suppressions(session: Session) -> list[Suppression]:
    """The opt-outs in force, oldest first."""
    query = select(Suppression).where(Suppression.lifted_at.is_(None))
    return list(session.scalars(query.order_by(Suppression.created_at)))


def lift_suppression(session: Session, settings: Settings, prefix: str, reason: str) -> str:
    """Lift one opt-out named by a pseudonym prefix (admin only); returns the prefix lifted."""
    roles.require(settings, "suppress lift")
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise ScoutError(f"give at least {MIN_PREFIX} characters of the pseudonym")
    matches = list(
        session.scalars(
            select(Suppression).where(
                Suppression.pseudonym.startswith(prefix, autoescape=True),
                Suppression.lifted_at.is_(None),
            )
        )
    )
    if len(matches) != 1:
        raise ScoutError(f"{len(matches)} active opt-outs start with {prefix!r}; need exactly one")
    suppression = matches[0]
    suppression.lifted_at = clock.now()
    point_ids = select(ContactPoint.id).where(ContactPoint.pseudonym == suppression.pseudonym)
    flagged = set(
        session.scalars(
            select(AdvertContact.advert_id).where(AdvertContact.contact_point_id.in_(point_ids))
        )
    )
    still = set(
        session.scalars(
            select(AdvertContact.advert_id)
            .join(ContactPoint, ContactPoint.id == AdvertContact.contact_point_id)
            .join(Suppression, Suppression.pseudonym == ContactPoint.pseudonym)
            .where(
                AdvertContact.advert_id.in_(flagged),
                Suppression.lifted_at.is_(None),
                Suppression.id != suppression.id,
            )
        )
    )
    if flagged - still:
        session.execute(
            update(Advert).where(Advert.id.in_(flagged - still)).values(suppressed=False)
        )
    audit.record(
        session,
        settings,
        "suppress-lift",
        reason=reason,
        params={"pseudonym_prefix": suppression.pseudonym[:12]},
        counts={"adverts_unflagged": len(flagged - still)},
    )
    return suppression.pseudonym[:12]


LANGUAGE = re.compile(r"[a-z]{2}")


def log_contact(
    session: Session,
    settings: Settings,
    cluster_id: int,
    outcome: str,
    note: str | None = None,
    language: str | None = None,
    follow_up: date | None = None,
    referred_to: str | None = None,
) -> ContactLogEntry:
    """Record one contact attempt and end the actor's claim on the target; `opted-out` also
    suppresses the target's contact points (and takes no follow-up); a referral may say where
    it went (`referred_to`, one of REFERRALS)."""
    roles.require(settings, "contact log")
    if outcome not in OUTCOMES:
        raise ScoutError(f"unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
    if referred_to is not None and referred_to not in REFERRALS:
        raise ScoutError(f"unknown referral {referred_to!r}; one of {', '.join(REFERRALS)}")
    if referred_to is not None and outcome != "referred":
        raise ScoutError("only a referral goes somewhere: --referred-to needs --outcome referred")
    if outcome == "opted-out" and follow_up is not None:
        raise ScoutError("an opted-out target is never contacted again: no follow-up date")
    if language is not None and not LANGUAGE.fullmatch(language):  # C22: same on both engines
        raise ScoutError(f"not a language code: {language[:40]!r} (two letters, e.g. da)")
    find_cluster(session, cluster_id)
    entry = ContactLogEntry(
        target=f"C{cluster_id}",
        cluster_id=cluster_id,
        actor=settings.effective_actor,
        outcome=outcome,
        language=language,
        note=note,
        follow_up=follow_up,
        referred_to=referred_to,
        at=clock.now(),
    )
    session.add(entry)
    claims.end_claim(session, cluster_id, settings.effective_actor)
    audit.record(
        session, settings, "contact-log", params={"target": f"C{cluster_id}", "outcome": outcome}
    )
    if outcome == "opted-out":
        suppress_target(session, settings, cluster_id, reason="opted out (contact log)")
    session.flush()
    return entry


def anonymised_log(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> Iterator[AnonymisedOutcome]:
    """The contact log for evaluation: outcomes by target and day, no actor or note
    (from `since`, before `until`)."""
    query = select(
        ContactLogEntry.target,
        ContactLogEntry.at,
        ContactLogEntry.outcome,
        ContactLogEntry.language,
    ).order_by(ContactLogEntry.at, ContactLogEntry.id)
    if since is not None:
        query = query.where(ContactLogEntry.at >= since)
    if until is not None:
        query = query.where(ContactLogEntry.at < until)
    for target, at, outcome, language in session.execute(query):
        yield AnonymisedOutcome(target, at.date().isoformat(), outcome, language)


def follow_ups_due(session: Session, actor: str | None, today: date) -> list[ContactLogEntry]:
    """The actor's follow-ups due today or overdue, oldest first: their entries with a
    follow-up date that are still the target's latest entry (nobody has tried since).
    With no actor: the whole team's (what a lead sees)."""
    latest = (
        select(ContactLogEntry.target, func.max(ContactLogEntry.at).label("at"))
        .group_by(ContactLogEntry.target)
        .subquery()
    )
    query = (
        select(ContactLogEntry)
        .join(
            latest,
            (latest.c.target == ContactLogEntry.target) & (latest.c.at == ContactLogEntry.at),
        )
        .where(
            ContactLogEntry.follow_up.is_not(None),
            ContactLogEntry.follow_up <= today,
        )
        .order_by(ContactLogEntry.follow_up, ContactLogEntry.id)
    )
    if actor is not None:
        query = query.where(ContactLogEntry.actor == actor)
    return list(session.scalars(query))


def open_follow_ups(session: Session, actor: str | None, today: date) -> list[ContactLogEntry]:
    """`follow_ups_due` without targets that left the list (opted out, merged, inactive):
    those are no follow-up any more. What the web page and `scout contact follow-ups` show."""
    due = follow_ups_due(session, actor, today)
    if not due:
        return []
    listed = {t.target_id for t in list_targets(session, TargetFilter(min_score=0.0, kind=None))}
    return [entry for entry in due if entry.target in listed]


def history(session: Session, cluster_id: int) -> list[ContactLogEntry]:
    """The team's contact log for one target, newest first (notes are sealed; unsealed on read)."""
    query = select(ContactLogEntry).where(ContactLogEntry.target == f"C{cluster_id}")
    return list(
        session.scalars(query.order_by(ContactLogEntry.at.desc(), ContactLogEntry.id.desc()))
    )
