"""The target list as a table, CSV or JSON: reasons, languages, reachability — no contact data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.table import Table

from pipeline.core.console import console
from pipeline.reports.outreach.sanitize import clean, csv_safe
from pipeline.reports.outreach.targets import Target

COLUMNS = (
    "target",
    "score",
    "reasons",
    "write_in",
    "cities",
    "last_seen",
    "adverts",
    "sites",
    "mobile_numbers",
    "valid_numbers",
    "messenger",
    "live_now",
    "last_outcome",
)


def _languages(target: Target, detailed: bool) -> str:
    if detailed:
        return "; ".join(f"{w.lang} ({', '.join(w.reasons)})" for w in target.languages)
    return ", ".join(w.lang for w in target.languages[:3])


def target_record(target: Target) -> dict[str, Any]:
    """One target as plain data; every string is cleaned, none is a contact value."""
    return {
        "target": target.target_id,
        "score": target.score,
        "ruleset_version": target.ruleset_version,
        "reasons": target.reasons,
        "write_in": [
            {"lang": w.lang, "score": w.score, "reasons": [clean(r) for r in w.reasons]}
            for w in target.languages
        ],
        "cities": target.cities,
        "regions": target.regions,
        "first_seen": target.first_seen.isoformat(),
        "last_seen": target.last_seen.isoformat(),
        "adverts": target.adverts,
        "sites": target.sites,
        "mobile_numbers": target.mobile_numbers,
        "valid_numbers": target.valid_numbers,
        "messenger": target.messenger,
        "live_now": target.live_now,
        "contacted": target.contacted,
        "last_outcome": target.last_outcome,
    }


def as_json(targets: Sequence[Target]) -> str:
    return json.dumps([target_record(t) for t in targets], indent=2, ensure_ascii=False)


def as_csv(targets: Sequence[Target]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for target in targets:
        row = [
            target.target_id,
            f"{target.score:.2f}",
            "; ".join(target.reasons),
            _languages(target, detailed=True),
            ", ".join(target.cities),
            target.last_seen.isoformat(timespec="minutes"),
            target.adverts,
            target.sites,
            target.mobile_numbers,
            target.valid_numbers,
            target.messenger,
            target.live_now,
            target.last_outcome or "",
        ]
        writer.writerow([csv_safe(clean(str(cell))) for cell in row])
    return buffer.getvalue()


def as_table(targets: Sequence[Target], title: str = "Contact targets") -> Table:
    table = Table(title=title, show_lines=True)
    for name, justify in (
        ("target", "left"),
        ("score", "right"),
        ("why (top reasons)", "left"),
        ("write in", "left"),
        ("cities, last seen", "left"),
        ("ads/sites", "right"),
        ("reach", "left"),
        ("contacted", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for t in targets:
        reach = [
            f"{t.mobile_numbers}/{t.valid_numbers} mobile",
            "messenger" if t.messenger else "",
            "live" if t.live_now else "gone",
        ]
        table.add_row(
            t.target_id,
            f"{t.score:.2f}",
            "\n".join(t.reasons) or "-",
            "\n".join(f"{w.lang}: {', '.join(w.reasons[:2])}" for w in t.languages[:3]) or "-",
            f"{', '.join(t.cities[:4])}\n{t.last_seen:%Y-%m-%d %H:%M} UTC",
            f"{t.adverts}/{t.sites}",
            "\n".join(r for r in reach if r),
            t.last_outcome or "no",
        )
    return table


FORMATS: dict[str, Callable[[Sequence[Target]], str | Table]] = {
    "table": as_table,
    "csv": as_csv,
    "json": as_json,
}


def print_targets(targets: Sequence[Target], fmt: str = "table") -> None:
    """Print with the console (markup off), so advert-derived words are shown literally."""
    rendered = FORMATS[fmt](targets)
    if isinstance(rendered, Table):
        console().print(rendered)
    else:
        click.echo(rendered, nl=False)
