"""Scout's scheduler, as a script: `python scheduler.py` is `scout schedule run`.

Thin on purpose: the loop is `pipeline/operations/scheduler_loop.py` and the jobs are
`pipeline/operations/jobs.py`. Going through the CLI gives the same one-line errors and
the same role check as `scout schedule run`.
"""

from __future__ import annotations

import sys

from pipeline.cli.main import main as cli_main


def main() -> int:
    return cli_main(["schedule", "run", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
