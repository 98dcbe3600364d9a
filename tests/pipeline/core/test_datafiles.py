"""The data-file loader: one message format naming file, entry, field or line, on one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, model_validator

from nlp.rules import RULES_DIR
from pipeline.core.datafiles import (
    DataFileError,
    StrictModel,
    display_path,
    load_document,
    load_entries,
)
from pipeline.core.errors import ScoutError
from pipeline.core.saferegex import SafeRegex


class Inner(StrictModel):
    css: str
    regex: SafeRegex | None = None


class Item(StrictModel):
    id: str
    weight: float = Field(ge=0, le=1)
    fields: dict[str, Inner] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _not_zero(self) -> Item:
        if self.weight == 0:
            raise ValueError("a weight of 0 does nothing")
        return self


class Document(StrictModel):
    items: list[Inner] = Field(default_factory=list)
    detail: Inner


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "things.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(call: object, *args: object) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: a\n  weight: 2\n",
         'item "a" field weight: Input should be less than or equal to 1'),
        ("- id: a\n  weight: 0.5\n  fields: {title: {css: p, regex: '(a+)+'}}\n",
         """item "a" field fields.title.regex: regex '(a+)+': nested quantifiers"""
         " are not allowed"),
        ("- id: a\n  weight: 0.5\n- id: b\n  wieght: 0.5\n",
         'item "b" field wieght: unknown field'),
        ("- id: a\n  weight: 0\n", 'item "a": a weight of 0 does nothing'),
        ("- weight: 0.5\n", "item #0 field id: Field required"),
        ("id: a\n", "expected a list of item entries"),
    ],
)  # fmt: skip
def test_datafiles_entry_file_names_file_entry_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = _file(tmp_path, text)
    assert str(_error(load_entries, path, Item, "item")) == f"{path}: {expected}"


def test_datafiles_document_names_the_nested_field(tmp_path: Path) -> None:
    path = _file(tmp_path, "detail: {css: p}\nitems:\n  - {css: a}\n  - {css: [b]}\n")
    error = _error(load_document, path, Document)
    assert str(error) == f"{path}: field items.1.css: Input should be a valid string"
    assert (error.file, error.entry, error.field) == (str(path), None, "items.1.css")


def test_datafiles_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _file(tmp_path, "detail:\n  css: p\n  regex: [unclosed\nitems: []\n")
    error = _error(load_document, path, Document)
    assert error.line == 4
    assert str(error).startswith(f"{path}: line 4: not valid YAML: ")
    assert "flow sequence at line 3" in str(error)


def test_datafiles_error_is_one_line_and_a_scout_error(tmp_path: Path) -> None:
    error = DataFileError("x.yaml", "first\nsecond", entry='rule "r"', field="a.b")
    assert str(error) == 'x.yaml: rule "r" field a.b: first second'
    assert isinstance(error, ScoutError) and error.exit_code == 1


def test_datafiles_unreadable_and_wrong_shape(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert str(_error(load_document, missing, Document)).startswith(f"{missing}: cannot read: ")
    listed = _file(tmp_path, "- css: p\n")
    assert str(_error(load_document, listed, Document)) == (
        f"{listed}: expected a mapping of fields at the top level"
    )
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"detail: \xff\n")
    assert str(_error(load_document, binary, Document)).startswith(f"{binary}: unreadable text: ")


def test_datafiles_project_files_are_named_from_the_project_root(tmp_path: Path) -> None:
    assert display_path(RULES_DIR / "youth.yaml") == "nlp/rules/youth.yaml"
    assert display_path(tmp_path / "x.yaml") == str(tmp_path / "x.yaml")


def test_datafiles_models_are_strict_and_frozen() -> None:
    inner = Inner(css="p")
    with pytest.raises(ValueError, match="frozen"):
        inner.css = "q"  # type: ignore[misc]
