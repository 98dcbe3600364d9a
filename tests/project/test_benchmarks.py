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


@pytest.mark.slow  # stores, analyses and links ten adverts
def test_benchmarks_fill_copies_the_base_with_contact_points_of_each_copys_own(
    database, db_url: str
) -> None:
    from sqlalchemy import text

    from pipeline.core import clock
    from pipeline.core.settings import load_settings
    from pipeline.stages.linking.run import link_database

    fill = _load("fill")
    if database.engine.dialect.name == "sqlite":
        with pytest.raises(ValueError, match="PostgreSQL"):
            fill.fill(database, load_settings(), 30, base=10)
        return
    try:
        filled = fill.fill(database, load_settings(), 30, base=10)
        assert (filled.adverts, filled.base, filled.copies) == (30, 10, 2)
        with database.engine.connect() as connection:

            def count(sql: str) -> int:
                return connection.execute(text(sql)).scalar_one()

            points = connection.execute(
                text("SELECT id, kind, value, pseudonym FROM contact_points")
            ).all()
            # each copy's own: adverts of two copies never share a contact point
            shared = count(
                "SELECT count(*) FROM advert_contacts x JOIN advert_contacts y "
                "ON x.contact_point_id = y.contact_point_id JOIN adverts a ON a.id = x.advert_id "
                "JOIN adverts b ON b.id = y.advert_id WHERE "
                "split_part(a.external_id, '~', 2) <> split_part(b.external_id, '~', 2)"
            )
            per_copy = [
                count(f"SELECT count(*) FROM {table}")
                for table in ("clusters", "indicator_hits", "advert_versions", "image_hashes")
            ]
            watermark = count("SELECT last_version_id FROM link_state")
            newest = count("SELECT max(id) FROM advert_versions")
        values = [
            (kind, database.keyring.unseal(bytes(value)).decode()) for _, kind, value, _ in points
        ]
        assert len(set(values)) == len(points) > 10  # fmt: skip
        assert [row[3] for row in points] == [database.keyring.pseudonym(*v) for v in values]
        assert shared == 0
        assert all(number and number % 3 == 0 for number in per_copy), per_copy
        assert watermark == newest  # the copies count as linked
        again = link_database(database, load_settings())  # incremental: nothing new
        assert (again.full, again.searched, again.signed) == (False, 0, 0), again
    finally:
        clock.set_now(None)
