"""Storage: rows/s for sealed advert inserts (Core executemany) on SQLite and PostgreSQL.

Sealing (AES-GCM per column) is on the hot path of every crawl; this shows what
it costs next to the same insert with the sealed columns left empty.
"""

from __future__ import annotations

import os
import secrets
import time
from datetime import UTC, datetime

from engines import engine_urls
from sqlalchemy import insert

from models import Advert, Site
from pipeline.core.db import open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings

TITLE = "Storage: advert inserts with sealed title/text (Core executemany, batches of 1,000)"
ROWS = int(os.environ.get("BENCH_STORAGE_ROWS", "20000"))
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


def run() -> list[dict]:
    rows = []
    with engine_urls() as urls:
        for engine, url in urls.items():
            plain = _measure(url, sealed=False)
            sealed = _measure(url, sealed=True)
            rows.append(
                {
                    "case": engine,
                    "rows": ROWS,
                    "plain rows/s": plain,
                    "sealed rows/s": sealed,
                    "sealed/plain": sealed / plain,
                }
            )
    return rows
