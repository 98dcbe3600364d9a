"""Regenerates the field tables in docs/export.md from the datapackage schema (run as a module)."""

from __future__ import annotations

from pathlib import Path

from pipeline.reports.export.schema import (
    CLINIC_DOC_END,
    CLINIC_DOC_START,
    DOC_END,
    DOC_START,
    JOB_DOC_END,
    JOB_DOC_START,
    datapackage,
    markdown_fields,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "export.md"


def regenerate(doc: Path = DOC) -> bool:
    """Rewrite the generated section; True when the file changed."""
    text = fresh = doc.read_text(encoding="utf-8")
    for kind, first, last in (
        ("escort", DOC_START, DOC_END),
        ("job", JOB_DOC_START, JOB_DOC_END),
        ("clinic", CLINIC_DOC_START, CLINIC_DOC_END),
    ):
        start, end = fresh.index(first), fresh.index(last) + len(last)
        fields = markdown_fields(datapackage("csv", {}, {}, kind), first, last)
        fresh = fresh[:start] + fields + fresh[end:]
    doc.write_text(fresh, encoding="utf-8")
    return fresh != text


if __name__ == "__main__":
    print("docs/export.md changed" if regenerate() else "docs/export.md up to date")
