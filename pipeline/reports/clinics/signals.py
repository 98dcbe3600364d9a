"""What the clinic rules measure on each venue (the `signal:` names in nlp/clinics/rules.py)."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, AdvertContact, ContactPoint, RosterEntry, Venue
from nlp.clinics.hours import OpeningHours

WINDOW = timedelta(weeks=8)
DANISH = frozenset({"danish", "dansk", "denmark", "danmark"})
CONTACT_LANGUAGES = frozenset({"da", "en"})

Signals = dict[str, float | None]


def _week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def rosters(
    session: Session, since: date, venue_id: int | None = None
) -> dict[int, dict[tuple[int, int], set[str]]]:
    """venue id → ISO week → person keys advertised there that week (one venue's if given)."""
    weeks: dict[int, dict[tuple[int, int], set[str]]] = defaultdict(lambda: defaultdict(set))
    query = select(RosterEntry.venue_id, RosterEntry.person_key, RosterEntry.seen_on).where(
        RosterEntry.seen_on >= since
    )
    if venue_id is not None:
        query = query.where(RosterEntry.venue_id == venue_id)
    rows = session.execute(query)
    for venue_id, key, seen_on in rows:
        weeks[venue_id][_week(seen_on)].add(key)
    return weeks


def _turnover(weeks: dict[tuple[int, int], set[str]]) -> tuple[float | None, int]:
    """Mean share of each week's roster that is new since the week before; weeks unchanged."""
    ordered = [weeks[key] for key in sorted(weeks)]
    if len(ordered) < 2:
        return None, len(ordered)
    shares = [len(now - before) / len(now) for before, now in itertools.pairwise(ordered) if now]
    unchanged = 1
    for before, now in zip(reversed(ordered[:-1]), reversed(ordered[1:]), strict=True):
        if before != now:
            break
        unchanged += 1
    return (statistics.fmean(shares) if shares else None), unchanged


def _latest_roster(session: Session, since: date) -> dict[int, list[RosterEntry]]:
    latest: dict[int, list[RosterEntry]] = defaultdict(list)
    newest: dict[int, date] = {}
    entries = session.scalars(select(RosterEntry).where(RosterEntry.seen_on >= since)).all()
    for entry in entries:
        newest[entry.venue_id] = max(newest.get(entry.venue_id, entry.seen_on), entry.seen_on)
    for entry in entries:
        if entry.seen_on == newest[entry.venue_id]:
            latest[entry.venue_id].append(entry)
    return latest


def _persons_elsewhere(
    rosters: dict[int, dict[tuple[int, int], set[str]]], venues: dict[int, Venue]
) -> tuple[dict[int, int], dict[int, int]]:
    """Per venue: persons also at other venues; persons also at venues in other municipalities."""
    where: dict[str, set[int]] = defaultdict(set)
    for venue_id, weeks in rosters.items():
        for keys in weeks.values():
            for key in keys:
                where[key].add(venue_id)
    elsewhere: dict[int, int] = defaultdict(int)
    rotating: dict[int, int] = defaultdict(int)
    for venue_ids in where.values():
        for venue_id in venue_ids:
            others = venue_ids - {venue_id}
            if not others:
                continue
            elsewhere[venue_id] += 1
            home = venues[venue_id].municipality if venue_id in venues else None
            if any(venues[o].municipality != home for o in others if o in venues):
                rotating[venue_id] += 1
    return elsewhere, rotating


def _escort_phones(session: Session, keys: set[str]) -> set[str]:
    if not keys:
        return set()
    return set(
        session.scalars(
            select(ContactPoint.pseudonym)
            .join(AdvertContact, AdvertContact.contact_point_id == ContactPoint.id)
            .join(Advert, Advert.id == AdvertContact.advert_id)
            .where(ContactPoint.pseudonym.in_(keys), Advert.kind == "escort")
            .distinct()
        )
    )


def _price_medians(venues: list[Venue]) -> tuple[dict[str | None, float], float | None]:
    by_region: dict[str | None, list[int]] = defaultdict(list)
    for venue in venues:
        if venue.price:
            by_region[venue.region].append(venue.price)
    every = [p for prices in by_region.values() for p in prices]
    national = statistics.median(every) if every else None
    # A region needs three priced venues for a median of its own; else the national one.
    return {r: statistics.median(p) for r, p in by_region.items() if len(p) >= 3}, national


def venue_signals(session: Session, venues: list[Venue], now: datetime) -> dict[int, Signals]:
    """Every signal for every venue given (medians and sharing are over all active venues)."""
    since = (now - WINDOW).date()
    weekly = rosters(session, since)
    everyone = {v.id: v for v in session.scalars(select(Venue).where(Venue.gone_at.is_(None)))}
    everyone.update({v.id: v for v in venues})
    elsewhere, rotating = _persons_elsewhere(weekly, everyone)
    latest = _latest_roster(session, since)
    medians, national = _price_medians(list(everyone.values()))
    phone_use: dict[str, set[int]] = defaultdict(set)
    for venue in everyone.values():
        for key in venue.phone_keys or ():
            phone_use[key].add(venue.id)
    escort = _escort_phones(session, set(phone_use))
    found: dict[int, Signals] = {}
    for venue in venues:
        turnover, unchanged = _turnover(weekly.get(venue.id, {}))
        people = latest.get(venue.id, [])
        stated = [p.nationality for p in people if p.nationality]
        ages = [p.stated_age for p in people if p.stated_age is not None]
        hours = OpeningHours.from_json(venue.opening_hours)
        median = medians.get(venue.region, national)
        shared = sum(
            1 for key in venue.phone_keys or () if key in escort or len(phone_use[key]) > 1
        )
        languages = set(venue.languages or ())
        found[venue.id] = {
            "roster_turnover": turnover,
            "stable_roster": float(unchanged) if turnover is not None else None,
            "foreign_share": (
                sum(1 for n in stated if n.casefold() not in DANISH) / len(stated)
                if stated
                else None
            ),
            "persons_elsewhere": float(elsewhere.get(venue.id, 0)),
            "rotating_cities": float(rotating.get(venue.id, 0)),
            "youngest_age_below": float(min(ages)) if ages else None,
            "open_at_night": (1.0 if hours.open_at_night else 0.0) if hours else None,
            "price_ratio_below": venue.price / median if venue.price and median else None,
            "phone_shared": float(shared),
            "no_da_en": (0.0 if languages & CONTACT_LANGUAGES else 1.0) if languages else None,
        }
    return found
