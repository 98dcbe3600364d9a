"""Scale: `scout worker` processes on a Redis task queue over PostgreSQL (docs/scaling.md).

- Crawl throughput of 1, 2 and 3 workers on BENCH_SCALE_SITES demo sites (default 20), of
  which BENCH_SCALE_BROWSER_SITES (default 4) are copies of the SPA site crawled through
  Chromium and the rest copies of the static site (each copy a site of its own, crawled in its
  own process), as pages/s and as the ratio to one worker.
- Analysis of the crawled advert versions in batches with 1 and 2 workers, adverts/s.
- PostgreSQL with many adverts (BENCH_SCALE_ADVERTS; the issue asks for 10⁶; 0 leaves this
  part out), filled fast by `fill.py` (a base stored, analysed and linked as Scout does, then
  copied in SQL): size
  on disk per advert, the target list and one target's evidence (p50/p95; BENCH_SCALE_QUERIES
  of each, 0 leaves them out: at 10⁶ each list takes minutes), and a day's incremental
  analysis and linking (1 % new adverts, stored as a crawl stores them).

The reference in the same run is one worker: the ratios say what adding workers buys on
this machine, whose cores every worker shares. Each timed row carries the 1-minute load
average before→after (`load`): on a machine shared with other work, ratios are only
comparable within one run.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the tests' fleet helper (workers, sites)

from demo.clock import SimClock  # noqa: E402
from demo.server import DemoServer  # noqa: E402
from demo.world import build_world  # noqa: E402
from pipeline.core.app import Context  # noqa: E402
from pipeline.core.db import Database, open_database  # noqa: E402
from pipeline.core.migrations import upgrade  # noqa: E402
from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.operations import workers  # noqa: E402

from helpers import fleet  # noqa: E402

TITLE = "Scale: crawl and analysis workers on a Redis queue, PostgreSQL at size"
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/13")
SITES = int(os.environ.get("BENCH_SCALE_SITES", "20"))
# of those, copies of the SPA demo site, crawled through Chromium
BROWSER_SITES = int(os.environ.get("BENCH_SCALE_BROWSER_SITES", "4"))
WORKERS = [int(n) for n in os.environ.get("BENCH_SCALE_WORKERS", "1,2,3").split(",")]
ADVERTS = int(os.environ.get("BENCH_SCALE_ADVERTS", "5000"))
QUERIES = int(os.environ.get("BENCH_SCALE_QUERIES", "10"))
# adverts stored, analysed and linked for real before the copies (benchmarks/fill.py)
FILL_BASE = int(os.environ.get("BENCH_SCALE_FILL_BASE", "2000"))
# advert versions per analysis job here: small, so that the demo sites' few hundred versions
# spread over the workers (Scout's own batch, workers.ANALYSE_BATCH, is 200)
ANALYSE_BATCH = int(os.environ.get("BENCH_SCALE_ANALYSE_BATCH", "25"))


def _schema() -> str:
    name = f"bench_scale_{secrets.token_hex(3)}"
    with psycopg.connect(_libpq(PG_URL), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    return name


def _drop(schema: str) -> None:
    with psycopg.connect(_libpq(PG_URL), autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _database(schema: str) -> Database:
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    os.environ["SCOUT_DATABASE_URL"] = url.render_as_string(hide_password=False)
    settings = load_settings()
    database = open_database(settings, require_schema=False)
    upgrade(database.engine, settings)
    return database


def _answering(count: int) -> bool:
    try:
        return len(workers.status(load_settings(), timeout=1)["workers"]) >= count
    except redis.RedisError:
        return False


def _timed_fleet(count: int, queues: str, enqueue: Any, folder: Path) -> float:
    """Start `count` workers, wait until they answer, enqueue, time until the queues are idle."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    with fleet.Fleet(dict(os.environ), folder).start(count, queues) as workforce:
        try:
            fleet.wait_for(lambda: _answering(count), 180, f"{count} workers to answer")
            started = time.perf_counter()
            enqueue()
            fleet.wait_idle(REDIS_URL, 3600, queues.split(","))
        except AssertionError:
            raise AssertionError(workforce.logs()) from None
        return time.perf_counter() - started


def _crawl(count: int, names: list[str], clock: SimClock, folder: Path) -> dict[str, Any]:
    schema = _schema()
    try:
        database = _database(schema)
        settings = load_settings()

        def enqueue() -> None:
            for name in names:
                workers.enqueue_crawl(settings, name, 3600, as_of=clock.now())

        load = os.getloadavg()[0]
        seconds = _timed_fleet(count, "crawl", enqueue, folder / f"crawl{count}")
        with database.engine.connect() as connection:
            pages = connection.execute(text("SELECT sum(pages) FROM crawl_runs")).scalar() or 0
            adverts = connection.execute(text("SELECT count(*) FROM adverts")).scalar() or 0
            # a crawl's own time, from its run row (made after the process started and
            # imported Scout): the rest of a crawl process's time is its start-up
            run_s = connection.execute(
                text("SELECT avg(extract(epoch FROM finished_at - started_at)) FROM crawl_runs")
            ).scalar()
        row: dict[str, Any] = {"stage": f"crawl, {count} worker(s)", "sites": len(names),
                               "browser_sites": BROWSER_SITES, "pages": int(pages),
                               "adverts": int(adverts), "seconds": round(seconds, 1),
                               "per_s": round(pages / seconds, 1), "unit": "pages/s",
                               "mean_run_s": round(float(run_s or 0), 2),
                               "load": _load(load)}  # fmt: skip
        if count == WORKERS[-1]:  # keep the last database for the analysis runs
            row["_schema"] = schema
            schema = ""
        database.dispose()
        return row
    finally:
        if schema:
            _drop(schema)


def _analyse(count: int, schema: str, folder: Path) -> dict[str, Any]:
    database = _database(schema)
    with database.engine.begin() as connection:  # as if the rules had changed: all again
        connection.execute(text("DELETE FROM indicator_hits"))
        connection.execute(text("UPDATE advert_versions SET analysed_ruleset = NULL"))
        versions = connection.execute(text("SELECT count(*) FROM advert_versions")).scalar()

    def enqueue() -> None:
        with Context() as context:
            workers.enqueue_analysis(context, ANALYSE_BATCH)

    load = os.getloadavg()[0]
    seconds = _timed_fleet(count, "analyse", enqueue, folder / f"analyse{count}")
    database.dispose()
    return {"stage": f"analyse, {count} worker(s)", "adverts": versions,
            "seconds": round(seconds, 1), "per_s": round((versions or 0) / seconds, 1),
            "unit": "advert versions/s", "load": _load(load)}  # fmt: skip


def _load(before: float) -> str:
    """The 1-minute load average before and after a timed part: this machine is shared."""
    return f"{before:.1f}→{os.getloadavg()[0]:.1f}"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 1), round(p95 * 1000, 1)


def _at_size(n: int) -> list[dict[str, Any]]:
    """PostgreSQL holding `n` adverts (filled fast, `fill.py`): size, target list and evidence
    times (BENCH_SCALE_QUERIES of each; 0 leaves them out), a day's work (1 % new adverts)."""
    from demo import iter_adverts
    from pipeline.core import clock
    from pipeline.reports.outreach.evidence import target_evidence
    from pipeline.reports.outreach.targets import list_targets
    from pipeline.stages.analysis import analyse
    from pipeline.stages.linking.run import link_database

    filler = _sibling("fill")
    schema = _schema()
    try:
        database = _database(schema)
        settings = load_settings()
        load = os.getloadavg()[0]
        filled = filler.fill(database, settings, n, FILL_BASE)
        with database.engine.connect() as connection:
            size = connection.execute(
                text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname = :s AND c.relkind = 'r'"), {"s": schema},
            ).scalar() or 0  # fmt: skip
        lists, pages, found = [], [], []
        for _ in range(QUERIES):
            with database.session() as session:
                began = time.perf_counter()
                found = list_targets(session)
                lists.append(time.perf_counter() - began)
            if found:
                with database.session() as session:
                    began = time.perf_counter()
                    target_evidence(session, found[0].cluster_id)
                    pages.append(time.perf_counter() - began)
        # a day's new adverts: 1 %, stored as a crawl stores them; from the base's stream (its
        # image ids go on), skipping a few hundred so that no owner of the base (whose text
        # and images every copy shares) comes back
        skip = filled.base + 300
        new = list(iter_adverts(skip + max(1, n // 100), seed=11))[skip:]
        day_load = os.getloadavg()[0]
        filler.store(database, new, skip)
        began = time.perf_counter()
        day_analysed = analyse(database, workers=1).versions
        day_analyse = time.perf_counter() - began
        began = time.perf_counter()
        link_database(database, settings)
        day_link = time.perf_counter() - began
        clock.set_now(None)
        database.dispose()
    finally:
        _drop(schema)
    rows = [
        {"stage": "PostgreSQL at size: fill (base stored, analysed, linked; then copied)",
         "adverts": filled.adverts, "base": filled.base, "copies": filled.copies,
         "base_s": round(filled.base_seconds, 1), "copy_s": round(filled.copy_seconds, 1),
         "bytes_per_advert": round(size / filled.adverts), "size_mb": round(size / 2**20, 1),
         "load": round(load, 1)},
        {"stage": "a day's work: 1 % new, analyse + incremental link", "adverts": day_analysed,
         "analyse_s": round(day_analyse, 2), "link_s": round(day_link, 2),
         "analyse_per_s": round(day_analysed / day_analyse, 1), "load": round(day_load, 1)},
    ]  # fmt: skip
    if lists:
        list_p50, list_p95 = _percentiles(lists)
        page_p50, page_p95 = _percentiles(pages) if pages else (None, None)
        rows[1:1] = [
            {"stage": "target list (p50/p95 ms)", "adverts": n, "p50_ms": list_p50,
             "p95_ms": list_p95, "targets": len(found)},
            {"stage": "target page: evidence (p50/p95 ms)", "adverts": n, "p50_ms": page_p50,
             "p95_ms": page_p95},
        ]  # fmt: skip
    return rows


def _sibling(name: str) -> Any:
    """Another module of benchmarks/ (not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        folder = Path(tmp)
        os.environ.update({
            "SCOUT_DATA_DIR": str(folder / "data"),
            "SCOUT_SITES_DIR": str(folder / "sites"),
            "SCOUT_BROKER_URL": REDIS_URL,
            "SCOUT_ANALYSE_WORKERS": "1",
        })  # fmt: skip
        world = build_world(seed=7, days=14)
        clock = SimClock(world.start)
        with DemoServer(world, clock) as server:
            html = [f"demo_{i:02d}" for i in range(SITES - BROWSER_SITES)]
            browser = [f"browser_{i:02d}" for i in range(BROWSER_SITES)]
            names = fleet.write_sites(folder / "sites", html, server.classic_url)
            names += fleet.write_sites(folder / "sites", browser, server.spa_url, "demo_spa")
            for count in WORKERS:
                rows.append(_crawl(count, names, clock, folder))
        schema = rows[-1].pop("_schema")
        try:
            for count in (1, 2):
                rows.append(_analyse(count, schema, folder))
        finally:
            _drop(schema)
        os.environ.pop("SCOUT_BROKER_URL")
        if ADVERTS:  # 0: the workers' rows only
            rows.extend(_at_size(ADVERTS))
    for kind in ("crawl", "analyse"):
        first = next(row for row in rows if row["stage"].startswith(kind))
        for row in rows:
            if row["stage"].startswith(kind):
                row["ratio_to_1"] = round(row["per_s"] / first["per_s"], 2)
    return rows
