"""Clinics: venue linking and screening on N synthetic clinic adverts (issue 15).

N = BENCH_CLINICS_N (default 10⁵; `make bench` size), on SQLite in a temporary folder.
The adverts are N/10 venues seen in 10 weekly rounds, rosters drawn from a shared pool,
addresses written two ways (demo/clinics.py's styles). Rows: linking (per advert, all
rounds), one more small day after them (a twentieth of the venues seen again the day after
the last round: what a run costs on top of ten weeks of history), screening the whole
country once, and the reference measured in the same run: the bare address parser
(`parse_address`) on the same address strings, per advert.
"""

from __future__ import annotations

import dataclasses
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

TITLE = "Clinics: venue linking and screening"
N = int(os.environ.get("BENCH_CLINICS_N", "100000"))
ROUNDS = 10
_STREETS = ["Vesterbrogade", "Jernbanegade", "Algade", "Nørregade", "Strandvej", "Søndergade"]
_POSTCODES = ["1620", "2200", "8000", "5000", "9000", "4000", "6700", "7100", "8900", "3000"]


def _address(rng: random.Random, venue: int, style: int) -> str:
    street = f"{_STREETS[venue % len(_STREETS)]}"
    number = venue // len(_STREETS) % 300 + 1
    postcode = _POSTCODES[venue % len(_POSTCODES)]
    return (
        f"{street} {number}, 1. tv., {postcode}"
        if style == 0
        else f"{street} {number} 1tv {postcode}"
    )


def _observations(n: int, keyring):
    from pipeline.stages.venues import ClinicObservation, RosterPerson

    rng = random.Random(15)
    venues = max(1, n // ROUNDS)
    pool = [
        RosterPerson(f"p{i}", 20 + i % 15, "romanian" if i % 3 else "danish")
        for i in range(n // 5 + 10)
    ]
    start = datetime(2026, 10, 5, tzinfo=UTC)
    rounds = []
    for week in range(ROUNDS):
        batch = []
        for venue in range(venues):
            advert_id = week * venues + venue + 1
            batch.append(
                ClinicObservation(
                    advert_id=advert_id, seen_at=start + timedelta(weeks=week),
                    text="Nye piger hver uge. Døgnåbent." if venue % 4 == 0 else "Ring for tid.",
                    address=_address(rng, venue, advert_id % 2), opening_hours="man-fre 10-18",
                    phone_keys=(keyring.pseudonym("phone", f"+45{20000000 + venue}"),),
                    price=400 + venue % 5 * 100, roster=tuple(rng.sample(pool, 3)),
                )
            )  # fmt: skip
        rounds.append(batch)
    return rounds


def run() -> list[dict]:
    from sqlalchemy import insert

    from models import Advert, Site
    from nlp.clinics.address import parse_address
    from nlp.clinics.rules import text_sign_rules
    from pipeline.core.db import open_database
    from pipeline.core.migrations import upgrade
    from pipeline.core.settings import load_settings
    from pipeline.reports.clinics.screening import screen
    from pipeline.stages.venues import link_venues

    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOUT_DATA_DIR"] = folder
        os.environ["SCOUT_DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
        settings = load_settings()
        database = open_database(settings, require_schema=False)
        upgrade(database.engine, settings)
        rounds = _observations(N, database.keyring)
        total = sum(len(batch) for batch in rounds)
        with database.session() as session:
            site = Site(name="bench_clinics", base_url="http://127.0.0.1:8900")
            session.add(site)
            session.flush()
            now = datetime(2026, 10, 5, tzinfo=UTC)
            session.execute(
                insert(Advert),
                [
                    {"id": o.advert_id, "site_id": site.id, "external_id": str(o.advert_id),
                     "kind": "clinic", "url": "http://127.0.0.1:8900/", "first_seen": now,
                     "last_seen": now, "content_hash": "0" * 64}
                    for batch in rounds for o in batch
                ],
            )  # fmt: skip
        signs = text_sign_rules()
        started = time.perf_counter()
        for batch in rounds:
            with database.session() as session:
                link_venues(session, database.keyring, batch, signs)
        link_s = time.perf_counter() - started
        started = time.perf_counter()
        with database.session() as session:
            listed = screen(session, rounds[-1][0].seen_at + timedelta(days=1))
        screen_s = time.perf_counter() - started
        # after the screening, which is measured on the ten rounds alone
        day = [
            dataclasses.replace(o, seen_at=o.seen_at + timedelta(days=1))
            for o in rounds[-1][: max(1, len(rounds[-1]) // 20)]
        ]
        started = time.perf_counter()
        with database.session() as session:
            link_venues(session, database.keyring, day, signs)
        day_s = time.perf_counter() - started
        texts = [o.address or "" for batch in rounds for o in batch]
        started = time.perf_counter()
        for text in texts:
            parse_address(text)
        parse_s = time.perf_counter() - started
        database.dispose()
    per_advert = link_s / total * 1000
    reference = parse_s / total * 1000
    return [
        {"stage": "venue linking", "adverts": total, "venues": len(listed), "seconds": link_s,
         "ms_per_advert": per_advert, "reference_ms": reference,
         "x reference": per_advert / reference if reference else None},
        {"stage": "venue linking, one more day", "adverts": len(day), "seconds": day_s,
         "ms_per_advert": day_s / len(day) * 1000},
        {"stage": "screening (all regions)", "adverts": total, "venues": len(listed),
         "seconds": screen_s, "ms_per_advert": screen_s / total * 1000},
    ]  # fmt: skip
