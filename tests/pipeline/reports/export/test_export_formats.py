"""Export formats come from one registry: its names are the CLI's choices, an unknown name is
one clear error, and a newly registered format is what `run_export` writes."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import AuditEntry
from pipeline.cli.commands.export import export_command
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from pipeline.reports.export import run_export, writer

from helpers import operators

EXPIRES = date.today() + timedelta(days=365)  # within export_max_expiry_days


def test_export_formats_registry_lists_csv_and_parquet_as_the_cli_choices() -> None:
    assert {"csv", "parquet"} <= set(writer.format_names())
    option = next(p for p in export_command.params if p.name == "fmt")
    assert list(option.type.choices) == writer.format_names()  # type: ignore[attr-defined]
    assert writer.export_format("csv").write is writer.write_csv
    assert writer.export_format("parquet").write is writer.write_parquet


def test_export_formats_unknown_name_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    operators.set_operator(monkeypatch, default_role="researcher")
    with pytest.raises(ScoutError, match=r"^unknown export format 'xml'; use one of csv, parquet$"):
        writer.export_format("xml")
    out = tmp_path / "x"
    code = main(["export", "--recipient", "Uni A", "--basis", "Research", "--expires",
                 EXPIRES.isoformat(), "--out", str(out), "--format", "xml"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "'xml' is not one of 'csv', 'parquet'" in err
    assert not out.exists()


def _write_tsv(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        table = csv.writer(handle, delimiter="\t", lineterminator="\n")
        table.writerow(fields)
        table.writerows([row[name] for name in fields] for row in rows)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_export_formats_a_registered_format_is_written_by_run_export(
    demo_world_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "FORMATS", dict(writer.FORMATS))  # registered for this test
    writer.register_format("tsv", resource={"mediatype": "text/tab-separated-values"})(_write_tsv)
    # the demo world holds 32 persons: the operator lowers k to its floor
    operators.set_operator(monkeypatch, default_role="researcher", export_k=5)
    out = tmp_path / "tsv"
    result = run_export(demo_world_db, load_settings(), "Uni A", "Research", EXPIRES, out, "tsv")
    assert sorted(p.name for p in out.glob("*.tsv")) == [
        "adverts.tsv",
        "clusters.tsv",
        "indicator_hits.tsv",
        "suppression_report.tsv",
    ]
    adverts = list(csv.DictReader((out / "adverts.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert len(adverts) == result.counts["adverts"] > 0
    package = json.loads((out / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "adverts")
    assert resource["path"] == "adverts.tsv" and resource["format"] == "tsv"
    assert resource["mediatype"] == "text/tab-separated-values"
    with demo_world_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.params["format"] == "tsv"
