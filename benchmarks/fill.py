"""Fill PostgreSQL fast with analysed, linked adverts shaped like real ones (10⁶ in minutes).

Storing, analysing and linking adverts the way Scout does runs at ~100 adverts/s on this
machine: hours for 10⁶. So `fill` does that for real only for a base of `base` adverts from
the demo generator (`demo.iter_adverts`, the linking benchmark's stream: every owner with its
own style sentences, e-mail and handle), and then copies the base with new ids until there are
`n`, one `INSERT … SELECT … CROSS JOIN generate_series` per table:

- every table the pipeline writes per advert is copied: adverts, versions, sightings, image
  hashes, contacts, link signatures, indicator hits, links, clusters with their members,
  events and scores — so sizes on disk and query plans see what a real store of `n` holds;
- each copy gets contact points of its own (phone numbers, e-mail addresses and handles
  varied per copy, then sealed and keyed-hashed with the database's keyring, as the crawler
  stores them), so copies are other people, not links between copies;
- titles and texts keep the base's sealed bytes (sealed properly: they unseal to the base's
  text), so copies share template text and images with their original: a *full* relink would
  join each copy to its original. The linking watermark (`link_state`) is moved past the
  copies, so the next *incremental* run sees only what is stored after the fill — a day's work.

Used by `bench_scale.py` (PostgreSQL at size). `bench_web.py` has a similar copier of its own
(`_copy`, contact points shared between copies); one of the two should go.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import text

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings

DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)  # the linking benchmark's first crawl day
# Copied tables, in foreign-key order → their columns holding ids of a copied table (itself
# included). contact_points are not copied in SQL: each copy gets new ones (`_contact_points`).
COPIED: dict[str, dict[str, str]] = {
    "adverts": {"id": "adverts"},
    "advert_versions": {"id": "advert_versions", "advert_id": "adverts"},
    "sightings": {"id": "sightings", "advert_id": "adverts"},
    "image_hashes": {"id": "image_hashes", "advert_id": "adverts"},
    "advert_contacts": {"advert_id": "adverts", "contact_point_id": "contact_points"},
    "link_signatures": {"advert_id": "adverts"},
    "clusters": {"id": "clusters", "merged_into_id": "clusters"},
    "cluster_members": {"cluster_id": "clusters", "advert_id": "adverts"},
    "cluster_events": {"id": "cluster_events", "cluster_id": "clusters"},
    "indicator_hits": {
        "id": "indicator_hits",
        "advert_id": "adverts",
        "version_id": "advert_versions",
    },
    "advert_links": {"id": "advert_links", "advert_a_id": "adverts", "advert_b_id": "adverts"},
    "scores": {"id": "scores"},  # subject_id: by subject_kind
}


class Filled(NamedTuple):
    adverts: int
    base: int
    copies: int
    base_seconds: float  # store, analyse and fully link the base, as Scout does
    copy_seconds: float


def store(database: Database, adverts: list[dict[str, Any]], start: int) -> None:
    """Store generator adverts as a crawl would (as the linking benchmark does)."""
    from demo.scale_items import store_scale_adverts

    store_scale_adverts(database, adverts, start)


def fill(
    database: Database, settings: Settings, n: int, base: int = 2000, seed: int = 11
) -> Filled:
    """`n` analysed and linked adverts: `base` of them for real, the rest copies (above).
    Leaves the clock at the base's last day (so its clusters are active); PostgreSQL only."""
    from demo import iter_adverts
    from pipeline.stages.analysis import analyse
    from pipeline.stages.linking.run import link_database

    if database.engine.dialect.name != "postgresql":
        raise ValueError("the fast filler writes PostgreSQL (generate_series, sequences)")
    base = min(base, n)
    started = time.perf_counter()
    adverts = list(iter_adverts(base, seed=seed))
    last_day = max(advert["first_day"] for advert in adverts)
    clock.set_now(DAY0 + timedelta(days=last_day, hours=1))
    store(database, adverts, 0)
    analyse(database, workers=1)
    link_database(database, settings, full=True)
    base_seconds = time.perf_counter() - started
    copies = -(-n // base) - 1
    started = time.perf_counter()
    if copies:
        _copy(database, copies)
    with database.engine.begin() as connection:
        total = connection.execute(text("SELECT count(*) FROM adverts")).scalar_one()
    return Filled(total, base, copies, base_seconds, time.perf_counter() - started)


def _copy(database: Database, copies: int) -> None:
    from models.base import Base

    tables = Base.metadata.tables
    with database.engine.begin() as connection:
        top = {
            name: connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
            for name in [*COPIED, "contact_points"]
            if "id" in tables[name].c
        }
        _contact_points(database, connection, copies, top["contact_points"])
        for name, references in COPIED.items():
            columns = list(tables[name].c.keys())
            values = []
            for column in columns:
                if column in references:
                    values.append(f"t.{column} + k * {top[references[column]]}")
                elif (name, column) == ("adverts", "external_id"):
                    values.append("t.external_id || '~' || k")
                elif (name, column) == ("scores", "subject_id"):
                    values.append(
                        "t.subject_id + k * CASE t.subject_kind WHEN 'cluster' "
                        f"THEN {top['clusters']} ELSE {top['adverts']} END"
                    )
                else:
                    values.append(f"t.{column}")
            own, limit = ("id", top[name]) if "id" in columns else ("advert_id", top["adverts"])
            connection.execute(
                text(
                    f"INSERT INTO {name} ({', '.join(columns)}) SELECT {', '.join(values)} "
                    f"FROM {name} t CROSS JOIN generate_series(1, {copies}) AS k "
                    f"WHERE t.{own} <= {limit}"
                )
            )
        for name in [*COPIED, "contact_points"]:  # ids were given: move the sequences on
            if "id" in tables[name].c:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
        # the copies count as linked: the next incremental run starts after them
        connection.execute(
            text(
                "UPDATE link_state SET last_version_id = (SELECT max(id) FROM advert_versions), "
                "last_image_id = coalesce((SELECT max(id) FROM image_hashes), 0)"
            )
        )
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def _contact_points(database: Database, connection: Any, copies: int, top: int) -> None:
    """Each copy's own contact points (ids shifted by `top` a copy), sealed and keyed-hashed
    with the database's keyring, written with COPY."""
    keyring = database.keyring
    rows = connection.execute(
        text(
            "SELECT id, kind, value, country, number_type, first_seen FROM contact_points "
            "ORDER BY id"
        )
    ).all()
    base = [(row[0], row[1], keyring.unseal(bytes(row[2])).decode(), *row[3:]) for row in rows]
    taken = {(kind, value) for _, kind, value, *_ in base}
    raw = connection.connection.driver_connection  # psycopg: COPY
    columns = "id, kind, value, pseudonym, key_id, country, number_type, first_seen"
    with raw.cursor() as cursor, cursor.copy(f"COPY contact_points ({columns}) FROM STDIN") as out:
        for copy in range(1, copies + 1):
            for point_id, kind, value, country, number_type, first_seen in base:
                varied = _vary(kind, value, copy)
                while (kind, varied) in taken:
                    varied = _vary(kind, varied, copies + 1)
                taken.add((kind, varied))
                out.write_row((
                    point_id + copy * top, kind, keyring.seal(varied.encode()),
                    keyring.pseudonym(kind, varied), keyring.key_id, country, number_type,
                    first_seen,
                ))  # fmt: skip


def _vary(kind: str, value: str, copy: int) -> str:
    """Another person's contact point of the same shape: a phone number with other digits
    after the country code, another e-mail user, another handle."""
    if kind == "phone" and value.startswith("+") and value[1:].isdigit():
        digits = value[3:]
        shifted = (int(digits) + copy * 7_654_321) % 10 ** len(digits)
        return value[:3] + f"{shifted:0{len(digits)}d}"
    user, at, domain = value.partition("@")
    return f"{user}.{copy:x}{at}{domain}" if at else f"{value}_{copy:x}"
