"""Stored cluster labels: the next cluster to label, recording (audited, note sealed), and
`scout rules eval --stored-labels` measuring against them, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models import AuditEntry, Cluster, ClusterLabel, ClusterMember
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.core.errors import ScoutError
from pipeline.core.settings import Settings
from pipeline.reports.rules_eval import labelling

from helpers import operators


def _by_score(database: Database) -> list[int]:
    with database.session() as session:
        rows = session.scalars(select(Cluster.id).order_by(Cluster.score.desc(), Cluster.id))
        return list(rows)


def _analyst(settings: Settings) -> Settings:
    return settings.model_copy(update={"actor": "ali", "roles": {"ali": "analyst"}})


def test_labelling_next_follows_the_score_and_skips_labelled(
    outreach_db: Database, settings: Settings
) -> None:
    order = _by_score(outreach_db)
    assert len(order) >= 3
    with outreach_db.session() as session:
        assert labelling.next_cluster(session) == order[0]
        assert labelling.next_cluster(session, after=order[0]) == order[1]
        assert labelling.next_cluster(session, after=order[-1]) is None
        labelling.record_label(session, _analyst(settings), order[0], "concern")
    with outreach_db.session() as session:
        assert labelling.next_cluster(session) == order[1]
        done = labelling.progress(session)
    assert (done.labelled, done.to_label) == (1, len(order) - 1)


def test_labelling_record_is_audited_and_the_note_sealed(
    outreach_db: Database, settings: Settings
) -> None:
    cluster = _by_score(outreach_db)[0]
    with outreach_db.session() as session:
        labelling.record_label(session, _analyst(settings), cluster, "spam", "  same text as C9 ")
    with outreach_db.session() as session:
        row = session.scalars(select(ClusterLabel)).one()
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "label")).one()
        raw = session.execute(text("SELECT note FROM cluster_labels")).scalar_one()
    assert (row.label, row.actor, row.note) == ("spam", "ali", "same text as C9")
    assert "same text" not in str(raw)  # sealed at rest
    assert entry.actor == "ali" and entry.params == {
        "target": f"C{cluster}",
        "label": "spam",
        "note": True,
    }


def test_labelling_refuses_unknown_labels_and_clusters(
    outreach_db: Database, settings: Settings
) -> None:
    with outreach_db.session() as session:
        with pytest.raises(ScoutError, match="not one of"):
            labelling.record_label(session, settings, _by_score(outreach_db)[0], "guilty")
        with pytest.raises(ScoutError, match="no target"):
            labelling.record_label(session, settings, 999_999, "concern")


def test_labelling_stored_labels_newest_wins_unsure_left_out(
    outreach_db: Database, settings: Settings
) -> None:
    first, second, third = _by_score(outreach_db)[:3]
    with outreach_db.session() as session:
        labelling.record_label(session, settings, first, "independent")
        labelling.record_label(session, settings, second, "spam")
        labelling.record_label(session, settings, third, "unsure")
    with outreach_db.session() as session:  # a later label of the same cluster replaces it
        labelling.record_label(session, settings, first, "concern")
    with outreach_db.session() as session:
        labels = labelling.labels_from_stored(session)
        members = {
            cluster: set(
                session.scalars(
                    select(ClusterMember.advert_id).where(ClusterMember.cluster_id == cluster)
                )
            )
            for cluster in (first, second, third)
        }
    assert {a for a, truth in labels.items() if truth} == members[first]
    assert {a for a, truth in labels.items() if not truth} == members[second]
    assert members[third].isdisjoint(labels)


def test_labelling_rules_eval_stored_labels_equals_the_same_labels_as_a_file(
    outreach_db: Database,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    operators.set_operator(monkeypatch, default_role="analyst")
    first, second = _by_score(outreach_db)[:2]
    with outreach_db.session() as session:
        labelling.record_label(session, settings, first, "concern")
        labelling.record_label(session, settings, second, "independent")
    assert main(["rules", "eval", "--stored-labels", "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    file = tmp_path / "labels.jsonl"
    file.write_text(
        f'{{"target": "C{first}", "label": true}}\n{{"target": "C{second}", "label": false}}\n'
    )
    assert main(["rules", "eval", "--labels", str(file), "--json"]) == 0
    assert stored == json.loads(capsys.readouterr().out)
    assert stored["positive_adverts"] > 0
    assert main(["rules", "eval", "--stored-labels", "--contact-log"]) == 2  # one source only
    assert "exactly one" in capsys.readouterr().err
