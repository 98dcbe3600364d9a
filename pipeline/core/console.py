"""One way to print tables: rich, never interpreting text as markup, wide enough in pipes."""

from __future__ import annotations

import sys

from rich.console import Console

PIPE_WIDTH = 140


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    # markup=False and highlight=False: advert text is untrusted and printed literally
    return Console(file=stream, width=width, highlight=False, markup=False, emoji=False)
