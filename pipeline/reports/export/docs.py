"""Regenerates the field tables in docs/export.md from the datapackage schema (run as a module)."""

from __future__ import annotations

from pathlib import Path

from pipeline.reports.export.schema import DOC_END, DOC_START, datapackage, markdown_fields

DOC = Path(__file__).resolve().parents[3] / "docs" / "export.md"


def regenerate(doc: Path = DOC) -> bool:
    """Rewrite the generated section; True when the file changed."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(DOC_START), text.index(DOC_END) + len(DOC_END)
    fresh = text[:start] + markdown_fields(datapackage("csv", {}, {})) + text[end:]
    doc.write_text(fresh, encoding="utf-8")
    return fresh != text


if __name__ == "__main__":
    print("docs/export.md changed" if regenerate() else "docs/export.md up to date")
