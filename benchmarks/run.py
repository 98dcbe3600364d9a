"""Runs Scout's benchmarks: each prints a table and saves JSON under benchmarks/results/.

A benchmark is a module `benchmarks/bench_<name>.py` with `TITLE` and a function
`run() -> list[dict]` returning table rows. `make bench BENCH=storage` runs one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _table(title: str, rows: list[dict]) -> Table:
    table = Table(title=title)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    for column in columns:
        table.add_column(column, justify="left" if column in ("stage", "case") else "right")
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    return table


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return "" if value is None else str(value)


def main() -> int:
    wanted = os.environ.get("BENCH")
    # wide tables stay readable when the output goes to a file or a CI log
    console = Console(width=None if sys.stdout.isatty() else 220, highlight=False)
    RESULTS.mkdir(exist_ok=True)
    paths = sorted(HERE.glob("bench_*.py"))
    if wanted:
        paths = [p for p in paths if p.stem == f"bench_{wanted}"]
    if not paths:
        console.print(f"no benchmark matches {wanted!r}", markup=False)
        return 1
    for path in paths:
        module = _load(path)
        if not hasattr(module, "run"):  # a standalone script that prints and saves by itself
            module.main()  # type: ignore[attr-defined]
            continue
        started = time.perf_counter()
        rows = module.run()  # type: ignore[attr-defined]
        elapsed = time.perf_counter() - started
        console.print(_table(module.TITLE, rows))  # type: ignore[attr-defined]
        out = RESULTS / f"{path.stem.removeprefix('bench_')}.json"
        out.write_text(
            json.dumps(
                {
                    "benchmark": path.stem,
                    "title": module.TITLE,  # type: ignore[attr-defined]
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {
                        "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "platform": platform.platform(),
                    },
                    "seconds": round(elapsed, 2),
                    "peak_rss_mb": round(
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                    ),
                    "rows": rows,
                },
                indent=2,
                default=str,
            )
        )
        console.print(f"saved {out.relative_to(HERE.parent)}\n", markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
