"""Queue workers on loopback for the worker tests and the scale benchmark: a Redis server of
our own, `scout worker` processes, demo site files, and a fingerprint of what a database
holds (to compare a run of many workers with a one-process run)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
import yaml
from sqlalchemy import text

from pipeline.core.db import Database
from pipeline.operations.workers import FINISHED_KEY

SITES_DIR = Path(__file__).resolve().parents[2] / "spiders" / "sites"
TEST_REDIS_URL = os.environ.get("SCOUT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
QUEUE_KEYS = ("crawl", "analyse", "link")


def worker_redis_url(base: str = TEST_REDIS_URL, worker: str | None = None) -> str:
    """The Redis database of this pytest-xdist worker: `base`'s for gw0 (and a plain run),
    one lower for each worker after it (14, 13, ...), since a broker test empties its database
    before and after. Celery's broadcasts are kept apart too: kombu prefixes their channels
    with the database number."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0") if worker is None else worker
    url = urlsplit(base)
    number = int(url.path.lstrip("/") or 0) - int(worker.removeprefix("gw"))
    if number < 0:
        raise ValueError(f"no Redis database left below {base} for pytest-xdist worker {worker}")
    return urlunsplit(url._replace(path=f"/{number}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own on a free loopback port, its data in `folder`
    (append-only file on, so a restart keeps the queues); `restart()` stops and starts it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
             "--appendonly", "yes", "--save", "", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _answers(self.url), 20, "redis-server to answer")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: redis-server writes its append-only file
            self.process.wait(timeout=20)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")


def write_sites(
    folder: Path, names: Iterable[str], base_url: str, template_site: str = "demo_classic",
    **politeness: Any,
) -> list[str]:  # fmt: skip
    """Copies of a demo site file (demo_classic; demo_spa for a browser site) under other
    names, all served from `base_url`."""
    template = yaml.safe_load((SITES_DIR / f"{template_site}.yaml").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        site = {**template, "name": name, "base_url": base_url}
        site["politeness"] = {**template["politeness"], **politeness}
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(site))
        written.append(name)
    return written


class Fleet:
    """`scout worker` processes sharing one environment; stopped (SIGTERM) on exit."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.workers: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, queues: str = "crawl,analyse,link") -> Fleet:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(count):
            number = len(self.workers)
            log = (self.log_dir / f"worker{number}.log").open("wb")
            command = [sys.executable, "-P", "-m", "pipeline.cli.main", "worker",
                       "--queues", queues, "--name", f"w{number}"]  # fmt: skip
            worker = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env)
            self.workers.append(worker)
        return self

    def logs(self, whole: bool = False) -> str:
        """The workers' logs (the last 3,000 characters of each unless `whole`)."""
        texts = (path.read_text() for path in sorted(self.log_dir.glob("*.log")))
        return "\n".join(text if whole else text[-3000:] for text in texts)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def request_link(env: dict[str, str], full: bool = False) -> str:
    """Enqueue a link job from a process of its own (as the scheduler would), with the broker
    in `env`: one process keeps the connections to its first broker."""
    code = (
        "from pipeline.core.settings import load_settings\n"
        "from pipeline.operations import workers\n"
        f"print(workers.request_link(load_settings(), full={full}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def idle(url: str, queues: Iterable[str] = QUEUE_KEYS) -> bool:
    """No job queued, held by a worker (unacknowledged) or waiting to be retried."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    return not any(client.llen(queue) for queue in queues) and not client.hlen("unacked")


def wait_idle(url: str, seconds: float = 600, queues: Iterable[str] = QUEUE_KEYS) -> None:
    """Until the queues stay empty for a few polls in a row (a job may enqueue the next)."""
    quiet = [0]

    def settled() -> bool:
        quiet[0] = quiet[0] + 1 if idle(url, queues) else 0
        return quiet[0] >= 6

    wait_for(settled, seconds, "the queues to empty")


FINGERPRINT = {
    "adverts": "SELECT s.name, a.external_id, a.city, "
    "CASE WHEN a.gone_at IS NULL THEN 0 ELSE 1 END "
    "FROM adverts a JOIN sites s ON s.id = a.site_id",
    "versions": "SELECT s.name, a.external_id, v.city, v.stated_age, "
    "CAST(v.price * 100 AS INTEGER), v.language, "
    "CASE WHEN v.analysed_ruleset IS NULL THEN 0 ELSE 1 END "
    "FROM advert_versions v JOIN adverts a ON a.id = v.advert_id "
    "JOIN sites s ON s.id = a.site_id",
    "hits": "SELECT s.name, a.external_id, h.rule_id, h.category FROM indicator_hits h "
    "JOIN adverts a ON a.id = h.advert_id JOIN sites s ON s.id = a.site_id",
    # which pairs carry a cluster's links follows the order adverts were linked in; the
    # clusters they make, and how many links of each kind, do not
    "link_kinds": "SELECT kind FROM advert_links",
}


def fingerprint(database: Database) -> dict[str, Any]:
    """What the database holds, without ids, times or keyed hashes: rows as sorted lists
    (duplicates kept, so a row stored twice shows), clusters (active or not: "now" is the
    wall clock, the crawls' day is simulated) as sets of adverts."""
    found: dict[str, Any] = {}
    with database.engine.connect() as connection:
        for name, query in FINGERPRINT.items():
            rows = [tuple(str(value) for value in row) for row in connection.execute(text(query))]
            found[name] = sorted(rows)
        members = connection.execute(
            text(
                "SELECT m.cluster_id, s.name, a.external_id FROM cluster_members m "
                "JOIN adverts a ON a.id = m.advert_id JOIN sites s ON s.id = a.site_id"
            )
        )
        clusters: dict[int, set[tuple[str, str]]] = {}
        for cluster_id, site, external_id in members:
            clusters.setdefault(cluster_id, set()).add((site, external_id))
    found["clusters"] = sorted(sorted(members) for members in clusters.values())
    return found


def differences(found: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """Per part that differs, a few rows only in `found` and a few only in `expected`."""
    from collections import Counter

    out = {}
    for key in expected:
        have, want = Counter(map(repr, found[key])), Counter(map(repr, expected[key]))
        if have != want:
            out[key] = {"extra": list((have - want).elements())[:5],
                        "missing": list((want - have).elements())[:5],
                        "sizes": (len(found[key]), len(expected[key]))}  # fmt: skip
    return out


def finished_jobs(url: str) -> list[dict[str, Any]]:
    """Every finished job `scout workers` keeps (it shows only the last 20)."""
    client = redis.Redis.from_url(url, socket_timeout=5, decode_responses=True)
    return [json.loads(line) for line in client.lrange(FINISHED_KEY, 0, -1)]


def overlapping_runs(runs: list[tuple[str, str, Any, Any]]) -> list[tuple[Any, ...]]:
    """Pairs of crawl runs (from `crawl_runs`) of one site that were running at once."""
    found = []
    by_site: dict[str, list[tuple[Any, Any]]] = {}
    for site, _, started, finished in runs:
        by_site.setdefault(site, []).append((started, finished))
    for site, spans in by_site.items():
        spans.sort()
        for (_, ended), (began, _) in itertools.pairwise(spans):
            if ended is None or began < ended:
                found.append((site, ended, began))
    return found


def crawl_runs(database: Database) -> list[tuple[str, str, Any, Any]]:
    """(site, status, started, finished) of every crawl run, in the order they began."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT s.name, r.status, r.started_at, r.finished_at FROM crawl_runs r "
                "JOIN sites s ON s.id = r.site_id ORDER BY r.id"
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]
