"""The top-20 criterion on a demo world with 25 controllers (both engines), through the CLI:
`scout link` then `scout evaluate --controllers 25 --independents 40`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from demo import build_world
from models import Score
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.stages.linking.evaluation import evaluate_clusters

from helpers.linking_world import load_world


@pytest.mark.slow
def test_linking_top_20_are_controlled_on_a_25_controller_world(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = build_world(seed=7, n_controllers=25, n_independent=40).ground_truth()
    clock.set_now(datetime(2026, 11, 15, 13, tzinfo=UTC))  # the evening of day 13
    load_world(database, truth, up_to_day=13)
    assert main(["link"]) == 0
    summary = capsys.readouterr().out
    assert "Linking (incremental, rule set" in summary and "contact targets" in summary
    assert "adverts held to search them" in summary
    assert main(["evaluate", "--controllers", "25", "--independents", "40"]) == 0
    table = capsys.readouterr().out
    assert "25 controllers, 40 independent workers" in table
    with database.session() as session:
        accuracy = evaluate_clusters(session, truth)
        versions = set(session.scalars(select(Score.ruleset_version)))
    assert f"{accuracy.top_controlled} of 20" in table
    # The criterion: of the 20 highest-scored active clusters ≥ 18 truly controlled,
    # and no cluster of an independent worker (touring or reposting ones included) among them.
    assert accuracy.top_k == 20
    assert accuracy.top_controlled >= 18 and accuracy.independents_in_top == 0
    assert accuracy.precision >= 0.9 and accuracy.recall >= 0.9
    assert len(versions) == 1  # every score names the one rule-set version that made it
