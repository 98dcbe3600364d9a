"""The digest of the demo world: self-contained, rebuilt byte for byte, no contact data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli.main import main
from pipeline.core.app import App
from pipeline.core.db import Database
from pipeline.reports.digest import write_digest

from helpers import digest_leaks, operators

HEADINGS = (
    "Clusters: what changed",
    "Adverts: new and gone per site and region",
    "Contact targets and outreach",
    "Indicators and their change",
    "Languages",
    "Rotation between cities",
    "Crawl health per site",
)


def test_digest_page_of_demo_world(
    demo_world_db: Database, demo_truth: dict[str, Any], tmp_path: Path
) -> None:
    first = write_digest(App(), "2026-W46", tmp_path / "a")
    again = write_digest(App(), "2026-W46", tmp_path / "b")
    assert first.name == "digest-2026-W46.html"
    assert first.read_bytes() == again.read_bytes()  # idempotent for the same data
    page = first.read_text()
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in page
    assert len(re.findall(r'<img class="chart" alt="[^"]+" src="data:image/png;base64,', page)) == 6
    assert re.search(r"(src|href)=\"(?!data:)", page) is None  # nothing loaded from elsewhere
    assert digest_leaks.leaks(page, demo_truth) == []
    assert ">classic<" in page and ">spa<" in page  # the demo world's sites, by their names


def test_digest_default_week_is_newest_crawl(
    demo_world_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher")
    assert main(["digest", "--out", str(tmp_path)]) == 0
    assert "digest-2026-W46.html" in capsys.readouterr().out  # day 13 is 2026-11-15, week 46
    assert (tmp_path / "digest-2026-W46.html").is_file()


def test_digest_command_refuses_bad_week(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher")
    assert main(["digest", "--week", "2026-W99", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: 2026 has no ISO week 99")


def test_digest_of_empty_database_still_renders(database: Database, tmp_path: Path) -> None:
    page = write_digest(App(), "2026-W44", tmp_path).read_text()
    assert "No crawl runs this week." in page and page.count("data:image/png;base64,") == 6
