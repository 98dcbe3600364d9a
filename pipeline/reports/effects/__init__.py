"""The effects report: what the outreach achieved over a period, per month and kind, for the
knowledge institution and a funded line's midway status (docs/effects.md).

One self-contained HTML page with charts, the same figures as CSV files and a
datapackage.json, in one folder per report. Aggregates only, small cells hidden, audited.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.core import audit, roles
from pipeline.core.app import Context
from pipeline.core.errors import ScoutError
from pipeline.core.private import private_folder, write_private_text
from pipeline.core.settings import Settings
from pipeline.reports.effects.figures import EffectsData, gather
from pipeline.reports.effects.kinds import KINDS
from pipeline.reports.effects.period import Period, make_period
from pipeline.reports.effects.render import render_effects
from pipeline.reports.effects.tables import datapackage, to_csv
from pipeline.stages.linking.config import target_threshold

__all__ = [
    "KINDS",
    "PAGE",
    "EffectsData",
    "EffectsResult",
    "effects_folder",
    "make_effects",
    "make_period",
    "written_report",
    "written_reports",
]

PAGE = "effects.html"
_LABEL = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}(-(escort|clinic|job))?(-midway)?$")


@dataclass(frozen=True)
class EffectsResult:
    """A written report: its folder (the HTML page, CSV files, datapackage.json) and data."""

    label: str
    folder: Path
    data: EffectsData

    @property
    def page(self) -> Path:
        return self.folder / PAGE


def effects_folder(settings: Settings) -> Path:
    """Where reports go by default and where the web app lists them from."""
    return settings.data_dir / "effects"


def written_reports(settings: Settings) -> list[str]:
    """Labels of the reports in the default folder, newest period first."""
    root = effects_folder(settings)
    found = [p.name for p in root.glob("*") if _LABEL.match(p.name) and (p / PAGE).is_file()]
    return sorted(found, reverse=True)


def written_report(settings: Settings, label: str) -> Path | None:
    """A report's folder; None unless `label` is a report's name (checked against the
    pattern, never joined to the folder as it came)."""
    if not _LABEL.match(label):
        return None
    folder = effects_folder(settings) / label
    return folder if (folder / PAGE).is_file() else None


def _label(period: Period, kind: str | None, midway: bool) -> str:
    return period.label + (f"-{kind}" if kind else "") + ("-midway" if midway else "")


def _title(period: Period, midway: bool) -> str:
    if midway:
        return f"Scout midway status of the outreach line started {period.first.isoformat()}"
    return f"Scout effects report {period.first.isoformat()} to {period.last.isoformat()}"


def make_effects(
    context: Context,
    first: date | str,
    last: date | str,
    *,
    kind: str | None = None,
    out: Path | None = None,
    midway: bool = False,
) -> EffectsResult:
    """Write the report for first..last (a midway status: from the line's start) into
    `out` (default <data_dir>/effects)/<label>/; audit-logged."""
    settings = context.settings
    roles.require(settings, "report effects")
    if kind is not None and kind not in KINDS:
        raise ScoutError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    period = make_period(first, last, settings.tz)
    minimum = settings.effects_min_count
    with context.database().session() as session:
        data = gather(session, period, target_threshold(), minimum, kind)
        audit.record(
            session,
            settings,
            "effects-report",
            params={
                "from": period.first.isoformat(),
                "to": period.last.isoformat(),
                "kind": kind,
                "midway": midway,
            },
            counts={"tables": len(data.tables()), "min_count": minimum},
        )
    label = _label(period, kind, midway)
    folder = private_folder((out or effects_folder(settings)) / label)
    write_private_text(folder / PAGE, render_effects(data, _title(period, midway)))
    for table in data.tables():
        write_private_text(folder / f"{table.name}.csv", to_csv(table))
    package = datapackage(
        data.tables(),
        minimum,
        {
            "title": _title(period, midway),
            "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
            "kinds": data.kinds,
            "min_count": minimum,
        },
    )
    write_private_text(folder / "datapackage.json", json.dumps(package, indent=2) + "\n")
    return EffectsResult(label, folder, data)
