"""Writing an export folder: tables (CSV or Parquet), datapackage.json, README and report."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.core.errors import ScoutError
from pipeline.reports.export.generalise import neutralise
from pipeline.reports.export.schema import TABLES

FORMATS = ("csv", "parquet")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def write_csv(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([_cell(row[name]) for name in fields] for row in rows)


def write_parquet(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ScoutError(
            "Parquet exports need pyarrow (pip install pyarrow); or use --format csv"
        ) from None
    columns = {name: [neutralise(row[name]) for row in rows] for name in fields}
    pq.write_table(pa.table(columns), path)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ScoutError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ScoutError(
                "Parquet exports need pyarrow (pip install pyarrow); or use --format csv"
            ) from None


def write_tables(folder: Path, fmt: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    writer = write_csv if fmt == "csv" else write_parquet
    for table, rows in tables.items():
        writer(folder / f"{table}.{fmt}", [f.name for f in TABLES[table]], rows)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
