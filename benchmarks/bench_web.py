"""Web: p50/p95 latency of the outreach pages for 20 concurrent signed-in clients.

A database is filled with demo adverts: `BENCH_WEB_BASE` of them stored, analysed and
linked as `scout` does, then copied with new ids (INSERT … SELECT in bulk, contact points
shared) until there are `BENCH_WEB_ADVERTS` — analysing and linking 10⁵ adverts would take
this machine hours, copying takes seconds. Then `scout web serve` runs on a free loopback
port and 20 outreach workers, each with its own account and session, request the pages at
once: the target list, a target page, and a reveal (each worker reveals a target it claimed;
the daily cap is lifted for the run). Each page is also requested by one client alone: the
cost of one request, which is what a person waits for when the team is not all clicking at
the same instant. The server runs once with one process and once with two
(`scout web serve --workers 2`). The in-run reference is the bare `list_targets` call
(what the target list is built from) without HTTP, uncached: the cost of the list's first
build after a data change; one request before each page's timing makes that build, so
the page rows are the steady state (the web app caches the list, see docs/web.md). The
start page is the floor of a signed-in request.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
from sqlalchemy.engine import make_url

from pipeline.core import clock
from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import Settings, load_settings
from pipeline.operations.accounts import totp
from pipeline.operations.accounts.users import add_user, complete_enrolment
from pipeline.reports.outreach.targets import list_targets
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.run import link_database

TITLE = "Web: p50/p95 of the outreach pages, 20 concurrent signed-in clients on loopback"
ADVERTS = int(os.environ.get("BENCH_WEB_ADVERTS", "100000"))
# analysed and linked for real (about 2 minutes per 5,000 here); the rest are copies of them
BASE = int(os.environ.get("BENCH_WEB_BASE", "2000"))
CLIENTS = 20
WORKERS = (1, 2)  # `scout web serve --workers`: one process, then one per core here
REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "15"))  # per client and page
REFERENCE_RUNS = 5  # uncached list builds: seconds each at 10⁵ (tens before the aggregation)
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
PASSWORD = "plum harbour violet seventy"  # synthetic accounts of a throwaway database
HERE = Path(__file__).resolve().parent
DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)  # the linking benchmark's first crawl day
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _sibling(name: str) -> Any:
    """Another benchmark module (benchmarks/ is not a package), for its helpers."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(database: Database, settings: Settings) -> None:
    """The linking benchmark's adverts, stored, analysed and linked, then copied."""
    from demo import iter_adverts
    from demo.scale_items import store_scale_adverts

    base = min(ADVERTS, BASE)
    adverts = list(iter_adverts(base, seed=11))
    # "now" just after the last advert's day, so that clusters are active (on the list)
    last_day = max(advert["first_day"] for advert in adverts)
    clock.set_now(DAY0 + timedelta(days=last_day, hours=1))
    store_scale_adverts(database, adverts, 0)
    analyse(database)
    link_database(database, settings, full=True)
    clock.set_now(None)
    _copy(database, -(-ADVERTS // base) - 1)


# Table → its columns that hold ids of a copied table (itself included), copied in this order.
COPIED: dict[str, dict[str, str]] = {
    "adverts": {"id": "adverts"},
    "advert_versions": {"id": "advert_versions", "advert_id": "adverts"},
    "advert_contacts": {"advert_id": "adverts"},
    "clusters": {"id": "clusters", "merged_into_id": "clusters"},
    "cluster_members": {"cluster_id": "clusters", "advert_id": "adverts"},
    "cluster_events": {"id": "cluster_events", "cluster_id": "clusters"},
    "indicator_hits": {
        "id": "indicator_hits",
        "advert_id": "adverts",
        "version_id": "advert_versions",
    },
    "advert_links": {"id": "advert_links", "advert_a_id": "adverts", "advert_b_id": "adverts"},
    "scores": {"id": "scores"},  # subject_id: by subject_kind, below
}


def _copy(database: Database, copies: int) -> None:
    """Copy the stored adverts and everything the outreach pages read about them, `copies`
    times, with ids shifted past the originals (one INSERT … SELECT per table and copy)."""
    from sqlalchemy import case, func, insert, literal, select, text

    from models.base import Base

    tables = Base.metadata.tables
    with database.session() as session:
        top = {
            name: session.scalar(select(func.max(table.c.id))) or 0
            for name, table in tables.items()
            if name in COPIED and "id" in table.c
        }
    for number in range(1, copies + 1):
        shift = {name: top[name] * number for name in top}
        with database.session() as session:
            for name, references in COPIED.items():
                table = tables[name]
                columns = []
                for column in table.c:
                    if column.name in references:
                        columns.append(column + shift[references[column.name]])
                    elif name == "adverts" and column.name == "external_id":
                        columns.append(column + literal(f"~{number}"))
                    elif name == "scores" and column.name == "subject_id":
                        by_kind = case(
                            (table.c.subject_kind == "cluster", shift["clusters"]),
                            else_=shift["adverts"],
                        )
                        columns.append(column + by_kind)
                    else:
                        columns.append(column)
                own = table.c.id if "id" in table.c else table.c.advert_id
                limit = top[name] if "id" in table.c else top["adverts"]
                query = select(*columns).where(own <= limit)
                session.execute(insert(table).from_select(list(table.c.keys()), query))
    if database.engine.dialect.name == "postgresql":  # ids were given: move the sequences on
        with database.session() as session:
            for name in COPIED:
                if "id" in tables[name].c:
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )
        # the planner's statistics, as autovacuum makes them after bulk writes (autovacuum is
        # off on this machine kind's PostgreSQL); without them an IN-list is a sequential scan
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def _accounts(database: Database, settings: Settings) -> list[tuple[str, str]]:
    people = []
    now = clock.now()
    with database.session() as session:
        for number in range(CLIENTS):
            name = f"bench{number}"
            user, _ = add_user(session, settings, name, "outreach", now, display_name=name)
            user.totp_secret = secret = totp.new_secret()
            step = pyotp.TOTP(secret).timecode(now) - 1  # the current step is still unused
            complete_enrolment(session, settings, user, PASSWORD, step, now)
            people.append((name, secret))
    return people


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(url: str, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    port = url.rsplit(":", 1)[1]
    serve = ["web", "serve", "--port", port, "--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "pipeline.cli.main", *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):  # 2 minutes: at a load average of 20 the app took over 30 s to start
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                if response.read() == b"ok":
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("scout web serve did not start")


def _sign_in(url: str, name: str, secret: str) -> httpx.Client:
    client = httpx.Client(base_url=url, headers={"Sec-Fetch-Site": "same-origin"}, timeout=60)
    for path, data in (
        ("/login", {"user_name": name, "password": PASSWORD}),
        ("/login/code", {"code": pyotp.TOTP(secret).now()}),
    ):
        found = _TOKEN.search(client.get(path, follow_redirects=True).text)
        assert found, path
        response = client.post(path, data={"csrf_token": found.group(1), **data})
        assert response.status_code == 303, (path, response.status_code)
    return client


def _claim(client: httpx.Client, target: str) -> str:
    """Claim a target through its page; the session's form token for the reveal."""
    found = _TOKEN.search(client.get(f"/targets/{target}").text)
    assert found, target
    response = client.post(f"/targets/{target}/claim", data={"csrf_token": found.group(1)})
    assert response.status_code == 303, (target, response.status_code)
    return found.group(1)


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return {"p50 ms": round(cuts[9] * 1000, 1), "p95 ms": round(cuts[18] * 1000, 1)}


def _hammer(
    clients: list[httpx.Client],
    paths: Callable[[int], str],
    form: Callable[[int], dict[str, str]] | None = None,
) -> list[float]:
    """Every client requests its pages one after another; all clients at the same time.
    With `form`, each request is a POST of the client's form (a reveal)."""

    def one(index: int) -> list[float]:
        taken = []
        for number in range(REQUESTS):
            started = time.perf_counter()
            path = paths(index * REQUESTS + number)
            if form is None:
                response = clients[index].get(path)
            else:
                response = clients[index].post(path, data=form(index))
            taken.append(time.perf_counter() - started)
            assert response.status_code == 200, (response.status_code, response.url)
        return taken

    with ThreadPoolExecutor(len(clients)) as pool:
        return [t for batch in pool.map(one, range(len(clients))) for t in batch]


def _reference(database: Database) -> tuple[list[float], list[str]]:
    samples, targets = [], []
    for _ in range(REFERENCE_RUNS):
        with database.session() as session:
            started = time.perf_counter()
            found = list_targets(session)
            samples.append(time.perf_counter() - started)
        targets = [t.target_id for t in found]
    return samples, targets


def _pages(
    common: dict[str, Any],
    workers: int,
    clients: list[httpx.Client],
    targets: list[str],
    reference: list[float],
    claimed: set[str],
) -> list[dict]:
    """The pages' rows for one server: one client alone (the cost of a request), then all
    clients at once; the reveal once per server, each on targets not claimed before."""
    rows = []
    pages: dict[str, Callable[[int], str]] = {
        "start page (/)": lambda _: "/",
        "target list": lambda _: "/targets",
        "target page": lambda n: f"/targets/{targets[n % len(targets)]}",
    }
    ref_p50 = statistics.median(reference)
    for page, paths in pages.items():
        # the list's first build is the reference row's cost (minutes at 10⁵ under load)
        clients[0].get(paths(0), timeout=900)
        for many in (clients[:1], clients) if workers == 1 else (clients,):
            found = _percentiles(_hammer(many, paths))
            ratio = round(found["p50 ms"] / 1000 / ref_p50, 1)
            shown = {"workers": workers, "clients": len(many)}
            rows.append({**common, "page": page, **shown, **found, "vs ref": ratio})
    fresh = [target for target in targets if target not in claimed]
    revealers = clients[: len(fresh)]  # each reveals a target of its own claim
    if revealers:
        tokens = [_claim(client, fresh[n]) for n, client in enumerate(revealers)]
        claimed.update(fresh[: len(revealers)])
        found = _percentiles(
            _hammer(
                revealers,
                lambda n: f"/targets/{fresh[n // REQUESTS]}/reveal",
                lambda index: {"csrf_token": tokens[index], "reason": "benchmark: first contact"},
            )
        )
        ratio = round(found["p50 ms"] / 1000 / ref_p50, 1)
        shown = {"workers": workers, "clients": len(revealers)}
        rows.append({**common, "page": "reveal", **shown, **found, "vs ref": ratio})
    return rows


def _measure(engine: str, url: str) -> list[dict]:
    os.environ["SCOUT_DATABASE_URL"] = url
    settings = load_settings()
    database = open_database(settings, require_schema=False)
    upgrade(database.engine, settings)
    started = time.perf_counter()
    _fill(database, settings)
    filled = time.perf_counter() - started
    people = _accounts(database, settings)
    reference, targets = _reference(database)
    base = f"http://127.0.0.1:{_free_port()}"
    # caps come only from the operator file: 15 reveals a worker in a few seconds
    operator_file = settings.data_dir / "operators.toml"
    operator_file.write_text("reveal_daily_cap = 500\n", encoding="utf-8")
    operator_file.chmod(0o600)
    env = {
        **os.environ,
        "SCOUT_WEB_SECURE_COOKIE": "false",
        "SCOUT_WEB_BASE_URL": base,
        "SCOUT_OPERATORS_FILE": str(operator_file),
    }
    common = {"case": engine, "adverts": ADVERTS, "targets": len(targets)}
    rows = [{**common, "page": "list_targets (no HTTP)", **_percentiles(reference), "vs ref": 1.0}]
    claimed: set[str] = set()
    clients: list[httpx.Client] = []  # signed in once: sessions outlive a server's restart
    for workers in WORKERS:
        server = _serve(base, env, workers)
        try:
            clients = clients or [_sign_in(base, name, secret) for name, secret in people]
            rows += _pages(common, workers, clients, targets, reference, claimed)
        finally:
            server.terminate()
            server.wait(timeout=30)
    for client in clients:
        client.close()
    database.dispose()
    rows[0]["fill s"] = round(filled, 1)
    return rows


def run() -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench_web_") as tmp:
        os.environ["SCOUT_DATA_DIR"] = tmp
        rows += _measure("sqlite", f"sqlite:///{Path(tmp) / 'web.db'}")
        storage = _sibling("bench_storage")  # its PostgreSQL schema helpers
        schema = storage._pg_schema()
        if schema is None:
            rows.append({"case": "postgresql", "note": f"unreachable at {PG_URL}"})
            return rows
        try:
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            rows += _measure("postgresql", url.render_as_string(hide_password=False))
        finally:
            storage._drop(schema)
    return rows
