"""The weekly digest: one self-contained HTML page of what changed since the week before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pipeline.core import clock
from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.core.private import private_folder, write_private_text
from pipeline.core.settings import Settings
from pipeline.reports.digest.data import gather, latest_activity
from pipeline.reports.digest.render import render_digest
from pipeline.reports.digest.weeks import Week, parse_week, week_of
from pipeline.stages.linking.config import target_threshold

__all__ = [
    "DigestResult",
    "Week",
    "build_digest",
    "default_week",
    "digest_folder",
    "make_digest",
    "parse_week",
    "write_digest",
    "written_digest",
    "written_digests",
]


@dataclass(frozen=True)
class DigestResult:
    """A written digest: the week it covers and its file."""

    week: Week
    path: Path


def digest_folder(settings: Settings) -> Path:
    """Where `scout digest` writes by default and where the web app lists digests from."""
    return settings.data_dir / "digests"


def written_digests(settings: Settings) -> list[Week]:
    """The weeks with a digest in the default folder, newest first."""
    weeks = []
    for path in digest_folder(settings).glob("digest-*.html"):
        try:
            weeks.append(parse_week(path.stem.removeprefix("digest-"), settings.tz))
        except ScoutError:
            continue  # a file someone named by hand: not one of Scout's digests
    return sorted(weeks, key=lambda week: (week.year, week.number), reverse=True)


def written_digest(settings: Settings, label: str) -> Path | None:
    """The file of one week's digest; None unless `label` is a week with a written digest
    (the label is parsed, never joined to the folder as it came)."""
    try:
        week = parse_week(label, settings.tz)
    except ScoutError:
        return None
    path = digest_folder(settings) / f"digest-{week.label}.html"
    return path if path.is_file() else None


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
    folder = out or digest_folder(context.settings)
    path = private_folder(folder) / f"digest-{chosen.label}.html"
    write_private_text(path, page)  # names clusters and cities: only its owner reads it
    return DigestResult(chosen, path)


def write_digest(context: Context, week: Week | str | None = None, out: Path | None = None) -> Path:
    """Write the digest as `make_digest` does; return its path."""
    return make_digest(context, week, out).path
