"""Venue linking's speed work must not change a venue, roster entry, event or advert link.

The golden file was written by venue linking before its speed work (wt-clinics, 2026-12-03):
a synthetic world like `BENCH=clinics` (more bench venues than buildings, so several adverts
share a venue and its day; persons drawn from a shared pool, some known only by photos;
adverts kept or new each round; moves and renames) linked round by round under a fixed key.
Rewrite it (run this file as a script, with the repository and tests/ on PYTHONPATH) only
for a change meant to change venue linking.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from models import RosterEntry, Venue, VenueAdvert, VenueEvent
from nlp.clinics.rules import text_sign_rules
from pipeline.core.db import Database
from pipeline.core.keys import Keyring
from pipeline.stages.venues import ClinicObservation, RosterPerson, link_venues, mark_vanished

from helpers.clinics_world import bare_clinic_adverts

GOLDEN = Path(__file__).with_name("venue_linking_golden.json")
VENUES, ROUNDS, BUILDINGS = 150, 8, 60
START = datetime(2026, 10, 5, 12, tzinfo=UTC)
KEYRING = Keyring(bytes(range(32)))
_STREETS = ["Vesterbrogade", "Jernbanegade", "Algade", "Nørregade", "Strandvej"]
_POSTCODES = ["1620", "2200", "8000", "5000", "9000", "4000", "6700", "7100", "8900", "3000"]
_HOURS = ["man-fre 10-18", "døgnåbent", "alle dage 10-22"]
_TEXTS = ["Nye piger hver uge. Døgnåbent.", "Ring for tid.", "New girls this week!"]


def _address(building: int, style: int) -> str:
    street, postcode = _STREETS[building % 5], _POSTCODES[building % 10]
    number = building // 5 + 1
    if style:
        return f"{street} {number}, 1. tv., {postcode}"
    return f"{street} {number} 1tv {postcode}"


def _pool() -> list[RosterPerson]:
    rng = random.Random(7)
    pool = []
    for i in range(100):
        photos = tuple(f"{rng.getrandbits(64):016x}" for _ in range(2))
        pool.append(
            RosterPerson(
                None if i % 4 == 0 else f"P{i}", 19 + i % 20,
                ("romanian", "danish", "thai")[i % 3], photos if i % 2 == 0 else (),
                (("ro", "en"), ("da",), ("th",))[i % 3],
            )
        )  # fmt: skip
    return pool


def world() -> list[list[ClinicObservation]]:
    """Observations per round (a week apart; a venue's adverts a few hours apart)."""
    rng, pool = random.Random(15), _pool()
    rounds = []
    for week in range(ROUNDS):
        batch = []
        for venue in range(VENUES):
            building = venue % BUILDINGS
            if week >= 4 and venue % 7 == 0:
                building = BUILDINGS + venue  # moved (found again by phone, name or photos)
            name = f"Klinik {venue % 40}" + (" Ny" if week >= 6 and venue % 11 == 0 else "")
            kept = venue % 2 == 0  # the same advert every round, else a new one each round
            batch.append(
                ClinicObservation(
                    advert_id=venue + 1 if kept else VENUES * (week + 1) + venue + 1,
                    seen_at=START + timedelta(weeks=week, hours=venue % 5),
                    text=_TEXTS[venue % 3], address=_address(building, venue % 2),
                    opening_hours=_HOURS[venue % 3] if venue % 5 else None,
                    venue_name=name if venue % 3 else None,
                    phone_keys=(KEYRING.pseudonym("phone", f"+45{20000000 + venue % 90}"),),
                    price=300 + venue % 6 * 100, language=("da", "en")[week % 2],
                    roster=tuple(rng.sample(pool, 3)),
                )
            )  # fmt: skip
        rounds.append(batch)
    return rounds


def _adverts(database: Database, rounds: list[list[ClinicObservation]]) -> None:
    ids = sorted({o.advert_id for batch in rounds for o in batch})
    bare_clinic_adverts(database, "golden_clinics", ids, START)


def _when(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def snapshot(database: Database) -> dict[str, Any]:
    """Link the world round by round, then everything venue linking wrote, row by row."""
    rounds = world()
    _adverts(database, rounds)
    signs = text_sign_rules()
    for batch in rounds:
        with database.session() as session:
            link_venues(session, KEYRING, batch, signs)
    with database.session() as session:
        mark_vanished(session, START + timedelta(weeks=ROUNDS + 2))
    with database.session() as session:
        venues = [
            [v.id, v.stable_id, v.address, v.address_key, v.postcode, v.municipality, v.region,
             v.names, v.name_keys, v.phone_keys, v.opening_hours, v.languages, v.price, v.signs,
             _when(v.first_seen), _when(v.last_seen), _when(v.gone_at)]
            for v in session.scalars(select(Venue).order_by(Venue.id))
        ]  # fmt: skip
        roster = [
            [r.id, r.venue_id, r.advert_id, r.seen_on.isoformat(), r.name, r.person_key,
             r.stated_age, r.nationality, r.image_hashes, r.cluster_id]
            for r in session.scalars(select(RosterEntry).order_by(RosterEntry.id))
        ]  # fmt: skip
        events = [
            [e.id, e.event_id, e.venue_id, _when(e.at), e.kind, e.detail]
            for e in session.scalars(select(VenueEvent).order_by(VenueEvent.id))
        ]
        links = [
            [a.id, a.venue_id, a.advert_id, _when(a.first_seen), _when(a.last_seen)]
            for a in session.scalars(select(VenueAdvert).order_by(VenueAdvert.id))
        ]
    tables = {"venues": venues, "roster": roster, "events": events, "links": links}
    return {
        "counts": {name: len(rows) for name, rows in tables.items()},
        "digests": {
            name: hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
            for name, rows in tables.items()
        },
    }


def test_venue_linking_equals_the_golden_file(database):
    expected = json.loads(GOLDEN.read_text())
    found = snapshot(database)
    assert found["counts"] == expected["counts"]
    assert found["digests"] == expected["digests"]


if __name__ == "__main__":
    from helpers.scratch import scratch_database

    with scratch_database() as db:
        GOLDEN.write_text(json.dumps(snapshot(db), indent=2) + "\n")
