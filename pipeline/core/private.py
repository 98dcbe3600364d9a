"""Private folders and files for personal data (PRIVACY rule 3): 0700 folders, 0600 files."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

_warned: set[Path] = set()


def private_folder(path: Path) -> Path:
    """Create the folder (and missing parents) 0700; an existing one is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_private_text(path: Path, text: str) -> Path:
    """Write a file only its owner can read (0600), also when it existed with a looser mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def warn_if_open(folder: Path) -> bool:
    """One line on stderr, once per process, when a data folder is open to others."""
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError:
        return False
    resolved = folder.resolve()
    if not mode & 0o077 or resolved in _warned:
        return False
    _warned.add(resolved)
    print(
        f"warning: data folder {folder} is open to others (mode {mode:o}); "
        f"it holds personal data: run chmod 700 {folder}",
        file=sys.stderr,
    )
    return True
