"""Run crawls as child processes (Scrapy's reactor cannot restart) and follow their progress."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spiders import protocol
from spiders.storage.crawlruns import RunNumbers

GRACE_SECONDS = 30
_children: set[subprocess.Popen[str]] = set()
_children_lock = threading.Lock()


def stop_children() -> None:
    """Ask every running crawl to stop (SIGTERM: Scrapy shuts down cleanly, run incomplete)."""
    with _children_lock:
        for child in list(_children):
            if child.poll() is None:
                child.terminate()


@dataclass
class CrawlOutcome:
    site: str
    status: str
    returncode: int
    seconds: float
    log_path: Path
    run_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class CrawlSummary:
    """What crawling some sites did: each site's outcome, and its run's numbers by run id."""

    outcomes: list[CrawlOutcome]
    runs: dict[int, RunNumbers] = field(default_factory=dict)

    def numbers(self, outcome: CrawlOutcome) -> RunNumbers | None:
        return self.runs.get(outcome.run_id) if outcome.run_id is not None else None

    @property
    def exit_code(self) -> int:
        return exit_code(self.outcomes)


def exit_code(outcomes: list[CrawlOutcome]) -> int:
    """The most serious outcome decides: failed > blocked > degraded > incomplete > complete."""
    return protocol.worst_exit_code(o.status for o in outcomes)


def _log_path(log_dir: Path, site: str) -> Path:
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return log_dir / f"crawl-{site}-{stamp}.log"


def run_crawl_process(
    site: str,
    log_dir: Path,
    base_url: str | None = None,
    time_limit: float | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    env: dict[str, str] | None = None,
    as_of: datetime | None = None,
    die_with_parent: bool = False,
) -> CrawlOutcome:
    """Crawl one site in a child process; kill it when it outlives its time limit.

    `die_with_parent` (a queue worker's crawls): the kernel kills the crawl if the thread
    that started it dies, so a worker killed mid-crawl leaves no crawl running behind it
    while another worker runs the crawl again."""
    # -P: run the installed Scout, not whatever folder the caller stands in
    command = [sys.executable, "-P", "-m", "spiders.run", site]
    if base_url:
        command += ["--base-url", base_url]
    if time_limit:
        command += ["--time-limit", str(time_limit)]
    if as_of is not None:
        command += ["--as-of", as_of.isoformat()]
    log_path = _log_path(log_dir, site)
    # The crawl's own temporary folder (Playwright's and Chromium's profiles and artefacts):
    # removed below however the crawl ends, so a killed browser crawl leaves nothing behind.
    temp = tempfile.mkdtemp(prefix=f"scout-crawl-{site}-", dir=(env or {}).get("TMPDIR"))
    child_env = {
        **os.environ, **(env or {}), protocol.PROGRESS_ENV: "1", "PYTHONUNBUFFERED": "1",
        "TMPDIR": temp,
    }  # fmt: skip
    started = time.monotonic()
    result: dict[str, Any] = {}
    last: dict[str, Any] = {}  # the last progress line: what a killed crawl had stored
    with log_path.open("w") as log:
        os.chmod(log_path, 0o600)
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, env=child_env,
            preexec_fn=_die_with_parent if die_with_parent else None,
        )  # fmt: skip
        with _children_lock:
            _children.add(child)
        killer = _start_killer(child, time_limit)
        assert child.stdout is not None
        for line in child.stdout:
            message = protocol.parse_line(line)
            if message is None:
                continue
            if message.kind == "result":
                result = message.data
            else:
                last = message.data
                if on_progress:
                    on_progress(message.data)
        returncode = child.wait()
        with _children_lock:
            _children.discard(child)
        if killer is not None:
            killer.cancel()
        _remove_temp(temp)
    seconds = time.monotonic() - started
    if not result:
        timed_out = time_limit is not None and seconds >= time_limit + GRACE_SECONDS
        ended = _no_result(returncode, seconds, time_limit if timed_out else None, last, log_path)
        return CrawlOutcome(site, "failed", returncode or 1, seconds, log_path, error=ended)
    warnings = list(result.get("warnings", []))
    error: str | None = None
    if result["status"] == "failed" and warnings:  # e.g. the database went away (F4)
        error = f"{warnings.pop(0)}; log: {log_path}"
    return CrawlOutcome(
        site, result["status"], returncode, seconds, log_path, result.get("run_id"), warnings,
        error,
    )  # fmt: skip


def _remove_temp(folder: str) -> None:
    """Remove a crawl's temporary folder, first stopping what the crawl left running in it.

    A killed crawl's Playwright driver and Chromium notice only after a while that their
    parent is gone (seconds on a loaded machine), and write in the folder until then. Every
    process the crawl started carries the folder as its TMPDIR, so those are found by their
    environment and killed; a folder that is not gone yet is tried again."""
    _kill_leftovers(folder)
    for _ in range(40):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return
        time.sleep(0.25)
        _kill_leftovers(folder)


def _kill_leftovers(folder: str) -> list[int]:
    """SIGKILL the processes (ours, on Linux) whose TMPDIR is this crawl's folder."""
    marker = b"\0TMPDIR=" + os.fsencode(folder) + b"\0"
    killed = []
    for entry in Path("/proc").glob("[0-9]*") if Path("/proc/self/environ").exists() else ():
        try:
            environ = b"\0" + (entry / "environ").read_bytes()
            if marker in environ:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
        except (OSError, ValueError):  # gone, or not ours to read
            continue
    return killed


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent thread dies (Linux prctl)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _start_killer(child: subprocess.Popen[str], time_limit: float | None) -> threading.Timer | None:
    """Scrapy's own CLOSESPIDER_TIMEOUT stops a crawl politely; this stops a hung one."""
    if not time_limit:
        return None
    timer = threading.Timer(time_limit + GRACE_SECONDS, child.kill)
    timer.daemon = True
    timer.start()
    return timer


def _no_result(
    returncode: int, seconds: float, time_limit: float | None, last: dict[str, Any],
    log_path: Path,
) -> str:  # fmt: skip
    """One line for a crawl process that ended without its result line (F1).

    Its log's last line is no error message (often an INFO line), so it is not quoted:
    the line says how it ended, what was stored and where the log is.
    """
    if time_limit is not None:
        how = f"killed after {seconds:.0f}s (time limit {time_limit:.0f}s)"
    elif returncode < 0:
        how = f"the crawl process was killed ({signal.Signals(-returncode).name})"
    else:
        how = f"the crawl process ended with code {returncode} before finishing"
    stored = last.get("stored", 0)
    return (
        f"{how}; {stored} adverts were stored before it stopped and are kept "
        f"(the next crawl records this run as incomplete); log: {log_path}"
    )
