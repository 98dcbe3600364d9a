"""The visit log: an outreach team's visits to venues (outcome, persons met, languages used,
materials, a sealed note, a follow-up date), audit-logged, and visit figures per period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import VISIT_OUTCOMES, RosterEntry, Venue, VenueEvent, VenueVisit
from pipeline.core.audit import record
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings

OUTCOME_WORDS = {
    "talked": "visited and talked",
    "not_let_in": "not let in",
    "closed": "closed",
    "moved": "moved",
    "not_found": "not found",
}
assert set(OUTCOME_WORDS) == set(VISIT_OUTCOMES)


class UnknownVenue(ScoutError):
    """No venue has this id."""


def find_venue(session: Session, stable_id: str) -> Venue:
    venue = session.scalar(select(Venue).where(Venue.stable_id == stable_id.strip().upper()))
    if venue is None:
        raise UnknownVenue(f"no venue {stable_id!r} (ids look like V12; see 'scout clinics')")
    return venue


def log_visit(
    session: Session,
    settings: Settings,
    stable_id: str,
    *,
    visited_on: date,
    team: str,
    outcome: str,
    persons_met: int = 0,
    languages: list[str] | None = None,
    materials: list[str] | None = None,
    note: str | None = None,
    follow_up: date | None = None,
) -> VenueVisit:
    """Record one visit; the audit entry names the venue and outcome, never the note."""
    if outcome not in VISIT_OUTCOMES:
        raise ScoutError(f"unknown outcome {outcome!r}; one of {', '.join(VISIT_OUTCOMES)}")
    if persons_met < 0:
        raise ScoutError("persons met cannot be negative")
    venue = find_venue(session, stable_id)
    visit = VenueVisit(
        venue_id=venue.id, visited_on=visited_on, team=team.strip()[:64],
        actor=settings.effective_actor[:64], outcome=outcome, persons_met=persons_met,
        languages=sorted({lang.strip().lower() for lang in languages or () if lang.strip()}),
        materials=sorted({m.strip() for m in materials or () if m.strip()}),
        note=note or None, follow_up=follow_up,
    )  # fmt: skip
    session.add(visit)
    session.flush()
    record(
        session, settings, "clinic-visit",
        params={"venue": venue.stable_id, "outcome": outcome, "visited_on": visited_on.isoformat()},
    )  # fmt: skip
    return visit


def last_visits(session: Session, venue_ids: list[int]) -> dict[int, VenueVisit]:
    """The latest visit of each venue given."""
    latest: dict[int, VenueVisit] = {}
    if not venue_ids:
        return latest
    visits = session.scalars(
        select(VenueVisit)
        .where(VenueVisit.venue_id.in_(venue_ids))
        .order_by(VenueVisit.visited_on, VenueVisit.id)
    )
    for visit in visits:
        latest[visit.venue_id] = visit
    return latest


@dataclass(frozen=True)
class ClinicFigures:
    """Clinic figures for one period (for the effects report and the digest)."""

    venues_active: int
    venues_new: int
    venues_vanished: int
    visits: int
    visits_by_outcome: dict[str, int]
    persons_met: int


def clinic_figures(session: Session, start: datetime, end: datetime) -> ClinicFigures:
    """Venues seen, opened and vanished, and visits made, in [start, end)."""
    active = session.scalar(
        select(func.count())
        .select_from(Venue)
        .where(Venue.last_seen >= start, Venue.first_seen < end)
    )

    def events(kind: str) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(VenueEvent)
                .where(VenueEvent.kind == kind, VenueEvent.at >= start, VenueEvent.at < end)
            )
            or 0
        )

    rows = session.execute(
        select(VenueVisit.outcome, func.count(), func.coalesce(func.sum(VenueVisit.persons_met), 0))
        .where(VenueVisit.visited_on >= start.date(), VenueVisit.visited_on < end.date())
        .group_by(VenueVisit.outcome)
    ).all()
    by_outcome = {outcome: int(count) for outcome, count, _ in rows}
    return ClinicFigures(
        venues_active=active or 0,
        venues_new=events("opened"),
        venues_vanished=events("vanished"),
        visits=sum(by_outcome.values()),
        visits_by_outcome=by_outcome,
        persons_met=sum(int(met) for _, _, met in rows),
    )


@dataclass(frozen=True)
class RegionFigures:
    """One region's clinic counts in a period, unsuppressed (the digest hides small cells)."""

    active: int = 0
    new: int = 0
    vanished: int = 0
    visits: int = 0
    roster: int = 0  # persons on the rosters of the region's venues in the period
    roster_new: int = 0  # of those, not on the same venue's roster in the period before


def clinic_figures_by_region(
    session: Session, start: datetime, end: datetime
) -> dict[str, RegionFigures]:
    """Per region (None → "unknown"): venues active, opened and vanished, visits made and the
    roster turnover (persons new at a venue since the period of the same length before)."""
    regions = {vid: region for vid, region in session.execute(select(Venue.id, Venue.region))}
    counts: dict[str, Counter[str]] = defaultdict(Counter)

    def add(name: str, venue_ids: Iterable[int]) -> None:
        for venue_id in venue_ids:
            counts[regions.get(venue_id) or "unknown"][name] += 1

    add("active", session.scalars(
        select(Venue.id).where(Venue.last_seen >= start, Venue.first_seen < end)
    ))  # fmt: skip
    for kind, name in (("opened", "new"), ("vanished", "vanished")):
        add(name, session.scalars(
            select(VenueEvent.venue_id)
            .where(VenueEvent.kind == kind, VenueEvent.at >= start, VenueEvent.at < end)
        ))  # fmt: skip
    add("visits", session.scalars(
        select(VenueVisit.venue_id)
        .where(VenueVisit.visited_on >= start.date(), VenueVisit.visited_on < end.date())
    ))  # fmt: skip
    before = start - (end - start)
    persons: dict[tuple[int, bool], set[str]] = defaultdict(set)
    for venue_id, key, seen_on in session.execute(
        select(RosterEntry.venue_id, RosterEntry.person_key, RosterEntry.seen_on).where(
            RosterEntry.seen_on >= before.date(), RosterEntry.seen_on < end.date()
        )
    ):
        persons[(venue_id, seen_on >= start.date())].add(key)
    for (venue_id, now), keys in persons.items():
        if now:
            region = counts[regions.get(venue_id) or "unknown"]
            region["roster"] += len(keys)
            region["roster_new"] += len(keys - persons.get((venue_id, False), set()))
    return {
        region: RegionFigures(**{name: found[name] for name in RegionFigures.__dataclass_fields__})
        for region, found in sorted(counts.items())
    }
