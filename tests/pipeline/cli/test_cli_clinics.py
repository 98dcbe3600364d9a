"""`scout clinics`, `scout clinics show` and `scout clinics visit` through the CLI (issue 15)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEntry, VenueVisit
from pipeline.cli.main import main
from pipeline.core import clock

from helpers import operators
from helpers.clinics_world import store_and_link


@pytest.fixture
def linked(database):
    stored = store_and_link(database)
    clock.set_now(stored.end + timedelta(days=1))
    return stored


def _run(capsys, monkeypatch, role, *args):
    operators.set_operator(monkeypatch, actor="tester", default_role=role)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_as_analyst_has_no_addresses(database, linked, capsys, monkeypatch):
    code, out, err = _run(capsys, monkeypatch, "analyst", "clinics", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    assert len(rows) == 4 and all("address" not in row for row in rows)
    assert {row["area"].split(", ")[1] for row in rows} == {
        "Hovedstaden", "Midtjylland", "Syddanmark", "Nordjylland"
    }  # fmt: skip
    assert "Nye piger" not in out and "+45" not in out


def test_list_as_outreach_shows_addresses_audited(database, linked, capsys, monkeypatch):
    code, out, err = _run(
        capsys, monkeypatch, "outreach", "clinics", "--region", "Midtjylland", "--json"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    assert [row["address"] for row in rows] == ["Banegårdspladsen 3, 8000 Aarhus C"]
    with database.session() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "clinic-addresses-viewed")
        ).all()
    assert [a.params["venues"] for a in audit] == [[rows[0]["venue"]]]


def test_show_and_visit(database, linked, capsys, monkeypatch):
    code, out, _ = _run(capsys, monkeypatch, "outreach", "clinics", "--json")
    venue = json.loads(out.splitlines()[0])["venue"]
    code, out, err = _run(capsys, monkeypatch, "outreach", "clinics", "show", venue)
    assert code == 0, err
    assert "address:" in out and "opened" in out
    code, out, err = _run(
        capsys, monkeypatch, "outreach", "clinics", "visit", venue, "--outcome", "not_let_in",
        "--team", "Team Nord", "--met", "0", "--language", "ro", "--note", "door closed",
    )  # fmt: skip
    assert code == 0, err
    assert "not let in" in out
    with database.session() as session:
        visit = session.scalar(select(VenueVisit))
        assert (visit.team, visit.outcome, visit.languages) == ("Team Nord", "not_let_in", ["ro"])


@pytest.mark.parametrize(
    "args",
    [("clinics", "show", "V1"), ("clinics", "visit", "V1", "--outcome", "talked", "--team", "t")],
)
def test_analyst_may_not_see_an_address_or_log_a_visit(database, linked, capsys, monkeypatch, args):
    code, _, err = _run(capsys, monkeypatch, "analyst", *args)
    assert code == 3 and "needs the role outreach" in err
