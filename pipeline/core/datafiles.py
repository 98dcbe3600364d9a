"""The one loader for data files people edit (site, rule and linking files): fast safe YAML,
strict pydantic models, and every problem as one line naming the file, the entry and the field.

The message format (after the CLI's ``error: ``)::

    nlp/rules/youth.yaml: rule "young_age" field patterns.en.0: bad spaCy pattern: ...
    spiders/sites/x.yaml: field detail.fields.title.css: Input should be a valid string
    nlp/rules/linking/linking.yaml: line 3: not valid YAML: could not find expected ':'
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.core.errors import ScoutError

# libyaml's parser when PyYAML has it: about 10× faster (loading the rule files was a fifth
# of an incremental linking run), with the same safe constructors.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ROOT = Path(__file__).resolve().parents[2]
_PYDANTIC_PREFIX = re.compile(r"^(?:Value error|Assertion failed), ")

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every data-file model: an unknown (e.g. misspelt) field is an error; frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFileError(ScoutError):
    """A data file is unreadable or invalid; ``str()`` is one line naming file, entry, field."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        entry: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = " ".join(problem.splitlines()).strip()
        self.entry, self.field, self.line = entry, field, line
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        named = " ".join(
            part for part in (self.entry, f"field {self.field}" if self.field else None) if part
        )
        return ": ".join([*where, *([named] if named else []), self.problem])


def display_path(path: Path) -> str:
    """How messages name a file: relative to the project (`nlp/rules/x.yaml`) when inside it."""
    try:  # abspath, not resolve(): no file-system calls on the way to every rule file
        return str(Path(os.path.abspath(path)).relative_to(_ROOT))
    except ValueError:
        return str(path)


def safe_load(text: str | bytes) -> Any:
    """yaml.safe_load, faster; raises yaml.YAMLError (use `parse_yaml` for a DataFileError)."""
    return yaml.load(text, Loader=_LOADER)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(display_path(path), f"cannot read: {exc.strerror}") from exc


def parse_yaml(raw: str | bytes, file: str) -> Any:
    """The YAML document in `raw`; a syntax error names the line it is on."""
    try:
        return safe_load(raw)
    except yaml.MarkedYAMLError as exc:
        mark, problem = exc.problem_mark, exc.problem or "syntax error"
        if exc.context and exc.context_mark is not None:
            # libyaml notices an unclosed bracket where the file ends: say where it opened
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(file, f"not valid YAML: {problem}", line=line) from exc
    except yaml.reader.ReaderError as exc:  # bytes that are not UTF-8, control characters
        raise DataFileError(file, f"unreadable text: {exc.reason} at byte {exc.position}") from exc


def read_yaml(path: Path) -> Any:
    """The YAML document in a file (None when empty)."""
    return parse_yaml(read_bytes(path), display_path(path))


def _first_problem(error: ValidationError) -> tuple[str | None, str]:
    # A misspelt field also shows up as a missing one; the misspelling is the useful message.
    first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    field = ".".join(str(part) for part in first["loc"]) or None
    if first["type"] == "extra_forbidden":
        return field, "unknown field"
    return field, _PYDANTIC_PREFIX.sub("", first["msg"])


def validate(model: type[M], data: Any, file: str, entry: str | None = None) -> M:
    """`data` as `model`; the first problem becomes a DataFileError naming its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, problem = _first_problem(exc)
        raise DataFileError(file, problem, entry=entry, field=field) from exc


def load_document(path: Path, model: type[M]) -> M:
    """A file holding one mapping, validated as `model`."""
    file = display_path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(file, "expected a mapping of fields at the top level")
    return validate(model, data, file)


def entry_name(noun: str, entry: Any, position: int) -> str:
    """How a message names a list entry: `rule "young_age"`, or `rule #3` without an id."""
    name = entry.get("id") if isinstance(entry, dict) else None
    return f'{noun} "{name}"' if isinstance(name, str) else f"{noun} #{position}"


def load_entries(path: Path, model: type[M], noun: str) -> list[M]:
    """A file holding a list of entries, each validated as `model` and named by its `id`."""
    file = display_path(path)
    data = read_yaml(path)
    if not isinstance(data, list):
        raise DataFileError(file, f"expected a list of {noun} entries")
    return [
        validate(model, entry, file, entry_name(noun, entry, position))
        for position, entry in enumerate(data)
    ]
