"""`scout rules eval --visits` (issue 15) on both engines: the clinic rules against visit
outcomes on the demo clinic world; talked is for, not let in and closed against, moved and
not found say nothing; the latest labelling visit wins; vanished venues are evaluated."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import VenueAdvert
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.clinics.visits import log_visit
from pipeline.reports.rules_eval.visits import evaluate_visits

from helpers import operators
from helpers.clinics_world import StoredWorld, store_and_link


@pytest.fixture
def visited(database: Database, settings: Settings) -> tuple[StoredWorld, dict[str, str]]:
    """Every venue visited once the last week: talked where the world has concern (the team
    got in and met the persons), not let in at the stable ones, closed at the one that shut;
    plus visits that must not count."""
    linked = store_and_link(database)
    clock.set_now(linked.end + timedelta(days=1))
    truth = linked.world.truth
    ids: dict[str, str] = {}
    with database.session() as session:
        for key in truth:
            advert = linked.venue_adverts(key)[0]
            venue_id = session.scalar(
                select(VenueAdvert.venue_id).where(VenueAdvert.advert_id == advert)
            )
            ids[key] = f"V{venue_id}"
        day = linked.end.date()
        for key, known in truth.items():
            closed = known.last_week < 5
            outcome = "closed" if closed else "talked" if known.concern else "not_let_in"
            visit_day = (
                linked.world.adverts[0].seen_at.date() + timedelta(weeks=3) if closed else day
            )
            # an earlier contrary visit is overridden; a later "not found" says nothing
            contrary = "not_let_in" if outcome == "talked" else "talked"
            log_visit(session, settings, ids[key], visited_on=visit_day - timedelta(days=2),
                      team="T", outcome=contrary)  # fmt: skip
            log_visit(session, settings, ids[key], visited_on=visit_day, team="T", outcome=outcome)
            log_visit(session, settings, ids[key], visited_on=visit_day + timedelta(days=1),
                      team="T", outcome="not_found")  # fmt: skip
    return linked, ids


def test_visits_eval_rules_against_outcomes(
    database: Database, visited: tuple[StoredWorld, dict[str, str]]
) -> None:
    linked, _ = visited
    truth = linked.world.truth
    with database.session() as session:
        result = evaluate_visits(session)
    concern = sum(t.concern for t in truth.values())
    assert (result.labelled, result.positives) == (len(truth), concern)
    # the list of concern went with the visits that reached people, and only with them
    assert (result.targets.tp, result.targets.fp, result.targets.fn) == (concern, 0, 0)
    assert result.targets.tn == len(truth) - concern
    turnover = result.indicators["clinic_roster_turnover"]
    assert turnover.tp == concern and turnover.fp == 0
    stable = result.indicators["clinic_stable_roster"]  # a negative weight: against concern
    assert stable.tp == 0 and stable.fp > 0
    assert set(result.indicators) >= {"clinic_phone_shared", "clinic_no_da_en_contact"}
    assert result.as_dict()["clinics_of_concern"]["precision"] == 1.0
    assert result.as_dict()["labelled_venues"] == len(truth)


def test_visits_eval_cli(
    database: Database, visited: tuple[StoredWorld, dict[str, str]], capsys, monkeypatch
) -> None:
    linked, _ = visited
    operators.set_operator(monkeypatch, actor="tester", default_role="analyst")
    assert main(["rules", "eval", "--visits", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["labelled_venues"] == len(linked.world.truth)
    assert found["clinics_of_concern"]["fn"] == 0
    assert main(["rules", "eval", "--visits"]) == 0
    assert "clinics of concern (score ≥ 1)" in capsys.readouterr().out
    assert main(["rules", "eval", "--visits", "--contact-log"]) == 2
    assert "exactly one of" in capsys.readouterr().err
    operators.set_operator(monkeypatch, actor="tester", default_role="outreach")
    assert main(["rules", "eval", "--visits"]) == 3  # analysts evaluate rules


def test_visits_eval_without_visits_labels_nothing(database: Database) -> None:
    store_and_link(database)
    with database.session() as session:
        result = evaluate_visits(session)
    assert (result.labelled, result.positives, result.targets.tp) == (0, 0, 0)
