"""Scout's stages, one function each, as the CLI, the scheduler and the demo call them.

The data flow: `crawl` collects adverts from the sites into the database; `analyse` finds
languages, fields and indicators in the new advert versions; `link` joins adverts into
clusters and scores them; `digest` writes the weekly page and `export` an anonymised
dataset from what is stored; `purge` deletes what is past retention.

Each takes one `Context` (settings and databases), its own options as keywords, and an
optional `progress` callback that gets a `Progress` while the work goes on; each returns
its summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from pipeline.core import audit, clock
from pipeline.core.app import Context
from pipeline.operations import retention
from pipeline.operations.retention import PurgeReport
from pipeline.reports.digest import DigestResult, Week, make_digest
from pipeline.reports.effects import EffectsResult, make_effects
from pipeline.reports.export import ExportResult, run_export
from pipeline.stages import analysis
from pipeline.stages.analysis import AnalysisSummary
from pipeline.stages.crawling import CrawlSummary, run_crawl_process
from pipeline.stages.linking.run import link_database
from pipeline.stages.linking.summary import LinkSummary
from pipeline.stages.venues import VenueRun, link_stored
from spiders.storage.crawlruns import run_numbers

__all__ = [
    "Progress",
    "ProgressCallback",
    "analyse",
    "crawl",
    "digest",
    "effects",
    "export",
    "link",
    "pending_versions",
    "purge",
]


@dataclass(frozen=True)
class Progress:
    """How far a stage is: `done` of `total` steps (None: not known yet), and what it does."""

    stage: str
    done: int
    total: int | None = None
    message: str = ""


ProgressCallback = Callable[[Progress], None]


def _reporter(stage: str, progress: ProgressCallback | None) -> Callable[..., None]:
    """report(done, total, message) for one stage; does nothing without a callback."""

    def report(done: int, total: int | None = None, message: str = "") -> None:
        if progress is not None:
            progress(Progress(stage, done, total, message))

    return report


def _crawl_line(site: str, update: dict[str, Any]) -> str:
    """One line from a crawl process's progress report."""
    pages = sum(update.get("pages", {}).values())
    return (
        f"{site}: {pages} pages, {update.get('items', 0)} adverts, "
        f"{update.get('failures', 0)} failures"
    )


def crawl(
    context: Context,
    *,
    sites: Sequence[str],
    base_urls: Mapping[str, str] | None = None,
    time_limit: float | None = None,
    as_of: datetime | None = None,
    die_with_parent: bool = False,
    progress: ProgressCallback | None = None,
) -> CrawlSummary:
    """Crawl the sites one after another, each in its own process (killed after `time_limit`
    seconds and a grace period); `base_urls` points a site elsewhere, e.g. a demo server;
    `die_with_parent`: a crawl ends when the thread that started it dies (queue workers)."""
    report = _reporter("crawl", progress)
    database = context.database()  # one clear error before any crawl if it is unusable
    log_dir = context.settings.data_dir / "logs"
    outcomes = []
    for done, site in enumerate(sites):
        report(done, len(sites), f"{site}: starting")

        def show(update: dict[str, Any], done: int = done, site: str = site) -> None:
            report(done, len(sites), _crawl_line(site, update))

        base_url = (base_urls or {}).get(site)
        outcome = run_crawl_process(
            site, log_dir, base_url, time_limit, show, as_of=as_of, die_with_parent=die_with_parent
        )
        outcomes.append(outcome)
    report(len(sites), len(sites), "crawled " + ", ".join(sites))
    try:
        with database.session() as session:
            runs = run_numbers(session, [o.run_id for o in outcomes if o.run_id is not None])
    except SQLAlchemyError:  # the database went away mid-crawl: each outcome says what happened
        runs = {}
    return CrawlSummary(outcomes, runs)


def analyse(
    context: Context,
    *,
    everything: bool = False,
    rules_dir: Path | None = None,
    version_ids: Sequence[int] | None = None,
    progress: ProgressCallback | None = None,
) -> AnalysisSummary:
    """Analyse the advert versions not yet analysed under the current rules (all of them
    with `everything`; only those of `version_ids` when given), a batch at a time."""
    report = _reporter("analyse", progress)
    report(0, None, "finding advert versions to analyse")
    summary = analysis.analyse(
        context.database(),
        rules_dir,
        everything,
        lambda done, total: report(done, total, f"{done} of {total} advert versions"),
        version_ids=version_ids,
    )
    report(summary.versions, summary.versions, f"{summary.versions} advert versions analysed")
    return summary


def pending_versions(context: Context, *, rules_dir: Path | None = None) -> list[int]:
    """The advert versions `analyse` would analyse now (a worker splits them into batches)."""
    return analysis.pending_versions(context.database(), rules_dir)


def link(
    context: Context,
    *,
    full: bool = False,
    rules_dir: Path | None = None,
    linking_file: Path | None = None,
    progress: ProgressCallback | None = None,
) -> LinkSummary:
    """Link new and changed adverts into clusters and score them (every advert when `full`)."""
    report = _reporter("link", progress)
    return link_database(
        context.database(),
        context.settings,
        full,
        rules_dir,
        linking_file,
        on_progress=lambda phase, done, total: report(done, total, phase),
    )


def link_clinics(context: Context) -> VenueRun:
    """Link the stored clinic adverts into venues (rosters, events); mark quiet ones vanished."""
    return link_stored(context.database(), clock.now())


def digest(
    context: Context,
    *,
    week: Week | str | None = None,
    out: Path | None = None,
    progress: ProgressCallback | None = None,
) -> DigestResult:
    """Write the weekly digest (default: the week of the newest crawl) into `out`."""
    report = _reporter("digest", progress)
    report(0, 1, "writing the weekly digest")
    result = make_digest(context, week, out)
    with context.database().session() as session:  # who wrote which digest (no content)
        audit.record(session, context.settings, "digest", params={"week": result.week.label})
    report(1, 1, f"digest of {result.week.label} written")
    return result


def effects(
    context: Context,
    *,
    first: date | str,
    last: date | str,
    kind: str | None = None,
    out: Path | None = None,
    midway: bool = False,
    progress: ProgressCallback | None = None,
) -> EffectsResult:
    """Write the effects report for first..last (both days included) into `out`."""
    report = _reporter("effects", progress)
    report(0, 1, f"writing the effects report {first} to {last}")
    result = make_effects(context, first, last, kind=kind, out=out, midway=midway)
    report(1, 1, f"effects report written to {result.folder}")
    return result


def export(
    context: Context,
    *,
    recipient: str,
    basis: str,
    expires: date,
    out: Path,
    fmt: str = "csv",
    kind: str = "escort",
    progress: ProgressCallback | None = None,
) -> ExportResult:
    """Write an anonymised export of `kind` adverts for one recipient into the new folder `out`."""
    report = _reporter("export", progress)
    report(0, 1, f"exporting {kind} adverts for {recipient.strip()}")
    result = run_export(
        context.database(), context.settings, recipient, basis, expires, out, fmt, kind
    )
    report(1, 1, f"export written to {result.path}")
    return result


def purge(
    context: Context,
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> PurgeReport:
    """Delete (with `dry_run`, only count) what is past its retention period."""
    report = _reporter("purge", progress)
    report(0, 1, "counting what is past retention" if dry_run else "purging")
    with context.database().session() as session:
        result = retention.purge(session, context.settings, clock.now(), dry_run)
    report(1, 1, f"{result.adverts} adverts past retention")
    return result
