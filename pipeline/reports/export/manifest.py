"""The list of files Scout wrote into an export folder, so a purge removes those and no other."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

MANIFEST = ".scout-export-manifest.json"


def write_manifest(folder: Path) -> None:
    """Record every file now in the (new) export folder as Scout's own."""
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST)
    data = {"written_by": "scout export", "files": names}
    (folder / MANIFEST).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _listed(folder: Path) -> list[str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    # Plain names only: an edited manifest must not reach outside the folder.
    return [n for n in files or [] if isinstance(n, str) and n == Path(n).name and n[0] != "."]


def remove_export(folder: Path) -> int:
    """Delete the files the manifest lists, then the manifest, then the folder if empty.

    Files a user put into the folder stay, and so does the folder; returns files deleted."""
    deleted = 0
    for name in _listed(folder):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            deleted += 1
    (folder / MANIFEST).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only succeeds when nothing else is left
    return deleted
