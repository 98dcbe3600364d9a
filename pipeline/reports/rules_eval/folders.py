"""The server-side folders the web's Rules page may use: candidate rule folders and label
files under the data dir, chosen by name from a list (never a path typed in a browser)."""

from __future__ import annotations

import re
from pathlib import Path

from nlp.rules import RULES_DIR
from pipeline.core.settings import Settings

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def live_folder() -> Path:
    """The rule folder `scout link` scores with (the bundled rules)."""
    return RULES_DIR


def candidates_dir(settings: Settings) -> Path:
    return settings.data_dir / "rule-candidates"


def labels_dir(settings: Settings) -> Path:
    return settings.data_dir / "labels"


def candidate_folders(settings: Settings) -> list[str]:
    """Names of the candidate rule folders (sub-folders of <data_dir>/rule-candidates)."""
    folder = candidates_dir(settings)
    found = folder.iterdir() if folder.is_dir() else []
    return sorted(p.name for p in found if p.is_dir() and _NAME.match(p.name))


def label_files(settings: Settings) -> list[str]:
    """Names of the JSON-lines label files in <data_dir>/labels."""
    folder = labels_dir(settings)
    found = folder.glob("*.jsonl") if folder.is_dir() else []
    return sorted(p.name for p in found if p.is_file() and _NAME.match(p.name))


def candidate_folder(settings: Settings, name: str) -> Path | None:
    """The folder of a listed candidate; None for any name not in the list."""
    return candidates_dir(settings) / name if name in candidate_folders(settings) else None


def label_file(settings: Settings, name: str) -> Path | None:
    """The path of a listed label file; None for any name not in the list."""
    return labels_dir(settings) / name if name in label_files(settings) else None
