"""The `lead` role on the command line: reassigns claims and lists the team's follow-ups;
refused a claim, a reveal and a contact log entry (the same role matrix as the web)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, Cluster, TargetClaim
from pipeline.cli.main import main
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.outreach import claims, contact_log

from helpers import operators


def _as(monkeypatch: pytest.MonkeyPatch, name: str, role: str) -> None:
    operators.set_operator(monkeypatch, actor=name, default_role=role)


def _person(settings: Settings, name: str) -> Settings:
    return settings.model_copy(update={"actor": name, "roles": {name: "outreach"}})


@pytest.fixture
def claimed(outreach_db: Database, settings: Settings) -> int:
    """Kim's claim on the top target, and a follow-up of Kim's due today."""
    with outreach_db.session() as session:
        cluster_id = session.scalars(select(Cluster.id).order_by(Cluster.score.desc())).first()
        today = clock.now().astimezone(settings.tz).date()
        kim = _person(settings, "kim")
        contact_log.log_contact(session, kim, cluster_id, "no-answer", follow_up=today)
    with outreach_db.session() as session:
        claims.claim_target(session, kim, cluster_id)
    return cluster_id


def test_cli_lead_reassigns_a_claim(
    outreach_db: Database,
    claimed: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = f"C{claimed}"
    _as(monkeypatch, "lee", "outreach")
    assert main(["targets", "reassign", target, "--to", "lee", "--reason", "mine now"]) == 3
    assert "'scout targets reassign' needs the role admin or lead" in capsys.readouterr().err
    _as(monkeypatch, "tia", "lead")
    assert main(["targets", "reassign", target, "--to", "lee", "--reason", "Kim is away"]) == 0
    assert f"{target} is lee's until" in capsys.readouterr().out
    with outreach_db.session() as session:
        assert session.scalars(select(TargetClaim.actor)).all() == ["lee"]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "claim-reassign")
        ).one()
    assert (entry.actor, entry.role, entry.reason) == ("tia", "lead", "Kim is away")


@pytest.mark.parametrize(
    "args",
    [
        ["targets", "claim", "C1"],
        ["targets", "reveal", "C1", "--reason", "r"],
        ["contact", "log", "C1", "--outcome", "no-answer"],
        ["suppress", "lift", "abcdef12", "--reason", "r"],
        ["users", "list"],
    ],
)
def test_cli_lead_refused(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, "tia", "lead")
    assert main(args) == 3
    assert "needs the role" in capsys.readouterr().err


def test_cli_follow_ups_own_and_team(
    outreach_db: Database,
    claimed: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = f"C{claimed}"
    _as(monkeypatch, "kim", "outreach")
    assert main(["contact", "follow-ups"]) == 0
    assert target in capsys.readouterr().out
    assert main(["contact", "follow-ups", "--team"]) == 3
    assert "'scout follow-ups team' needs the role lead" in capsys.readouterr().err
    _as(monkeypatch, "lee", "outreach")
    assert main(["contact", "follow-ups"]) == 0
    assert target not in capsys.readouterr().out  # Kim's, not Lee's
    _as(monkeypatch, "tia", "lead")
    assert main(["contact", "follow-ups", "--team"]) == 0
    out = capsys.readouterr().out
    assert target in out and "kim" in out
    clock.set_now(clock.now() - timedelta(days=2))  # before the follow-up date: nothing due
    assert main(["contact", "follow-ups", "--team"]) == 0
    assert target not in capsys.readouterr().out
