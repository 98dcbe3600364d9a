"""The weekly digest: one self-contained HTML page of what changed since the week before."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from pipeline.core import clock
from pipeline.core.app import App
from pipeline.reports.digest.data import gather, latest_activity
from pipeline.reports.digest.render import render_digest
from pipeline.reports.digest.weeks import Week, parse_week, week_of
from pipeline.stages.linking.config import target_threshold

__all__ = ["Week", "build_digest", "default_week", "parse_week", "write_digest"]


def build_digest(session: Session, week: Week, threshold: float | None = None) -> str:
    """The digest page for `week` as text (the same data always gives the same bytes)."""
    return render_digest(
        gather(session, week, target_threshold() if threshold is None else threshold)
    )


def default_week(session: Session, app: App) -> Week:
    """The week of the newest crawl or sighting, so a digest after a crawl shows that crawl."""
    return week_of(latest_activity(session) or clock.now(), app.settings.tz)


def write_digest(app: App, week: Week | str | None = None, out: Path | None = None) -> Path:
    """Write digest-<week>.html into `out` (default <data_dir>/digests) and return its path."""
    database = app.database()
    with database.session() as session:
        if isinstance(week, str):
            week = parse_week(week, app.settings.tz)
        chosen = week or default_week(session, app)
        page = build_digest(session, chosen)
    folder = out or app.settings.data_dir / "digests"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-{chosen.label}.html"
    path.write_text(page, encoding="utf-8")
    return path
