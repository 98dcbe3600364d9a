"""Benchmarks are not tests, but each must import and its in-run references must run."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    path = BENCH / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"{path} not present (running outside a checkout)")
    spec = importlib.util.spec_from_file_location(f"smoke_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted(BENCH.glob("bench_*.py")), ids=lambda p: p.stem)
def test_benchmarks_each_module_imports_with_a_title(path: Path) -> None:
    module = _load(path.stem)
    assert hasattr(module, "run") and module.TITLE


@pytest.mark.subprocess  # the machine block asks uname
def test_benchmarks_machine_block_names_cpu_cores_and_load() -> None:
    block = _load("run").machine()
    assert {"cpu_model", "cpus", "load_average_1_5_15_min", "python", "platform"} <= set(block)
    assert block["cpus"] >= 1 and block["cpu_model"]


@pytest.mark.slow
def test_benchmarks_nlp_components_and_references_run_on_20_texts() -> None:
    bench = _load("bench_nlp")
    rows = bench.component_split(bench.demo_texts(20))
    assert [row["stage"].strip() for row in rows] == [
        "tokenizer", "scout_contacts", "scout_language", "scout_fields", "scout_indicators",
    ]  # fmt: skip
    assert all(row["reference_ms"] > 0 and row["x reference"] > 0 for row in rows)


@pytest.mark.subprocess  # the previous version comes from git
def test_benchmarks_nlp_previous_version_missing_is_said_not_raised(tmp_path: Path) -> None:
    reason = _load("bench_nlp").previous_tree(tmp_path, "0" * 40)
    assert reason and "not in this checkout" in reason


def test_benchmarks_linking_minhash_reference_runs() -> None:
    reference = _load("bench_linking").minhash_reference(20)
    assert reference["adverts"] == 20 and reference["ms_per_advert"] > 0


def test_benchmarks_linking_row_counts_links_and_clusters() -> None:
    row = _load("bench_linking").measure(400)
    assert row["adverts"] == 400 and row["links"] > 0
    assert 0 < row["clusters"] < 404  # 1 % more adverts come as the day's new ones
    assert 0 < row["precision"] <= 1 and 0 < row["recall"] <= 1


def test_benchmarks_language_speed_has_its_reference() -> None:
    bench = _load("bench_language")
    row = bench.speed("py3langid", bench.adverts(5))
    assert row["raw_docs_per_cpu_s"] > 0 and row["scout x raw"] > 0
