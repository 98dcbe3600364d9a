"""The screening list: venues with an explained score of concern, per region or municipality.

Score = the sum of the weights of the clinic rules that fire (nlp/rules/clinics), at least 0.
A venue visited within the last week (the team reached it) counts half, unless something
happened to it since the visit (moved, renamed, roster changed, reappeared). Addresses are on
the list only when the caller may see them (the outreach role): the CLI passes that in and
audit-logs every address it shows. No person's name or contact value is ever on the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Venue, VenueEvent, VenueVisit
from nlp.clinics.hours import OpeningHours
from nlp.clinics.rules import ClinicRule, load_clinic_rules
from pipeline.core.audit import record
from pipeline.core.roles import is_allowed
from pipeline.core.settings import Settings
from pipeline.reports.clinics.signals import WINDOW, rosters, venue_signals
from pipeline.reports.clinics.visits import OUTCOME_WORDS, find_venue, last_visits

# A venue at or above this score is "of concern" (listed by default).
CONCERN_SCORE = 1.0
RECENT_VISIT = timedelta(days=7)
VISITED_FACTOR = 0.5
# A visit reached the place: the team has been there, so it can wait unless something changed.
_REACHED = frozenset({"talked", "not_let_in", "closed"})


@dataclass(frozen=True)
class Reason:
    rule_id: str
    description: str
    weight: float
    evidence_grade: str
    value: float


@dataclass
class ScreenedVenue:
    venue_id: int
    stable_id: str
    region: str | None
    municipality: str | None
    names: list[str]
    score: float
    reasons: list[Reason]
    languages: list[str]
    hours: str | None
    last_seen: datetime
    last_visit: date | None = None
    last_outcome: str | None = None  # in words (OUTCOME_WORDS)
    last_outcome_code: str | None = None  # one of VISIT_OUTCOMES (the web translates it)
    visited_recently: bool = False
    address: str | None = field(default=None, repr=False)

    @property
    def of_concern(self) -> bool:
        return self.score >= CONCERN_SCORE


def _changed_since(session: Session, venue_id: int, visit: VenueVisit) -> bool:
    since = datetime.combine(visit.visited_on + timedelta(days=1), datetime.min.time(), UTC)
    kinds = session.scalars(
        select(VenueEvent.kind).where(VenueEvent.venue_id == venue_id, VenueEvent.at >= since)
    ).all()
    return any(kind != "vanished" for kind in kinds)


def _reasons(
    rules: list[ClinicRule], signals: dict[str, float | None], signs: list[str]
) -> list[Reason]:
    found = []
    for rule in rules:
        value = (
            (1.0 if rule.id in signs else 0.0)
            if rule.signal == "text"
            else signals.get(rule.signal)
        )
        if rule.fires(value):
            found.append(
                Reason(rule.id, rule.description, rule.weight, rule.evidence_grade, value or 0.0)
            )
    return sorted(found, key=lambda r: -r.weight)


def venue_reasons(
    session: Session, venues: list[Venue], now: datetime, rules: list[ClinicRule]
) -> dict[int, list[Reason]]:
    """The rules that fire on each venue given, as the screening measures them at `now`
    (also for vanished venues: rule evaluation against visits reads those too)."""
    signals = venue_signals(session, venues, now)
    return {v.id: _reasons(rules, signals[v.id], v.signs or []) for v in venues}


def screen(
    session: Session,
    now: datetime,
    *,
    region: str | None = None,
    municipality: str | None = None,
    with_addresses: bool = False,
    rules: list[ClinicRule] | None = None,
) -> list[ScreenedVenue]:
    """Every active venue in the area, highest score first (ties: oldest id first)."""
    rules = rules if rules is not None else load_clinic_rules()
    query = select(Venue).where(Venue.gone_at.is_(None))
    if region:
        query = query.where(Venue.region == region)
    if municipality:
        query = query.where(Venue.municipality == municipality)
    venues = session.scalars(query.order_by(Venue.id)).all()
    fired = venue_reasons(session, list(venues), now, rules)
    visits = last_visits(session, [v.id for v in venues])
    listed = []
    for venue in venues:
        reasons = fired[venue.id]
        score = max(0.0, sum(r.weight for r in reasons))
        visit = visits.get(venue.id)
        recent = (
            visit is not None
            and visit.outcome in _REACHED
            and visit.visited_on >= (now - RECENT_VISIT).date()
            and not _changed_since(session, venue.id, visit)
        )
        if recent:
            score *= VISITED_FACTOR
        hours = OpeningHours.from_json(venue.opening_hours)
        listed.append(
            ScreenedVenue(
                venue_id=venue.id, stable_id=venue.stable_id, region=venue.region,
                municipality=venue.municipality, names=list(venue.names or []),
                score=round(score, 3), reasons=reasons, languages=list(venue.languages or []),
                hours=hours.describe() if hours else None, last_seen=venue.last_seen,
                last_visit=visit.visited_on if visit else None,
                last_outcome=OUTCOME_WORDS[visit.outcome] if visit else None,
                last_outcome_code=visit.outcome if visit else None,
                visited_recently=recent,
                address=venue.address if with_addresses else None,
            )
        )  # fmt: skip
    return sorted(listed, key=lambda v: (-v.score, v.venue_id))


def screening_list(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    region: str | None = None,
    municipality: str | None = None,
    everything: bool = False,
) -> list[ScreenedVenue]:
    """The list for the acting person: addresses only for the outreach role (the role
    matrix's `clinics show` entry), and then one audit entry naming every venue whose
    address was shown (ids only, never the address)."""
    with_addresses = is_allowed("clinics show", settings.role)
    listed = screen(
        session, now, region=region, municipality=municipality, with_addresses=with_addresses
    )
    if not everything:
        listed = [venue for venue in listed if venue.of_concern]
    shown = [venue.stable_id for venue in listed if venue.address]
    if shown:
        record(
            session, settings, "clinic-addresses-viewed",
            params={"venues": shown, "region": region, "municipality": municipality},
            counts={"addresses": len(shown)},
        )  # fmt: skip
    return listed


@dataclass(frozen=True)
class RosterWeek:
    """One ISO week of a venue's roster, as counts only (never a name)."""

    week: str  # "2026-W48"
    persons: int
    new: int
    left: int


@dataclass
class VenueDetail:
    venue: ScreenedVenue
    events: list[VenueEvent]
    visits: list[VenueVisit]
    roster: list[RosterWeek]


def roster_weeks(session: Session, venue_id: int, now: datetime) -> list[RosterWeek]:
    """The venue's roster per week over the signals' window: persons, new and left."""
    weeks = rosters(session, (now - WINDOW).date(), venue_id).get(venue_id, {})
    found, before = [], None
    for (year, week), persons in sorted(weeks.items()):
        new = len(persons - before) if before is not None else len(persons)
        left = len(before - persons) if before is not None else 0
        found.append(RosterWeek(f"{year}-W{week:02d}", len(persons), new, left))
        before = persons
    return found


def venue_detail(
    session: Session, stable_id: str, now: datetime, *, with_address: bool = False
) -> VenueDetail:
    """One venue: why it is listed, its events, visits and roster counts; the address only
    when asked (callers gate and audit that: `show_venue`)."""
    venue = find_venue(session, stable_id)
    screened = next(
        v
        for v in screen(session, now, region=venue.region, with_addresses=with_address)
        + _gone(session, venue, now, with_address)
        if v.venue_id == venue.id
    )
    events = session.scalars(
        select(VenueEvent).where(VenueEvent.venue_id == venue.id).order_by(VenueEvent.at)
    ).all()
    visits = session.scalars(
        select(VenueVisit).where(VenueVisit.venue_id == venue.id).order_by(VenueVisit.visited_on)
    ).all()
    return VenueDetail(screened, list(events), list(visits), roster_weeks(session, venue.id, now))


def show_venue(
    session: Session, settings: Settings, stable_id: str, now: datetime
) -> tuple[ScreenedVenue, list[VenueEvent], list[VenueVisit]]:
    """One venue with its address (outreach role: the CLI's and the web's gate), history and
    visits; audited."""
    detail = venue_detail(session, stable_id, now, with_address=True)
    record(session, settings, "clinic-address-viewed", params={"venue": detail.venue.stable_id})
    return detail.venue, detail.events, detail.visits


def _gone(session: Session, venue: Venue, now: datetime, with_address: bool) -> list[ScreenedVenue]:
    """A vanished venue is not on the list but can still be shown (score of its last state)."""
    if venue.gone_at is None:
        return []
    reasons = venue_reasons(session, [venue], now, load_clinic_rules())[venue.id]
    hours = OpeningHours.from_json(venue.opening_hours)
    return [
        ScreenedVenue(
            venue_id=venue.id, stable_id=venue.stable_id, region=venue.region,
            municipality=venue.municipality, names=list(venue.names or []),
            score=round(max(0.0, sum(r.weight for r in reasons)), 3), reasons=reasons,
            languages=list(venue.languages or []), hours=hours.describe() if hours else None,
            last_seen=venue.last_seen, address=venue.address if with_address else None,
        )
    ]  # fmt: skip
