"""The report's figures as tables: one definition feeds the HTML, the CSV files and
datapackage.json (a Frictionless tabular data package; hidden cells are `<5`, declared as a
missing value)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pipeline.reports.privacy import Hidden, Value


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless field type: string, integer, number
    description: str


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)

    def column(self, name: str) -> list[Value]:
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]

    def cell(self, key: tuple[str, ...], name: str) -> Value:
        """The value in `name` of the row whose first columns are `key`."""
        index = [c.name for c in self.columns].index(name)
        for row in self.rows:
            if tuple(row[: len(key)]) == key:
                return row[index]
        raise KeyError(key)


def text(value: Value) -> str:
    """A cell as written to CSV and shown in HTML: hidden as <5, a share as 0.25, none empty."""
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows([text(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def datapackage(tables: list[Table], minimum: int, meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "scout-effects",
        "profile": "tabular-data-package",
        **meta,
        "resources": [
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": table.title,
                "description": table.description,
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "description": c.description}
                        for c in table.columns
                    ],
                    "missingValues": ["", f"<{minimum}"],
                },
            }
            for table in tables
        ],
    }
