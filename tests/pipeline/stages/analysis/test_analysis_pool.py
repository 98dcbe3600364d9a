"""`analyse` with a process pool stores exactly the rows one process stores, on both engines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from models import AdvertVersion, IndicatorHit
from pipeline.core.db import Database
from pipeline.stages import analysis
from pipeline.stages.analysis import analyse


def _stored(database: Database) -> tuple[list[tuple], list[tuple]]:
    """Every version's analysis and every hit, without ids and times that differ per run."""
    with database.session() as session:
        versions = session.execute(
            select(AdvertVersion.id, AdvertVersion.language, AdvertVersion.analysis,
                   AdvertVersion.analysed_ruleset).order_by(AdvertVersion.id)
        ).all()  # fmt: skip
        hits = session.execute(
            select(IndicatorHit.version_id, IndicatorHit.rule_id, IndicatorHit.category,
                   IndicatorHit.weight, IndicatorHit.evidence)
        ).all()  # fmt: skip
    ordered = sorted((*h[:4], json.dumps(h[4], sort_keys=True)) for h in hits)
    return [tuple(v) for v in versions], ordered


@pytest.fixture
def pool_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process count each `analyse` run chose."""
    chosen: list[int] = []
    real = analysis.analyse_batches

    def spy(chunks: Any, workers: int, rules_dir: Any, kind: str = "escort") -> Any:
        chosen.append(workers)
        return real(chunks, workers, rules_dir, kind)

    monkeypatch.setattr(analysis, "analyse_batches", spy)
    return chosen


@pytest.mark.subprocess  # a pool of two spawned processes
def test_analysis_pool_stores_the_same_rows(
    database: Database, stored_sample: dict[str, Any], pool_sizes: list[int], monkeypatch
) -> None:
    monkeypatch.setattr(analysis, "POOL_MIN_VERSIONS", 10)
    monkeypatch.setattr(analysis, "CHUNK", 20)  # several chunks in flight
    alone = analyse(database, workers=1)
    one_process = _stored(database)
    pooled = analyse(database, everything=True, workers=2)
    assert pool_sizes == [1, 2]
    assert pooled.versions == alone.versions > 10
    assert (pooled.hits_by_rule, pooled.languages) == (alone.hits_by_rule, alone.languages)
    counts = [(s.empty, s.no_words, s.markup, s.truncated) for s in (pooled, alone)]
    assert counts[0] == counts[1]
    assert _stored(database) == one_process


def test_analysis_small_backlog_stays_in_one_process(
    database: Database, stored_sample: dict[str, Any], pool_sizes: list[int]
) -> None:
    summary = analyse(database, workers=2)
    assert summary.versions < analysis.POOL_MIN_VERSIONS
    assert pool_sizes == [1]


def test_analysis_workers_default_to_the_setting(
    database: Database, stored_sample: dict[str, Any], pool_sizes: list[int], monkeypatch
) -> None:
    monkeypatch.setattr(analysis, "POOL_MIN_VERSIONS", 10)
    monkeypatch.setattr(database, "settings", database.settings.model_copy(
        update={"analyse_workers": 1}))  # fmt: skip
    analyse(database)
    assert pool_sizes == [1]
