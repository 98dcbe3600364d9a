"""A raw dump of a populated database holds no phone number and no advert text."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from models import Advert, ContactPoint, Site

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
