"""A stage's progress as one live line on stderr while it runs (in a terminal; pipes get none)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from rich.console import Console, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.operations.stages import Progress, ProgressCallback

T = TypeVar("T")


class _Latest:
    """Renders the latest report: stage and message, a bar, steps done, time taken."""

    def __init__(self) -> None:
        self.report: Progress | None = None
        self.started = time.monotonic()

    def __rich__(self) -> RenderableType:
        if self.report is None:
            return Text("starting")
        report = self.report
        seconds = int(time.monotonic() - self.started)
        steps = f"{report.done}/{report.total}" if report.total is not None else str(report.done)
        line = Table.grid(padding=(0, 1))
        line.add_column(no_wrap=True, overflow="ellipsis")  # one line, whatever the width
        line.add_column(width=30)
        line.add_column(no_wrap=True)
        line.add_row(
            Text(f"{report.stage}: {report.message}"),
            ProgressBar(total=report.total, completed=report.done, width=30),
            Text(f"{steps}  {seconds // 60}:{seconds % 60:02d}"),
        )
        return line


@contextmanager
def shown(quiet: bool = False, out: Console | None = None) -> Iterator[ProgressCallback | None]:
    """A progress callback that keeps one line on stderr up to date (None when `quiet` or
    stderr is not a terminal, so logs and pipes see only the commands' own output)."""
    out = out or console(stderr=True)
    if quiet or not out.is_terminal:
        yield None
        return
    latest = _Latest()
    with Live(latest, console=out, transient=True, refresh_per_second=4) as live:

        def show(report: Progress) -> None:
            latest.report = report
            live.refresh()

        yield show


def run_stage(stage: Callable[..., T], context: Context, quiet: bool = False, **options: Any) -> T:
    """Call a stage function of `pipeline.operations.stages` with its progress shown."""
    with shown(quiet) as progress:
        return stage(context, progress=progress, **options)
