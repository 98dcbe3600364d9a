"""The clinic line in the effects report: venues and visits per month, small cells hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from models import Venue, VenueVisit
from pipeline.core.db import Database
from pipeline.reports.effects.figures import clinic_tables
from pipeline.reports.effects.period import make_period
from pipeline.reports.privacy import Hidden

SEEN = datetime(2026, 10, 3, 12, tzinfo=UTC)


def _fill(database: Database) -> None:
    with database.session() as session:
        venues = [
            Venue(stable_id=f"V{n}", first_seen=SEEN, last_seen=datetime(2026, 11, 20, tzinfo=UTC))
            for n in range(1, 7)
        ]
        session.add_all(venues)
        session.flush()
        # October: six visits (five talked), eleven persons met; November: two visits.
        visits = [(date(2026, 10, 5 + n), "talked", 2) for n in range(5)]
        visits += [(date(2026, 10, 20), "not_let_in", 1)]
        visits += [(date(2026, 11, 2), "closed", 0), (date(2026, 11, 9), "talked", 3)]
        for n, (day, outcome, met) in enumerate(visits):
            session.add(
                VenueVisit(
                    venue_id=venues[n % 6].id,
                    visited_on=day,
                    team="Syd",
                    actor="ana",
                    outcome=outcome,
                    persons_met=met,
                )
            )


def test_effects_clinic_table_counts_visits_per_month_and_hides_small_cells(
    database: Database,
) -> None:
    _fill(database)
    period = make_period("2026-10-01", "2026-11-30", ZoneInfo("Europe/Copenhagen"))
    with database.session() as session:
        (table,) = clinic_tables(session, period, 5)
    rows = {row[0]: row[1:] for row in table.rows}
    hidden = Hidden(5)
    # venues screened, new, vanished, visits, talked, persons met
    assert rows["2026-11"] == [6, 0, 0, hidden, hidden, hidden]
    assert rows["period"] == [6, 0, 0, 8, 6, 14]
    # October alone would give November away by subtraction from the period: hidden too
    assert rows["2026-10"] == [6, 0, 0, hidden, hidden, hidden]


def test_effects_no_clinic_table_without_venues(database: Database) -> None:
    period = make_period("2026-10-01", "2026-11-30", ZoneInfo("Europe/Copenhagen"))
    with database.session() as session:
        assert clinic_tables(session, period, 5) == []
