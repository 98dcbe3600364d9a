"""Crawl throughput on the demo sites: Scout's full pipeline against a bare Scrapy spider.

The static demo site is served with 5,000+ live adverts; the full pipeline (spider, item
pipelines, contact extraction, image hashing, batched writes) runs into SQLite and into
PostgreSQL, the bare spider only fetches and parses the same listing and advert pages.
The JavaScript site is crawled through Chromium on the small default world.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import build_world
from models import CrawlRun
from pipeline.core.db import open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings

TITLE = "Crawl: full pipeline vs bare Scrapy spider (demo sites on loopback)"
HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
BIG = {
    "n_independent": int(os.environ.get("BENCH_CRAWL_INDEPENDENT", "2500")),
    "n_controllers": int(os.environ.get("BENCH_CRAWL_CONTROLLERS", "500")),
}
DAY = 5


def _peak_rss_mb(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run a child to the end; its stdout, wall seconds and peak RSS (VmHWM, MiB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    peak = [0.0]

    def watch() -> None:
        status = Path(f"/proc/{child.pid}/status")
        while child.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except OSError:
                return
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = child.communicate()
    watcher.join(timeout=1)
    return out, time.perf_counter() - started, peak[0]


def _database_url(engine: str, tmp: str) -> tuple[str, str | None]:
    if engine == "sqlite":
        return f"sqlite:///{tmp}/bench-{secrets.token_hex(3)}.db", None
    schema = f"scout_bench_{secrets.token_hex(3)}"
    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def _full(site: str, base_url: str, engine: str, tmp: str, as_of: str) -> dict:
    url, schema = _database_url(engine, tmp)
    env = {**os.environ, "SCOUT_DATABASE_URL": url, "SCOUT_DATA_DIR": tmp}
    os.environ.update({"SCOUT_DATABASE_URL": url, "SCOUT_DATA_DIR": tmp})
    settings = load_settings()
    database = open_database(settings, require_schema=False)
    upgrade(database.engine, settings)
    _, seconds, peak = _peak_rss_mb(
        [sys.executable, "-P", "-m", "spiders.run", site, "--base-url", base_url, "--as-of", as_of],
        env,
    )
    with database.session() as session:
        run = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()))
        pages, adverts, status = run.pages, run.adverts_seen, run.status
        stages = (run.stats or {}).get("stage_seconds", {})
    database.dispose()
    if schema:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return {
        "case": f"{site} → {engine}",
        "status": status,
        "pages": pages,
        "adverts": adverts,
        "seconds": round(seconds, 1),
        "pages/s": pages / seconds,
        "adverts/s": adverts / seconds,
        "peak RSS MiB": round(peak),
        "stages": stages,
    }


# What each timed stage of the crawl child is (spiders/stagetimes.py); the rest of the wall
# time is Scrapy itself, downloads, parsing the pages and the process's start-up.
STAGE_NAMES = {
    "clean": "item pipeline: clean text",
    "validate": "item pipeline: validate",
    "store": "item pipeline: store (ORM, cities, keyed hashes)",
    "contacts": "store: contact finding (NLP)",
    "sealing": "store: sealing (AES-GCM)",
    "database": "database round trips",
    "image hashing": "spider: image pHash",
    "ocr": "spider: OCR (in threads)",
}


def stage_rows(row: dict, bare_seconds: float) -> list[dict]:
    """The crawl's time per stage, as a share of its wall time and of its gap to the bare
    spider (what the full pipeline costs beyond fetching and parsing the same pages)."""
    stages = row.pop("stages")
    engine = row["case"].split("→ ")[-1]
    gap = row["seconds"] - bare_seconds
    out = []
    for name, label in STAGE_NAMES.items():
        if name not in stages:
            continue
        seconds = stages[name]["seconds"]
        out.append({
            "case": f"  {engine}: {label}",
            "calls": stages[name]["calls"],
            "seconds": round(seconds, 2),
            "share of crawl": f"{seconds / row['seconds']:.1%}",
            "share of gap": f"{seconds / gap:.1%}" if gap > 0 else "-",
        })  # fmt: skip
    # OCR runs in threads beside the reactor: its time overlaps the rest
    rest = row["seconds"] - sum(v["seconds"] for k, v in stages.items() if k != "ocr")
    out.append({
        "case": f"  {engine}: rest (Scrapy, downloads, parsing, start-up)",
        "seconds": round(rest, 2),
        "share of crawl": f"{rest / row['seconds']:.1%}",
    })  # fmt: skip
    return out


def _bare(base_url: str, side_requests: bool) -> dict:
    out, seconds, peak = _peak_rss_mb(
        [sys.executable, str(HERE / "bare_spider.py"), base_url, "1" if side_requests else "0"],
        dict(os.environ),
    )
    result = json.loads(out.strip().splitlines()[-1])
    case = "bare spider, same pages" if side_requests else "bare spider, listings + adverts only"
    return {
        "case": case,
        "status": "-",
        "pages": result["pages"],
        "adverts": result["adverts"],
        "seconds": round(seconds, 1),
        "pages/s": result["pages"] / seconds,
        "adverts/s": result["adverts"] / seconds,
        "peak RSS MiB": round(peak),
    }


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        world = build_world(seed=7, days=14, **BIG)
        clock = SimClock(world.start, day=DAY)
        with DemoServer(world, clock) as server:
            rows.append(_bare(server.classic_url, side_requests=False))
            bare = _bare(server.classic_url, side_requests=True)
            rows.append(bare)
            for engine in ("sqlite", "postgresql"):
                row = _full(
                    "demo_classic", server.classic_url, engine, tmp, clock.now().isoformat()
                )
                row["pages/s vs bare"] = round(row["pages/s"] / bare["pages/s"], 2)
                rows.append(row)
                rows += stage_rows(row, bare["seconds"] * row["pages"] / bare["pages"])
        small = build_world(seed=7, days=14)
        clock = SimClock(small.start)
        with DemoServer(small, clock) as server:
            spa = _full("demo_spa", server.spa_url, "sqlite", tmp, clock.now().isoformat())
            spa.pop("stages")
            rows.append(spa)
    return rows
