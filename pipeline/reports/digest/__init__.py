"""The weekly digest: one self-contained HTML page of what changed since the week before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.reports.digest.data import gather, latest_activity
from pipeline.reports.digest.render import render_digest
from pipeline.reports.digest.weeks import Week, parse_week, week_of
from pipeline.stages.linking.config import target_threshold

__all__ = [
    "DigestResult",
    "Week",
    "build_digest",
    "default_week",
    "make_digest",
    "parse_week",
    "write_digest",
]


@dataclass(frozen=True)
class DigestResult:
    """A written digest: the week it covers and its file."""

    week: Week
    path: Path


def build_digest(session: Session, week: Week, threshold: float | None = None) -> str:
    """The digest page for `week` as text (the same data always gives the same bytes)."""
    return render_digest(
        gather(session, week, target_threshold() if threshold is None else threshold)
    )


def default_week(session: Session, context: Context) -> Week:
    """The week of the newest crawl or sighting, so a digest after a crawl shows that crawl."""
    return week_of(latest_activity(session) or clock.now(), context.settings.tz)


def make_digest(
    context: Context, week: Week | str | None = None, out: Path | None = None
) -> DigestResult:
    """Write digest-<week>.html into `out` (default <data_dir>/digests); the week and path."""
    database = context.database()
    with database.session() as session:
        if isinstance(week, str):
            week = parse_week(week, context.settings.tz)
        chosen = week or default_week(session, context)
        page = build_digest(session, chosen)
    folder = out or context.settings.data_dir / "digests"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{chosen.label}.html"
    path.write_text(page, encoding="utf-8")
    return DigestResult(chosen, path)


def write_digest(context: Context, week: Week | str | None = None, out: Path | None = None) -> Path:
    """Write the digest as `make_digest` does; return its path."""
    return make_digest(context, week, out).path
