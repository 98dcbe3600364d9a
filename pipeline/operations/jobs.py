"""What the scheduler runs: crawl a site then analyse and link, the weekly digest, the purge.

Job functions are module-level so the job store can keep a reference to them. Each
records its last run and result in `<data_dir>/scheduler-state.json`, which `scout
schedule list` shows; crawl results themselves live in the crawl_runs table.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.operations import stages
from pipeline.reports.digest.weeks import week_of

logger = logging.getLogger(__name__)
# Analysis and linking read and write the same rows: one at a time, whichever crawl ended.
_analysis_lock = threading.Lock()
_state_lock = threading.Lock()
DEFAULT_CRAWL_TIME_LIMIT = 3 * 3600


def _remember(context: Context, job_id: str, result: str, detail: dict[str, Any]) -> None:
    path = context.settings.data_dir / "scheduler-state.json"
    with _state_lock:
        state = json.loads(path.read_text()) if path.exists() else {}
        state[job_id] = {
            "last_run": clock.now().isoformat(timespec="seconds"),
            "result": result,
            "detail": detail,
        }
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(json.dumps(state, indent=2, sort_keys=True))


def read_state(context: Context) -> dict[str, Any]:
    path = context.settings.data_dir / "scheduler-state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _log_progress(report: stages.Progress) -> None:
    total = "?" if report.total is None else report.total
    logger.debug("%s %s/%s: %s", report.stage, report.done, total, report.message)


def analyse_and_link(context: Context) -> dict[str, Any]:
    """Analyse what changed, link it into the clusters (incremental), then link the clinic
    adverts into venues (docs/clinics.md)."""
    with _analysis_lock:
        analysed = stages.analyse(context, progress=_log_progress)
        linked = stages.link(context, progress=_log_progress)
        venues = stages.link_clinics(context)
    return {
        "versions_analysed": analysed.versions,
        "clusters": linked.clusters,
        "targets": linked.targets,
        "venues_new": venues.venues_new,
    }


def _recorded(job_id: str, work: Callable[[Context], tuple[str, dict[str, Any]]]) -> str:
    """Run one job's work with its own Context; record the result; never let it stop the
    schedule (a failure is logged and recorded, the other jobs go on)."""
    with Context() as context:
        try:
            result, detail = work(context)
        except Exception as exc:
            logger.exception("job %s failed", job_id)
            result, detail = "failed", {"error": str(exc)[:300]}
        _remember(context, job_id, result, detail)
    return result


def crawl_site(site: str, time_limit: float = DEFAULT_CRAWL_TIME_LIMIT) -> str:
    """Crawl one site in its own process (killed if it hangs), then analyse and link; with
    a broker configured, put the crawl on the queue for a worker instead."""

    def work(context: Context) -> tuple[str, dict[str, Any]]:
        if context.settings.broker_url:
            from pipeline.operations import workers

            job = workers.enqueue_crawl(context.settings, site, time_limit)
            if job is None:
                return "skipped", {"reason": "a crawl of this site is queued or running"}
            return "enqueued", {"job": job}
        crawled = stages.crawl(
            context, sites=[site], time_limit=time_limit, as_of=clock.now(), progress=_log_progress
        )
        outcome = crawled.outcomes[0]
        detail: dict[str, Any] = {
            "status": outcome.status,
            "run_id": outcome.run_id,
            "seconds": round(outcome.seconds, 1),
        }
        if outcome.error:
            detail["error"] = outcome.error
        if outcome.status in ("complete", "incomplete", "degraded"):
            detail.update(analyse_and_link(context))
        return outcome.status, detail

    return _recorded(f"crawl:{site}", work)


def weekly_full_link() -> str:
    """Recompute every cluster and score (incremental runs keep untouched clusters' price
    explanations from older regional medians)."""

    def work(context: Context) -> tuple[str, dict[str, Any]]:
        if context.settings.broker_url:
            from pipeline.operations import workers

            return "enqueued", {"job": workers.request_link(context.settings, full=True)}
        with _analysis_lock:
            summary = stages.link(context, full=True, progress=_log_progress)
        return "done", {"clusters": summary.clusters, "targets": summary.targets}

    return _recorded("link-full", work)


def weekly_digest() -> str:
    """The digest of the week that just ended (Europe/Copenhagen weeks)."""

    def work(context: Context) -> tuple[str, dict[str, Any]]:
        last_week = week_of(clock.now() - timedelta(days=7), context.settings.tz)
        written = stages.digest(context, week=last_week, progress=_log_progress)
        return "written", {"week": written.week.label, "path": str(written.path)}

    return _recorded("digest", work)


def nightly_purge() -> str:
    """Delete what is past retention (counts also go to the audit log)."""

    def work(context: Context) -> tuple[str, dict[str, Any]]:
        return "done", stages.purge(context, progress=_log_progress).counts()

    return _recorded("purge", work)
