"""Storage: rows/s for sealed advert inserts (Core executemany) on SQLite and PostgreSQL.

Sealing (AES-GCM per column) is on the hot path of every crawl; this shows what
it costs next to the same insert with the sealed columns left empty.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from models import Advert, Site
from pipeline.core.db import open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings

TITLE = "Storage: advert inserts with sealed title/text (Core executemany, batches of 1,000)"
ROWS = int(os.environ.get("BENCH_STORAGE_ROWS", "20000"))
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
TEXT = "Hej, jeg er ny i byen og kan mødes diskret. Ring eller skriv. " * 10


def _rows(site_id: int, sealed: bool) -> list[dict]:
    now = datetime.now(UTC)
    return [
        {
            "site_id": site_id,
            "external_id": f"b{i}",
            "url": f"http://127.0.0.1/ad/{i}",
            "first_seen": now,
            "last_seen": now,
            "content_hash": f"{i:064x}",
            "title": f"Advert {i}" if sealed else None,
            "text": TEXT if sealed else None,
        }
        for i in range(ROWS)
    ]


def _measure(url: str, sealed: bool) -> float:
    os.environ["SCOUT_DATABASE_URL"] = url
    settings = load_settings()
    database = open_database(settings, require_schema=False)
    upgrade(database.engine, settings)
    with database.session() as session:
        site = Site(name=f"bench-{secrets.token_hex(3)}", base_url="http://127.0.0.1")
        session.add(site)
        session.flush()
        site_id = site.id
    rows = _rows(site_id, sealed)
    started = time.perf_counter()
    for start in range(0, len(rows), 1000):
        with database.session() as session:
            session.execute(insert(Advert), rows[start : start + 1000])
    elapsed = time.perf_counter() - started
    database.dispose()
    return ROWS / elapsed


def _pg_schema() -> str | None:
    try:
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
            name = f"scout_bench_{secrets.token_hex(3)}"
            conn.execute(f'CREATE SCHEMA "{name}"')
            return name
    except psycopg.OperationalError:
        return None


def _drop(schema: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SCOUT_DATA_DIR"] = tmp
        engines = {"sqlite": lambda: f"sqlite:///{Path(tmp) / 'bench.db'}"}
        schema = _pg_schema()
        if schema:
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            engines["postgresql"] = lambda: url.render_as_string(hide_password=False)
        try:
            for engine, url_for in engines.items():
                plain = _measure(url_for(), sealed=False)
                sealed = _measure(url_for(), sealed=True)
                rows.append(
                    {
                        "case": engine,
                        "rows": ROWS,
                        "plain rows/s": plain,
                        "sealed rows/s": sealed,
                        "sealed/plain": sealed / plain,
                    }
                )
        finally:
            if schema:
                _drop(schema)
    return rows
