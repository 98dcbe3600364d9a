"""Writing an export folder: tables in a registered format (CSV, Parquet), datapackage.json.

A format is a function that writes one table to a file, registered under its name (the
file extension and `scout export --format` choice) with `register_format`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.errors import ScoutError
from pipeline.reports.export.generalise import neutralise
from pipeline.reports.export.schema import KIND_TABLES

TableWriter = Callable[[Path, Sequence[str], Sequence[dict[str, Any]]], None]


@dataclass(frozen=True)
class ExportFormat:
    """A table format: its writer and extra datapackage keys."""

    name: str
    write: TableWriter
    resource: Mapping[str, str] = field(default_factory=dict)


FORMATS: dict[str, ExportFormat] = {}


def register_format(
    name: str, resource: Mapping[str, str] | None = None
) -> Callable[[TableWriter], TableWriter]:
    """Register the decorated table writer as export format `name`."""

    def register(write: TableWriter) -> TableWriter:
        FORMATS[name] = ExportFormat(name, write, dict(resource or {}))
        return write

    return register


def format_names() -> list[str]:
    return sorted(FORMATS)


def export_format(name: str) -> ExportFormat:
    """The registered format `name`, checked before anything is written."""
    found = FORMATS.get(name)
    if found is None:
        raise ScoutError(
            f"unknown export format {name!r}; use one of {', '.join(format_names())}",
            code="export-format",
            formats=", ".join(format_names()),
        )
    return found


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


@register_format("csv", resource={"mediatype": "text/csv", "encoding": "utf-8"})
def write_csv(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([_cell(row[name]) for name in fields] for row in rows)


@register_format("parquet")
def write_parquet(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    # imported here: pyarrow takes a while to load and most exports are CSV
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [neutralise(row[name]) for row in rows] for name in fields}
    pq.write_table(pa.table(columns), path)


def write_tables(
    folder: Path, fmt: str, tables: dict[str, list[dict[str, Any]]], kind: str = "escort"
) -> None:
    """Write each table as `<table>.<fmt>` with the fields the schema lists, in its order."""
    write = export_format(fmt).write
    for table, rows in tables.items():
        write(folder / f"{table}.{fmt}", [f.name for f in KIND_TABLES[kind][table]], rows)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
