"""Linking watermark: what taking the mark with its gaps costs, against the bare max(id).

A run takes its watermark (`pipeline/stages/linking/watermark.py`) before it searches: the
highest version and image ids, the ranges missing above the previous mark (one window
query) and what is left of the previous run's gaps. Measured on a store of
`BENCH_WATERMARK_ROWS` versions and as many image hashes (default 10⁶; one id in 97 and
one in 89 missing, as rolled-back ids), for a first run (no previous mark: the whole table)
and for days of 10³ and 10⁴ new ids (1 % of 10⁵ and of 10⁶ adverts) with 20 gaps carried
from the run before. The reference is the old watermark, `max(id)` of both tables, in the
same run. Each figure is the median of 5.
"""

from __future__ import annotations

import os
import runpy
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from models import Advert, AdvertVersion, ImageHash, Site
from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings
from pipeline.stages.linking import watermark
from pipeline.stages.linking.gaps import Gap
from pipeline.stages.linking.watermark import Mark

TITLE = "Linking watermark: taking the mark with its gaps vs the bare max(id) (median of 5)"
ROWS = int(os.environ.get("BENCH_WATERMARK_ROWS", "1000000"))
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
NOW = datetime(2026, 12, 3, 7, tzinfo=UTC)
KEEP = timedelta(minutes=60)
HERE = Path(__file__).resolve().parent
PAD = '{"pad": "' + "x" * 400 + '"}'  # versions are wide rows: a window scan reads them

_FILL = {
    "postgresql": (
        "INSERT INTO advert_versions (id, advert_id, seen_at, content_hash, analysis) "
        "SELECT g, :advert, now(), md5(g::text) || md5(g::text), CAST(:pad AS jsonb) "
        "FROM generate_series(1, :n) g WHERE g % 97 <> 0",
        "INSERT INTO image_hashes (id, advert_id, phash, position) "
        "SELECT g, :advert, lpad(to_hex(g), 16, '0'), 0 FROM generate_series(1, :n) g "
        "WHERE g % 89 <> 0",
    ),
    "sqlite": (
        "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "
        "INSERT INTO advert_versions (id, advert_id, seen_at, content_hash, analysis) "
        "SELECT x, :advert, '2026-12-03 07:00:00', printf('%064x', x), :pad FROM g "
        "WHERE x % 97 <> 0",
        "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) "
        "INSERT INTO image_hashes (id, advert_id, phash, position) "
        "SELECT x, :advert, printf('%016x', x), 0 FROM g WHERE x % 89 <> 0",
    ),
}


def _fill(database: Database) -> None:
    with database.session() as session:
        site = session.scalar(
            insert(Site).values(name="bench", base_url="http://127.0.0.1").returning(Site.id)
        )
        advert = session.scalar(
            insert(Advert)
            .values(
                site_id=site,
                external_id="b",
                url="http://127.0.0.1/b",
                first_seen=NOW,
                last_seen=NOW,
                content_hash="0" * 64,
            )
            .returning(Advert.id)
        )
        for statement in _FILL[database.engine.dialect.name]:
            session.execute(text(statement), {"advert": advert, "n": ROWS, "pad": PAD})
    if database.engine.dialect.name == "postgresql":  # as autovacuum leaves a store
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE advert_versions, image_hashes")
            )


def _median(database: Database, work: Callable[[Any], object]) -> float:
    times = []
    for _ in range(5):
        with database.session() as session:
            started = time.perf_counter()
            work(session)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bare(session: Any) -> None:
    session.scalar(select(func.max(AdvertVersion.id)))
    session.scalar(select(func.max(ImageHash.id)))


def _take(session: Any, previous: Mark | None) -> Mark:
    return watermark.take(session, previous, NOW, KEEP)


def _carried(top: int) -> tuple[Gap, ...]:
    """20 one-id gaps below `top` left by the run before: 10 still empty (multiples of 97 × 89
    are missing in both tables), 10 filled since."""
    empty = [top - top % 8633 - 8633 * k for k in range(10)]
    return tuple(sorted(Gap(i + d, i + d, NOW) for i in empty for d in (0, 1) if i > 8633))


def _cases(database: Database) -> list[dict[str, Any]]:
    bare = _median(database, _bare)
    rows = [{"case": "max(id) only (old)", "ids scanned": 0, "seconds": bare, "÷ old": 1.0}]
    for name, window in (("first run", ROWS), ("day of 10⁴", 10_000), ("day of 10³", 1_000)):
        if window >= ROWS:
            previous = None
        else:
            before = ROWS - window
            gaps = _carried(before)
            previous = Mark(before, before, gaps, gaps)
        seconds = _median(database, partial(_take, previous=previous))
        with database.session() as session:
            mark = watermark.take(session, previous, NOW, KEEP)
        rows.append(
            {
                "case": name,
                "ids scanned": window,
                "seconds": seconds,
                "÷ old": seconds / bare,
                "gaps kept": len(mark.version_gaps) + len(mark.image_gaps),
            }
        )
    return rows


def run() -> list[dict]:
    rows = []
    # bench_storage's PostgreSQL schema helpers (benchmarks/ is not a package)
    storage = runpy.run_path(str(HERE / "bench_storage.py"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SCOUT_DATA_DIR"] = tmp
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        schema = storage["_pg_schema"]()
        if schema:
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            urls["postgresql"] = url.render_as_string(hide_password=False)
        try:
            for engine, url_text in urls.items():
                os.environ["SCOUT_DATABASE_URL"] = url_text
                database = open_database(load_settings(), require_schema=False)
                upgrade(database.engine, database.settings)
                _fill(database)
                rows += [{"engine": engine, "rows": ROWS, **row} for row in _cases(database)]
                database.dispose()
        finally:
            if schema:
                storage["_drop"](schema)
    return rows
