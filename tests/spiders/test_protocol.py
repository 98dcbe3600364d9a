"""The crawl child-process protocol: lines written by the child read back by the parent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.stages.crawling import CrawlOutcome, exit_code
from spiders import protocol


def test_progress_line_round_trips() -> None:
    snapshot = {"site": "demo_classic", "pages": {"listing": 2}, "items": 5, "queued": None}
    stream = io.StringIO()
    protocol.emit_progress(snapshot, stream)
    line = stream.getvalue()
    assert line.startswith(protocol.PROGRESS_PREFIX) and line.endswith("\n")
    assert protocol.parse_line(line) == protocol.Message("progress", snapshot)


def test_result_line_round_trips() -> None:
    result = {"status": "degraded", "run_id": 7, "warnings": ["no adverts on page 2"]}
    stream = io.StringIO()
    protocol.emit_result(result, stream)
    assert protocol.parse_line(stream.getvalue()) == protocol.Message("result", result)


def test_other_output_is_not_a_message() -> None:
    assert protocol.parse_line("2024-05-01 12:00:00 [scrapy] INFO: Spider opened\n") is None
    assert protocol.parse_line("") is None


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("complete", 0),
        ("failed", 1),
        ("incomplete", 3),
        ("degraded", 4),
        ("blocked", 5),
        ("something new", 1),
    ],
)
def test_exit_code_per_status(status: str, code: int) -> None:
    assert protocol.exit_code_for(status) == code


def test_usage_errors_have_their_own_exit_code() -> None:
    assert protocol.USAGE_EXIT_CODE not in protocol.EXIT_CODES.values()


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([], 0),
        (["complete", "complete"], 0),
        (["complete", "incomplete", "degraded"], 4),
        (["degraded", "blocked"], 5),
        (["blocked", "failed", "complete"], 1),
    ],
)
def test_most_serious_status_decides_the_exit_code(statuses: list[str], code: int) -> None:
    assert protocol.worst_exit_code(statuses) == code
    outcomes = [CrawlOutcome("demo", s, 0, 0.0, Path("crawl.log")) for s in statuses]
    assert exit_code(outcomes) == code
