"""A raw dump of a populated database holds no phone number and no advert text.

The hostile cases (audit H3, H4, H5) go through the real ingest, analyse and link path,
so any stage that stores advert data in clear shows up in the dump.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from models import Advert, ContactPoint, Site
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.run import link_database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

pytestmark = pytest.mark.subprocess  # the dumps come from sqlite3 or pg_dump

PHONES = ["+4520123456", "+4531415926", "+40712345678"]
TEXTS = ["Hej, jeg hedder Åse og bor i Århus", "New in town, call me for a discreet meeting"]
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _populate(database) -> None:
    with database.session() as session:
        site = Site(name="demo", base_url="http://127.0.0.1:8801")
        session.add(site)
        session.flush()
        for number, body in enumerate(TEXTS):
            session.add(
                Advert(
                    site_id=site.id,
                    external_id=str(number),
                    url="http://127.0.0.1/x",
                    first_seen=NOW,
                    last_seen=NOW,
                    title=body[:12],
                    text=body,
                    content_hash=database.keyring.content_hash(body),
                )
            )
        for phone in PHONES:
            session.add(
                ContactPoint(
                    kind="phone",
                    value=phone,
                    key_id=database.keyring.key_id,
                    pseudonym=database.keyring.pseudonym("phone", phone),
                )
            )


def _dump(database, db_url: str) -> str:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        if shutil.which("sqlite3"):
            return subprocess.run(
                ["sqlite3", url.database, ".dump"], check=True, capture_output=True, text=True
            ).stdout
        with sqlite3.connect(url.database) as connection:
            return "\n".join(connection.iterdump())
    schema = dict(url.query)["options"].split("=", 1)[1]
    plain = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump not installed: the PostgreSQL dump test needs it")
    return subprocess.run(
        ["pg_dump", "--inserts", "-n", schema, plain], check=True, capture_output=True, text=True
    ).stdout


def test_sealed_raw_dump_has_no_phone_or_advert_text(database, db_url: str) -> None:
    _populate(database)
    dump = _dump(database, db_url)
    assert "INSERT INTO" in dump and "adverts" in dump
    for secret in [*PHONES, *(p[3:] for p in PHONES), *TEXTS, "Åse", "Århus", "discreet"]:
        assert secret not in dump
        assert secret.encode().hex() not in dump.lower()
    with database.session() as session:  # and the application still reads them back
        assert sorted(session.scalars(select(Advert.text))) == sorted(TEXTS)
        assert sorted(session.scalars(select(ContactPoint.value))) == sorted(PHONES)


# (case, city, title, text, contacts): the audit's hostile values, and a twin so they link.
HOSTILE_ADVERTS = [
    ("H3", "Ring Anna 28 11 22 33 eller anna.k@example.com", "Ny i byen", "Sød pige, ring", []),
    ("H3b", "alert('digest') Ring Anna 28112233", "Ny i byen", "Sød pige, ring nu", []),
    (
        "H4",
        "Aarhus",
        "Piger venter",
        "Ring 28445566 piger venter. Call 28445577 girls waiting",
        [],
    ),
    ("H5", "Odense", "Ny pige", "Ring mig", ["tel:+4529998877"]),
    ("H5b", "Vejle", "Ny pige", "Skriv til anna.k@example.com eller ring", ["tel:+4529998877"]),
]
# Every planted value per case: contact points in E.164 and in the national digits people
# write, and the words of the free-text city (the dump doubles quotes, so no quote here).
PLANTED = {
    "H3": ["+4528112233", "28112233", "28 11 22 33", "anna.k@example.com", "Ring Anna", "alert("],
    "H4": ["+4528445566", "28445566", "+4528445577", "28445577", "piger venter"],
    "H5": ["+4529998877", "29998877", "tel:+4529998877"],
}


def _ingest_hostile(database) -> None:
    with database.session() as session:
        site = ensure_site(session, "hostile", "http://127.0.0.1:8999")
        items = [
            AdvertItem(
                site="hostile",
                external_id=case,
                url=f"http://127.0.0.1:8999/ad/{case}",
                fetched_at=NOW,
                title=title,
                text=text,
                city=city,
                contacts=contacts,
            )
            for case, city, title, text, contacts in HOSTILE_ADVERTS
        ]
        store_adverts(session, database.keyring, site.id, None, items)


@pytest.mark.parametrize("case", ["H3", "H4", "H5"])
def test_h3_h4_h5_hostile_values_absent_from_raw_dump(database, db_url: str, case: str) -> None:
    """The hostile adverts, ingested, analysed and linked: no planted value in the dump."""
    _ingest_hostile(database)
    analyse(database)
    link_database(database, database.settings)
    dump = _dump(database, db_url)
    assert "INSERT INTO" in dump and "indicator_hits" in dump
    for value in PLANTED[case]:
        assert value not in dump, value
        assert value.encode().hex() not in dump.lower(), value
    with database.session() as session:  # the sealed values still read back
        unknown = session.scalars(select(Advert.unknown_city).where(Advert.city.is_(None)))
        assert sorted(unknown) == sorted(c for _, c, *_ in HOSTILE_ADVERTS if "Ring" in c)
