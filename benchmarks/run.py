"""Runs Scout's benchmarks: each prints a table and saves JSON under benchmarks/results/.

A benchmark is a module `benchmarks/bench_<name>.py` with `TITLE` and a function
`run() -> list[dict]` returning table rows. `make bench BENCH=storage` runs one.
Absolute speeds swing by 2x between machines of one kind, so every table also measures a
reference in the same run (the bare library or spider a stage wraps) and shows the ratio;
the JSON records the CPU, core count and load average the run started with.
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


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("unknown" where there is none, e.g. macOS)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


def machine() -> dict[str, object]:
    """What a reader needs to tell a slow machine from a slow change: CPU, cores, load."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not available on every platform
        load = None
    return {
        "cpu_model": _cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_1_5_15_min": load,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


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
        started_on = machine()  # the load before this benchmark, not after the previous one
        console.print(
            f"{path.stem}: {started_on['cpu_model']}, {started_on['cpus']} cores, "
            f"load {started_on['load_average_1_5_15_min']}",
            markup=False,
        )
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
                    "machine": started_on,
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
