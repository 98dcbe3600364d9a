"""The CLI's progress line: drawn on a terminal from each report, absent in pipes and --quiet."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from pipeline.cli.progress import run_stage, shown
from pipeline.core.app import Context
from pipeline.operations.stages import Progress


def _terminal() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, force_terminal=True, width=120, color_system=None), stream


def test_progress_line_shows_stage_message_and_steps_on_a_terminal() -> None:
    out, stream = _terminal()
    with shown(out=out) as show:
        assert show is not None
        show(Progress("link", 1, 3, "clustering"))
        drawn = stream.getvalue()
        show(Progress("analyse", 0, None, "finding advert versions"))
    assert "link: clustering" in drawn and "1/3" in drawn
    assert "analyse: finding advert versions" in stream.getvalue()


def test_progress_line_is_left_out_when_quiet_or_not_a_terminal() -> None:
    out, stream = _terminal()
    with shown(quiet=True, out=out) as show:
        assert show is None
    piped = Console(file=io.StringIO(), force_terminal=False)
    with shown(out=piped) as show:
        assert show is None
    assert stream.getvalue() == ""


def test_progress_run_stage_passes_the_context_and_options_through() -> None:
    calls: list[dict[str, Any]] = []

    def stage(context: Context, *, full: bool, progress: Any) -> str:
        calls.append({"context": context, "full": full, "progress": progress})
        return "summary"

    context = Context()
    assert run_stage(stage, context, quiet=True, full=True) == "summary"
    assert calls == [{"context": context, "full": True, "progress": None}]
