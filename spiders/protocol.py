"""How a crawl child process talks to its parent: stdout lines, and an exit code per status."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, TextIO

PROGRESS_PREFIX = "SCOUT-PROGRESS "
RESULT_PREFIX = "SCOUT-RESULT "
# The parent sets this in the child's environment; a crawl started by hand stays quiet.
PROGRESS_ENV = "SCOUT_PROGRESS"

EXIT_CODES = {"complete": 0, "incomplete": 3, "degraded": 4, "blocked": 5, "failed": 1}
USAGE_EXIT_CODE = 2
# Most serious first; not the numeric order of the codes (a failed crawl exits 1).
SEVERITY_ORDER = ("failed", "blocked", "degraded", "incomplete", "complete")


@dataclass(frozen=True)
class Message:
    """One protocol line read back: a progress snapshot or the crawl's final result."""

    kind: Literal["progress", "result"]
    data: dict[str, Any]


def emit_progress(snapshot: dict[str, Any], stream: TextIO | None = None) -> None:
    _emit(PROGRESS_PREFIX, snapshot, stream)


def emit_result(result: dict[str, Any], stream: TextIO | None = None) -> None:
    _emit(RESULT_PREFIX, result, stream)


def _emit(prefix: str, data: dict[str, Any], stream: TextIO | None) -> None:
    out = stream or sys.stdout
    out.write(prefix + json.dumps(data) + "\n")
    out.flush()  # the parent follows the crawl live


def parse_line(line: str) -> Message | None:
    """The message on one line of the child's stdout; None for anything else it printed."""
    if line.startswith(PROGRESS_PREFIX):
        return Message("progress", json.loads(line[len(PROGRESS_PREFIX) :]))
    if line.startswith(RESULT_PREFIX):
        return Message("result", json.loads(line[len(RESULT_PREFIX) :]))
    return None


def exit_code_for(status: str) -> int:
    """The child's exit code for a crawl status; an unknown status counts as failed."""
    return EXIT_CODES.get(status, EXIT_CODES["failed"])


def worst_exit_code(statuses: Iterable[str]) -> int:
    """The exit code of the most serious status (complete when there is none)."""
    seen = set(statuses)
    worst = next((status for status in SEVERITY_ORDER if status in seen), "complete")
    return EXIT_CODES[worst]
