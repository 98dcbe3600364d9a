"""The digest as one self-contained HTML page: Jinja2 (autoescaped), charts inlined as base64."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import datetime, time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.reports.digest import charts
from pipeline.reports.digest.data import CLINIC_MIN_COUNT, EVENT_KINDS, DigestData

TEMPLATES = Path(__file__).parent / "templates"
EVENT_TITLES = {
    "created": "new clusters",
    "grew": "grew",
    "merged": "merged",
    "split": "split",
    "moved": "moved city",
    "new_contact": "new contact point",
    "vanished": "vanished",
    "reappeared": "reappeared",
}


def report_environment(*folders: Path) -> Environment:
    """Jinja2 for a self-contained report page: autoescaped, templates from `folders` and
    then the digest's own (its shared `_report_style.html`)."""
    return Environment(
        loader=FileSystemLoader([*folders, TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _environment() -> Environment:
    env = report_environment()
    env.filters["delta"] = delta
    env.filters["percent"] = percent
    return env


def delta(this: int, previous: int) -> str:
    """A change as people read it: +3, −2 (a real minus sign) or ±0."""
    change = this - previous
    return f"+{change}" if change > 0 else (f"\u2212{-change}" if change < 0 else "\u00b10")


def percent(value: object) -> str:
    """A share as a whole percentage; a hidden cell as it is marked (<5); none as a dash."""
    if isinstance(value, float):
        return f"{round(value * 100)} %"
    return "\u2013" if value is None else str(value)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _charts(data: DigestData) -> dict[str, str]:
    weeks = (data.week.label, data.previous.label)
    regions: Counter[str] = Counter()
    gone: Counter[str] = Counter()
    for _, region, new, went in data.adverts_by_site_region:
        regions[region] += new
        gone[region] += went
    region_labels = sorted(set(regions) | set(gone))
    kinds = [EVENT_TITLES[k] for k in EVENT_KINDS]
    days = [datetime.combine(d, time(0), data.week.tz) for d in data.week.days()]
    days.append(datetime.combine(data.week.next().monday, time(0), data.week.tz))
    return {
        name: data_uri(png)
        for name, png in {
            "events": charts.compare_bars(
                kinds,
                [data.events[k][0] for k in EVENT_KINDS],
                [data.events[k][1] for k in EVENT_KINDS],
                "Cluster changes",
                "clusters",
                weeks,
            ),
            "adverts": charts.compare_bars(
                region_labels,
                [regions[r] for r in region_labels],
                [gone[r] for r in region_labels],
                f"Adverts new and gone by region, {data.week.label}",
                "adverts",
                ("new", "gone"),
            ),
            "indicators": charts.compare_bars(
                [i[0] for i in data.indicators],
                [i[2] for i in data.indicators],
                [i[3] for i in data.indicators],
                "Indicators: adverts showing each sign",
                "live adverts",
                weeks,
            ),
            "languages": charts.compare_bars(
                [lang[0] for lang in data.languages],
                [lang[1] for lang in data.languages],
                [lang[2] for lang in data.languages],
                "Languages of live adverts",
                "live adverts",
                weeks,
            ),
            "rotation": charts.rotation_timeline(
                data.timelines, days, "Rotation: clusters that changed city"
            ),
            "health": charts.crawl_health_bars(data.health, "Crawl runs per site by status"),
        }.items()
    }


def render_digest(data: DigestData) -> str:
    """The whole page; the same data always gives the same text."""
    context: dict[str, Any] = {
        "data": data,
        "charts": _charts(data),
        "event_titles": EVENT_TITLES,
        "event_kinds": EVENT_KINDS,
        "clinic_min": CLINIC_MIN_COUNT,
        "first_day": data.week.days()[0].isoformat(),
        "last_day": data.week.days()[-1].isoformat(),
    }
    return _environment().get_template("digest.html").render(context)
