"""The outreach commands end to end: hostile advert text, reveal, contact log, opt-out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from models import Advert, AuditEntry, ClusterMember, ContactLogEntry, Suppression
from pipeline.cli.main import main
from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

from helpers import operators, outreach_world

HOSTILE = "[bold]Ny[/bold] \x1b[31mRØD\x1b[0m <script>alert(1)</script> \u202eevil"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def outreach(monkeypatch: pytest.MonkeyPatch) -> None:
    operators.as_os_user(monkeypatch, "worker1")
    operators.set_operator(monkeypatch, default_role="outreach")


def _top(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = _run(capsys, "targets", "--format", "json", "--min-score", "0")
    assert code == 0, err
    import json

    return json.loads(out)[0]["target"]


def test_outreach_cli_hostile_text_printed_literally(
    database: Database, outreach: None, capsys: pytest.CaptureFixture[str]
) -> None:
    when = datetime(2026, 11, 3, 12, tzinfo=UTC)
    with database.session() as session:
        site = ensure_site(session, "demo_classic", "http://127.0.0.1")
        store_adverts(
            session,
            database.keyring,
            site.id,
            None,
            [
                AdvertItem(
                    site="demo_classic",
                    external_id="h1",
                    url="http://127.0.0.1/ad/h1",
                    fetched_at=when,
                    title=HOSTILE,
                    text=f"{HOSTILE} ring 20 12 34 56",
                    city=HOSTILE,
                )
            ],
        )
    outreach_world.cluster_by_contact(database)
    # The title is printed literally; the city is not a gazetteer city, so "unknown city".
    for args, shown in (
        (["targets", "--min-score", "0"], ["unknown city"]),
        (["targets", "--min-score", "0", "--format", "csv"], ["unknown city"]),
        (["targets", "show", "C1"], ["unknown city", "[bold]Ny[/bold]", "<script>"]),
    ):
        code, out, err = _run(capsys, *args)
        assert code == 0, err
        assert "\x1b" not in out and "\u202e" not in out
        assert all(text in out for text in shown), out
        assert "20 12 34 56" not in out and "20123456" not in out


def test_outreach_cli_reveal_audited_capped_and_role_gated(
    outreach_db: Database,
    outreach: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = _top(capsys)
    operators.set_operator(monkeypatch, default_role="outreach", reveal_daily_cap=2)
    code, out, err = _run(capsys, "targets", "reveal", target, "--reason", "first contact")
    assert code == 0, err
    assert "+" in out and "reveal logged" in out
    assert _run(capsys, "targets", "reveal", target, "--reason", "second try")[0] == 0
    code, _, err = _run(capsys, "targets", "reveal", target, "--reason", "third try")
    assert code == 1 and "daily reveal cap reached" in err and "\n" not in err.strip()
    with outreach_db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).all()
        assert len(entries) == 2
        assert all(e.actor == "worker1" and e.params == {"target": target} for e in entries)
        assert entries[0].reason == "first contact" and entries[0].counts["contact_points"] >= 1
    code, _, err = _run(capsys, "targets", "reveal", target)
    assert code == 2 and "--reason" in err
    operators.set_operator(monkeypatch, default_role="analyst")
    code, _, err = _run(capsys, "targets", "reveal", target, "--reason", "curious")
    assert code == 3 and "needs the role outreach" in err


def test_outreach_cli_opt_out_never_listed_or_revealed_even_after_recrawl(
    outreach_db: Database,
    outreach_truth: dict[str, Any],
    outreach: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = _top(capsys)
    code, out, err = _run(
        capsys,
        "contact",
        "log",
        target,
        "--outcome",
        "opted-out",
        "--note",
        "asked us to stop",
        "--language",
        "en",
    )
    assert code == 0 and "opt-out list" in out, err
    with outreach_db.session() as session:
        entry = session.scalars(select(ContactLogEntry)).one()
        assert (entry.outcome, entry.language, entry.note) == (
            "opted-out",
            "en",
            "asked us to stop",
        )
        assert session.scalars(select(Suppression)).all()
    code, _, err = _run(capsys, "targets", "reveal", target, "--reason", "try again")
    assert code == 1 and "opt-out" in err
    outreach_world.store_truth(outreach_db, outreach_truth)  # a re-crawl of the same adverts
    outreach_world.cluster_by_contact(outreach_db)  # and relinking, with new cluster ids
    code, out, _ = _run(capsys, "targets", "--format", "json", "--min-score", "0")
    import json

    listed = {t["target"] for t in json.loads(out)}
    with outreach_db.session() as session:
        flagged = session.scalars(select(Advert.id).where(Advert.suppressed.is_(True))).all()
        closed = {
            f"C{c}"
            for c in session.scalars(
                select(ClusterMember.cluster_id).where(ClusterMember.advert_id.in_(flagged))
            )
        }
    assert flagged and closed and listed
    assert not closed & listed
    code, out, _ = _run(capsys, "contact", "export")
    assert code == 0 and "opted-out" in out and "worker1" not in out and "stop" not in out
    # lifting is for an admin only
    with outreach_db.session() as session:
        prefix = session.scalars(select(Suppression.pseudonym)).first()[:10]
    code, _, err = _run(capsys, "suppress", "lift", prefix, "--reason", "mistake")
    assert code == 3 and "admin" in err
    operators.set_operator(monkeypatch, default_role="admin")
    code, out, err = _run(capsys, "suppress", "lift", prefix, "--reason", "mistake")
    assert code == 0 and "lifted" in out, err
    with outreach_db.session() as session:
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == "suppress-lift"))
            .one()
            .reason
            == "mistake"
        )


def test_outreach_cli_suppress_shorthand(
    outreach_db: Database, outreach: None, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _top(capsys)
    code, out, err = _run(capsys, "suppress", target, "--reason", "asked by phone")
    assert code == 0 and "opt-out list" in out, err
    code, out, _ = _run(capsys, "targets", "--format", "json", "--min-score", "0")
    assert f'"{target}"' not in out
    code, out, _ = _run(capsys, "suppress", "list")
    assert code == 0 and "asked by phone" in out and "+45" not in out


def test_outreach_cli_claim_and_release(
    outreach_db: Database,
    outreach: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = _top(capsys)
    code, out, err = _run(capsys, "targets", "claim", target)
    assert code == 0 and f"{target} is yours until" in out, err
    operators.as_os_user(monkeypatch, "worker2")
    code, _, err = _run(capsys, "targets", "claim", target)
    assert code == 1 and f"{target} is claimed by worker1" in err
    assert "You had no claim" in _run(capsys, "targets", "claim", target, "--release")[1]
    operators.as_os_user(monkeypatch, "worker1")
    assert f"{target} released." in _run(capsys, "targets", "claim", target, "--release")[1]
    with outreach_db.session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.startswith("claim"))
        ).all()
    assert actions == ["claim", "claim-release"]
