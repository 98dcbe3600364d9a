"""`scout export` end to end on the demo world: safe bytes, valid package, logged, documented."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import AuditEntry, ExportRecord
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from pipeline.reports.export import run_export
from pipeline.reports.export.schema import DOC_END, DOC_START, markdown_fields

from helpers import digest_leaks, operators

REPO = Path(__file__).resolve().parents[4]
EXPIRY_DATE = date.today() + timedelta(days=365)  # within export_max_expiry_days
EXPIRES = EXPIRY_DATE.isoformat()


def _export(out: Path, recipient: str = "Uni A", fmt: str = "csv") -> int:
    return main(
        [
            "export",
            "--recipient",
            recipient,
            "--basis",
            "Research, DPA section 10",
            "--expires",
            EXPIRES,
            "--out",
            str(out),
            "--format",
            fmt,
        ]
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_parquet_matches_csv(
    demo_world_db: Database, demo_truth: dict[str, Any], tmp_path: Path, researcher: None
) -> None:
    import pyarrow.parquet as pq

    assert _export(tmp_path / "csv") == 0
    assert _export(tmp_path / "pq", fmt="parquet") == 0
    for table in ("adverts", "clusters", "indicator_hits"):
        rows = list(csv.DictReader((tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8")))
        parquet = pq.read_table(tmp_path / "pq" / f"{table}.parquet")
        assert parquet.num_rows == len(rows)
        assert parquet.column_names == (list(rows[0]) if rows else parquet.column_names)
        values = " ".join(str(v) for column in parquet.to_pydict().values() for v in column)
        assert digest_leaks.leaks(values, demo_truth) == [], table
    package = json.loads((tmp_path / "pq" / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"] if r["format"] == "parquet"} >= {
        "adverts.parquet",
        "clusters.parquet",
        "indicator_hits.parquet",
    }


def test_export_demo_world(
    demo_world_db: Database, demo_truth: dict[str, Any], tmp_path: Path, researcher: None
) -> None:
    out = tmp_path / "uni"
    assert _export(out) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".scout-export-manifest.json",
        "README.md",
        "adverts.csv",
        "clusters.csv",
        "datapackage.json",
        "indicator_hits.csv",
        "suppression_report.csv",
    ]
    manifest = json.loads((out / ".scout-export-manifest.json").read_text())
    assert manifest["files"] == names[1:]
    package = json.loads((out / "datapackage.json").read_text())
    assert package["scout:anonymity"] == {"k": 5, "l": 2, "k_counts": "distinct clusters (persons)"}
    for path in out.iterdir():
        assert digest_leaks.leaks(path.read_text(encoding="utf-8"), demo_truth) == [], path.name
    adverts = list(csv.DictReader((out / "adverts.csv").open(encoding="utf-8")))
    assert len(adverts) > 100
    assert {"external_id", "url", "city", "stated_age", "text"}.isdisjoint(adverts[0])
    readme = (out / "README.md").read_text()
    assert "Uni A" in readme and EXPIRES in readme and "k = 5 distinct clusters" in readme
    with demo_world_db.session() as session:
        record = session.scalars(select(ExportRecord)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert record.recipient == "Uni A" and record.counts["adverts"] == len(adverts)
    assert (entry.params["k"], entry.params["l"]) == (5, 2)
    assert entry.params["recipient"] == "Uni A" and entry.reason == "Research, DPA section 10"
    # another recipient: same data, pseudonyms that cannot be joined
    assert _export(tmp_path / "ngo", "NGO B") == 0
    other = list(csv.DictReader((tmp_path / "ngo" / "adverts.csv").open(encoding="utf-8")))
    assert {r["advert"] for r in adverts}.isdisjoint({r["advert"] for r in other})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_datapackage_validates(
    demo_world_db: Database, tmp_path: Path, researcher: None
) -> None:
    frictionless = pytest.importorskip("frictionless")
    assert _export(tmp_path / "x") == 0
    report = frictionless.validate(str(tmp_path / "x" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_export_refused_when_k_cannot_be_met(
    demo_world_db: Database,
    tmp_path: Path,
    researcher: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher", export_k=1000)
    assert _export(tmp_path / "no") == 1
    assert "refused" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_export_needs_research_role(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    operators.set_operator(monkeypatch, default_role="outreach")
    assert _export(tmp_path / "no") == 3


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_docs_field_table_is_generated(
    demo_world_db: Database, tmp_path: Path, researcher: None
) -> None:
    assert _export(tmp_path / "d") == 0
    package = json.loads((tmp_path / "d" / "datapackage.json").read_text())
    doc = (REPO / "docs" / "export.md").read_text()
    current = doc[doc.index(DOC_START) : doc.index(DOC_END) + len(DOC_END)]
    assert current == markdown_fields(package), (
        "regenerate with: python -m pipeline.reports.export.docs"
    )


def _days_ahead(days: int) -> str:
    """`days` after today where the export counts its days: today in Scout's time zone
    (just before midnight UTC it is already tomorrow in Copenhagen)."""
    today = clock.now().astimezone(load_settings().tz).date()
    return (today + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [(730, False), (731, True), (None, True)],
    ids=["C13-two-years", "C13-two-years-and-a-day", "C13-9999-12-31"],
)
def test_c13_export_expiry_at_most_two_years_ahead(
    demo_world_db: Database,
    tmp_path: Path,
    researcher: None,
    capsys: pytest.CaptureFixture[str],
    ahead: int | None,
    refused: bool,
) -> None:
    expires = "9999-12-31" if ahead is None else _days_ahead(ahead)
    code = main(["export", "--recipient", "Uni A", "--basis", "Research", "--expires",
                 expires, "--out", str(tmp_path / "e")])  # fmt: skip
    err = capsys.readouterr().err
    assert (code, "export_max_expiry_days" in err) == ((1, True) if refused else (0, False))
    assert (tmp_path / "e").exists() is not refused


@pytest.mark.parametrize(
    ("k", "l_div"),
    [("2", "2"), ("4", "2"), ("10", "1")],
    ids=["rule12-k2", "rule12-k4", "rule12-l1"],
)
def test_rule12_settings_refuse_k_below_5_and_l_below_2(
    demo_world_db: Database,
    tmp_path: Path,
    researcher: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    k: str,
    l_div: str,
) -> None:
    # the operator file is held to the floors too (the environment is refused outright)
    operators.set_operator(
        monkeypatch, default_role="researcher", export_k=int(k), export_l=int(l_div)
    )
    assert _export(tmp_path / "low") == 1
    assert "invalid configuration" in capsys.readouterr().err
    assert not (tmp_path / "low").exists()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("k", "l_div"), [(2, 2), (10, 1)], ids=["rule12-floor-k", "rule12-floor-l"]
)
def test_rule12_export_floor_holds_whatever_the_settings_say(
    demo_world_db: Database, tmp_path: Path, researcher: None, k: int, l_div: int
) -> None:
    settings = load_settings().model_copy(update={"export_k": k, "export_l": l_div})
    with pytest.raises(ScoutError, match="below the floor"):
        run_export(demo_world_db, settings, "Uni A", "Research", EXPIRY_DATE, tmp_path / "f")
    assert not (tmp_path / "f").exists()
