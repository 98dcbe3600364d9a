"""The digest's charts as PNG bytes: matplotlib Agg, fixed size and metadata, so rebuilds match."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipeline.reports.digest.health import SEVERITY, SiteHealth

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

THIS, PREVIOUS = "#1f5f8b", "#b8c7d3"
STATUS_COLOURS = {
    "complete": "#4c9a5b",
    "running": "#9e9e9e",
    "incomplete": "#e0b040",
    "degraded": "#e07b39",
    "blocked": "#b03a2e",
    "failed": "#6e1f1a",
}
_STYLE: dict[RcKeyType, Any] = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "scout",
    "font.family": "DejaVu Sans",
}


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" or date chunk: the same data gives the same bytes on every rebuild.
    fig.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _empty(ax: plt.Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_xticks([])
    ax.set_yticks([])


def grouped_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    title: str,
    xlabel: str,
    empty: str = "nothing recorded",
    integer: bool = True,
) -> bytes:
    """Horizontal bars, one row per label and one bar per series (name, values, colour); the
    first series is drawn on top of each row."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(
            figsize=(7.5, max(2.2, (0.21 * max(len(series), 2)) * len(labels) + 1.3))
        )
        if not labels:
            _empty(ax, empty)
        else:
            rows = range(len(labels))
            height = 0.8 / max(len(series), 1)
            for n, (name, values, colour) in reversed(list(enumerate(series))):
                offset = -0.4 + (n + 0.5) * height
                ax.barh([r + offset for r in rows], values, height=height, color=colour, label=name)
            ax.set_yticks(list(rows), list(labels))
            ax.invert_yaxis()
            ax.set_xlabel(xlabel)
            # the default locator of a linear axis, AutoLocator, is a MaxNLocator
            cast(MaxNLocator, ax.xaxis.get_major_locator()).set_params(integer=integer)
            handles, names = ax.get_legend_handles_labels()  # drawn last first: list in order
            ax.legend(handles[::-1], names[::-1], loc="lower right", frameon=False)
        ax.set_title(title, loc="left")
        fig.tight_layout()
        return _png(fig)


def compare_bars(
    labels: Sequence[str],
    this: Sequence[int],
    previous: Sequence[int],
    title: str,
    xlabel: str,
    week_labels: tuple[str, str],
) -> bytes:
    """Horizontal bars, this week against the week before, one row per label."""
    return grouped_bars(
        labels,
        [(week_labels[0], this, THIS), (week_labels[1], previous, PREVIOUS)],
        title,
        xlabel,
        "nothing recorded in either week",
    )


def rotation_timeline(
    timelines: Sequence[tuple[str, Sequence[tuple[datetime, str]]]],
    days: Sequence[datetime],
    title: str,
) -> bytes:
    """Which city each moving cluster was seen in, day by day: rotation as a timeline."""
    with plt.rc_context(_STYLE):
        cities = sorted({city for _, points in timelines for _, city in points})
        fig, ax = plt.subplots(figsize=(7.5, max(2.6, 0.38 * len(cities) + 1.6)))
        if not timelines:
            _empty(ax, "no cluster changed city this week")
        else:
            where = {city: i for i, city in enumerate(cities)}
            colours = plt.get_cmap("tab20")
            for n, (label, points) in enumerate(timelines):
                ax.plot(
                    [p[0] for p in points],  # type: ignore[arg-type]  # dates: matplotlib converts
                    [where[p[1]] for p in points],
                    marker="o",
                    drawstyle="steps-post",
                    color=colours(n % colours.N),
                    label=label,
                )
            ax.set_yticks(range(len(cities)), cities)
            ax.set_xlim(days[0], days[-1])  # type: ignore[arg-type]  # dates, as in plot()
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
            ax.set_xlabel("day (sightings of each cluster's adverts)")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        ax.set_title(title, loc="left")
        fig.tight_layout()
        return _png(fig)


def crawl_health_bars(health: Sequence[SiteHealth], title: str) -> bytes:
    """Crawl runs per site stacked by status, worst sites on top."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.5 * len(health) + 1.4)))
        if not health:
            _empty(ax, "no crawl runs this week")
        else:
            rows = range(len(health))
            left = [0] * len(health)
            for status in reversed(SEVERITY):
                counts = [h.statuses[status] for h in health]
                if any(counts):
                    ax.barh(
                        list(rows), counts, left=left, color=STATUS_COLOURS[status], label=status
                    )
                    left = [a + b for a, b in zip(left, counts, strict=True)]
            ax.set_yticks(list(rows), [h.site for h in health])
            ax.invert_yaxis()
            ax.set_xlabel("crawl runs")
            cast(MaxNLocator, ax.xaxis.get_major_locator()).set_params(integer=True)
            ax.legend(loc="lower right", frameon=False)
        ax.set_title(title, loc="left")
        fig.tight_layout()
        return _png(fig)
