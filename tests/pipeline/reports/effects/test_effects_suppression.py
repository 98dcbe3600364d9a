"""Small cells: every count under the minimum is hidden and marked in the tables, the CSV and
the page, and a month that could be found by subtraction is hidden with it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import Cluster, ContactLogEntry
from pipeline.core.app import App
from pipeline.core.db import Database
from pipeline.reports.effects import make_effects
from pipeline.reports.privacy import Hidden, count, protect, share, split

H = Hidden(5)
OCTOBER = [("reached", 3), ("referred", 2), ("no-answer", 1)]


def _fill(database: Database) -> None:
    first = datetime(2026, 10, 5, 12, tzinfo=UTC)
    with database.session() as session:
        clusters = [
            Cluster(first_seen=first, last_seen=datetime(2026, 11, 20, tzinfo=UTC), score=2.0)
            for _ in range(7)
        ]
        session.add_all(clusters)
        session.flush()
        outcomes = [outcome for outcome, n in OCTOBER for _ in range(n)]
        entries = [
            (cluster, datetime(2026, 10, 10 + n, 11, tzinfo=UTC), outcome)
            for n, (cluster, outcome) in enumerate(zip(clusters[:6], outcomes, strict=True))
        ]
        entries += [
            (clusters[0], datetime(2026, 11, 3, 11, tzinfo=UTC), "referred"),
            (clusters[6], datetime(2026, 11, 4, 11, tzinfo=UTC), "declined"),
        ]
        session.add_all(
            ContactLogEntry(
                target=f"C{c.id}", cluster_id=c.id, at=at, actor="w1", outcome=o, language="da"
            )
            for c, at, o in entries
        )


def test_small_cells_hidden_and_protected(database: Database, tmp_path: Path) -> None:
    _fill(database)
    result = make_effects(App(), "2026-10-01", "2026-11-30", out=tmp_path)
    funnel = result.data.funnel
    assert funnel.cell(("period", "escort"), "listed") == 7
    assert funnel.cell(("period", "escort"), "contacted") == 7
    assert funnel.cell(("2026-11", "escort"), "contacted") == H  # 2
    assert funnel.cell(("2026-10", "escort"), "contacted") == H  # 6, but 7 − 6 would show 1
    assert funnel.cell(("2026-10", "escort"), "reached") == H  # 5, hidden beside November's 2
    assert funnel.cell(("period", "escort"), "referred") == H  # 3
    assert funnel.cell(("2026-11", "escort"), "listed") == 7
    csv = (result.folder / "funnel.csv").read_text().splitlines()
    assert csv[1:] == [
        "2026-10,escort,7,0,<5,<5,<5,0,0,0,0,0",
        "2026-11,escort,7,0,<5,<5,<5,0,0,0,0,<5",
        "period,escort,7,0,7,6,<5,0,0,0,0,<5",
    ]
    page = result.page.read_text()
    assert '<td class="num hidden">&lt;5</td>' in page
    assert "every count under 5 is hidden" in page
    workload = result.data.workload
    assert workload.cell(("period", "escort"), "worker_days") == 8
    assert workload.cell(("2026-11", "escort"), "contacts_per_worker_day") == H


def test_count_share_and_protect() -> None:
    assert [count(n, 5) for n in (0, 1, 4, 5)] == [0, H, H, 5]
    assert share(H, 10) == H and share(3, H) == H and share(0, 0) is None
    assert share(5, 8) == 0.625
    assert split(20, 17, 5) == (H, H)  # 3 would be 20 − 17
    assert split(20, 3, 5) == (H, H) and split(20, 15, 5) == (15, 5) and split(6, 6, 5) == (6, 0)
    rows: list[list[object]] = [["a", 3], ["b", 9], ["c", 6], ["d", 0]]
    rows[0][1] = count(3, 5)
    protect(rows, 1, 5)  # type: ignore[arg-type]
    assert [row[1] for row in rows] == [H, 9, H, 0]
    two: list[list[object]] = [["a", H], ["b", H], ["c", 7]]
    protect(two, 1, 5)  # type: ignore[arg-type]
    assert [row[1] for row in two] == [H, H, 7]  # two hidden already: nothing to add


@pytest.mark.parametrize("minimum", [5, 10])
def test_minimum_is_a_setting(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimum: int
) -> None:
    monkeypatch.setenv("SCOUT_EFFECTS_MIN_COUNT", str(minimum))
    _fill(database)
    result = make_effects(App(), "2026-10-01", "2026-11-30", out=tmp_path)
    expected = 7 if minimum == 5 else Hidden(10)
    assert result.data.funnel.cell(("period", "escort"), "contacted") == expected
