"""The effects report as one self-contained HTML page: Jinja2 (autoescaped), the digest's
chart code, charts inlined as data: URIs, no script and no external resource."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment

from pipeline.reports.digest import charts
from pipeline.reports.digest.render import data_uri, report_environment
from pipeline.reports.effects.figures import STAGE_TITLES, STAGES, EffectsData
from pipeline.reports.effects.summary import LANGUAGES, summary
from pipeline.reports.effects.tables import text
from pipeline.reports.privacy import Hidden, plain

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_AS_ZERO = " (a hidden count, under the minimum, is drawn as 0)"
PALETTE = ("#1f5f8b", "#4c9a5b", "#e0b040", "#b03a2e", "#7a5195", "#9e9e9e")


def _environment() -> Environment:
    env = report_environment(TEMPLATES)
    env.filters["cell"] = text
    env.tests["hidden"] = lambda value: isinstance(value, Hidden)
    return env


def _charts(data: EffectsData) -> dict[str, str]:
    found: dict[str, bytes] = {}
    for kind in data.kinds:
        months = [row for row in data.funnel.rows if row[1] == kind and row[0] != "period"]
        found[f"funnel-{kind}"] = charts.grouped_bars(
            [STAGE_TITLES[s] for s in STAGES],
            [
                (str(row[0]), [plain(v) for v in row[2:]], PALETTE[n % len(PALETTE)])
                for n, row in enumerate(months)
            ],
            f"Outreach funnel per month ({kind})",
            f"targets{HIDDEN_AS_ZERO}",
        )
    weekly = data.adverts_weekly.rows
    found["adverts"] = charts.grouped_bars(
        [f"{row[0]} {row[1]}" if len(data.kinds) > 1 else str(row[0]) for row in weekly],
        [
            ("new", [plain(row[2]) for row in weekly], PALETTE[0]),
            ("live", [plain(row[3]) for row in weekly], PALETTE[5]),
        ],
        "Adverts per week",
        f"adverts{HIDDEN_AS_ZERO}",
    )
    found["languages"] = charts.grouped_bars(
        [
            f"{row[0]} {row[1]}" if len(data.kinds) > 1 else str(row[0])
            for row in data.languages.rows
        ],
        [("adverts", [plain(row[2]) for row in data.languages.rows], PALETTE[0])],
        "Languages of the adverts seen",
        f"adverts{HIDDEN_AS_ZERO}",
    )
    indicators = data.indicators.rows
    found["indicators"] = charts.grouped_bars(
        [str(row[0]) for row in indicators],
        [
            ("referred", [plain(row[2]) for row in indicators], PALETTE[1]),
            ("declined / opted out", [plain(row[3]) for row in indicators], PALETTE[3]),
        ],
        "Indicators against outcomes",
        f"adverts with the sign{HIDDEN_AS_ZERO}",
        "no referral, refusal or opt-out recorded in the period",
    )
    coverage = data.coverage.rows
    found["coverage"] = charts.grouped_bars(
        [str(row[0]) for row in coverage],
        [
            (status, [plain(row[n]) for row in coverage], charts.STATUS_COLOURS[status])
            for n, status in ((2, "complete"), (3, "degraded"), (4, "blocked"))
        ],
        "Crawl coverage: share of runs per site",
        "share of crawl runs",
        "no crawl runs in the period",
        integer=False,
    )
    return {name: data_uri(png) for name, png in found.items()}


def render_effects(data: EffectsData, title: str) -> str:
    """The whole page; the same data always gives the same text."""
    context: dict[str, Any] = {
        "data": data,
        "title": title,
        "charts": _charts(data),
        "summaries": {lang: summary(data, lang) for lang in LANGUAGES},
    }
    return _environment().get_template("effects.html").render(context)
