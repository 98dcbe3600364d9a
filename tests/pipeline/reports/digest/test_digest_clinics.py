"""The digest's clinics section (issue 15) on both engines: per region venues active, new,
vanished, roster turnover and visits; aggregates only, counts under 5 hidden, and a second
one hidden where one alone would be found by subtraction from the total."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from models import Venue, VenueEvent, VenueVisit
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.clinics.visits import clinic_figures_by_region, log_visit
from pipeline.reports.digest.data import CLINIC_MIN_COUNT, gather
from pipeline.reports.digest.render import render_digest
from pipeline.reports.digest.weeks import Week, week_of
from pipeline.reports.privacy import Hidden

from helpers.clinics_world import store_and_link

COUNTS = {"active": 1, "new": 2, "vanished": 3, "visits": 5}


def _week(moment: datetime, settings: Settings) -> Week:
    return week_of(moment, settings.tz)


def test_digest_clinics_section_on_the_demo_world(database: Database, settings: Settings) -> None:
    linked = store_and_link(database)
    third = _week(linked.world.adverts[0].seen_at + timedelta(weeks=2), settings)
    with database.session() as session:
        raw = clinic_figures_by_region(session, third.start, third.end)
        data = gather(session, third, 1.0)
        page = render_digest(data)
        venues = session.scalars(select(Venue)).all()
    assert raw and data.clinics
    regions, total = data.clinics[:-1], data.clinics[-1]
    assert [row[0] for row in regions] == sorted(raw) and total[0] == "all regions"
    for name, column in COUNTS.items():
        whole = sum(getattr(f, name) for f in raw.values())
        assert total[column] == (Hidden(CLINIC_MIN_COUNT) if 0 < whole < 5 else whole), name
        hidden = 0
        for row in regions:
            n = getattr(raw[row[0]], name)
            if 0 < n < CLINIC_MIN_COUNT:
                assert row[column] == Hidden(CLINIC_MIN_COUNT), (row, name)
            hidden += isinstance(row[column], Hidden)
            assert isinstance(row[column], Hidden) or row[column] == n
        assert hidden != 1, name  # one hidden cell alone is never left to subtraction
    # the turnover: new persons over persons, per region and in all, or hidden when few
    persons = sum(f.roster for f in raw.values())
    new = sum(f.roster_new for f in raw.values())
    assert persons >= CLINIC_MIN_COUNT and total[4] == round(new / persons, 3)
    assert 0 < total[4] < 1  # the concern venues' rosters change, the stable ones do not
    section = page[page.index('<section id="clinics">') :]
    section = section[: section.index("</section>")]
    assert "Hovedstaden" in section and f"&lt;{CLINIC_MIN_COUNT}" in section
    assert f"{round(total[4] * 100)} %" in section
    for venue in venues:  # aggregates only: no venue id, name or address
        assert venue.stable_id not in section and venue.address not in page
        assert all(name not in section for name in venue.names)
    for person in linked.world.persons.values():
        assert not re.search(rf"\b{re.escape(person.name)}\b", section)


def _venue(session, n: int, region: str, seen: datetime) -> Venue:
    venue = Venue(
        stable_id=f"V{n}", region=region, municipality=region, first_seen=seen, last_seen=seen
    )
    session.add(venue)
    session.flush()
    session.add(VenueEvent(event_id=f"o{n}", venue_id=venue.id, at=seen, kind="opened"))
    return venue


def test_digest_clinics_counts_and_subtraction_guard(
    database: Database, settings: Settings
) -> None:
    monday = datetime(2026, 11, 16, 12, tzinfo=settings.tz)
    with database.session() as session:
        big = [_venue(session, n, "Hovedstaden", monday) for n in range(1, 8)]
        small = [_venue(session, n, "Sjælland", monday) for n in range(8, 10)]
        more = [_venue(session, n, "Syddanmark", monday) for n in range(10, 16)]
        for venue in big[:5] + more[:6]:
            log_visit(
                session, settings, venue.stable_id, visited_on=date(2026, 11, 17),
                team="Team", outcome="talked",
            )  # fmt: skip
        log_visit(
            session, settings, small[0].stable_id, visited_on=date(2026, 11, 18), team="T",
            outcome="closed",
        )  # fmt: skip
        week = _week(monday, settings)
        rows = gather(session, week, 1.0).clinics
        before = gather(session, week.previous(), 1.0)
        assert len(session.scalars(select(VenueVisit)).all()) == 12
    hidden = Hidden(CLINIC_MIN_COUNT)
    # Sjælland's 2 venues (1 visit) are hidden, so the column's next smallest count is too
    assert rows == [
        ["Hovedstaden", 7, 7, 0, None, hidden],
        ["Sjælland", hidden, hidden, 0, None, hidden],
        ["Syddanmark", hidden, hidden, 0, None, 6],
        ["all regions", 15, 15, 0, None, 12],
    ]
    assert before.clinics == []  # no venue in the week before: no section
    assert 'id="clinics"' not in render_digest(before)
