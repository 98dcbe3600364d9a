"""The outreach pages on both engines: Today, Target, Claim, Reveal, Contact log, Follow-ups."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import event, select

from models import Advert, AuditEntry, ContactLogEntry, Suppression, TargetClaim
from nlp.reasons import load_reasons
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.outreach import facts, sanitize
from pipeline.reports.outreach.masked import MaskedTexts
from pipeline.reports.outreach.targets import TargetFilter, list_targets, top_reasons
from pipeline.stages.linking.config import target_threshold
from pipeline.web.routes import targets as targets_route

from helpers import outreach_world, web_accounts


@pytest.fixture(scope="module")
def contact_values(outreach_truth: dict[str, Any]) -> set[str]:
    return outreach_world.contact_strings(outreach_truth)


@pytest.fixture
def people(outreach_db: Database, settings: Settings, now) -> dict[str, Any]:
    roles = {"kim": "outreach", "lee": "outreach", "rae": "researcher", "ana": "analyst"}
    return {
        name: web_accounts.enrolled(outreach_db, settings, name, role)
        for name, role in roles.items()
    }


@pytest.fixture
def kim(app: FastAPI, outreach_db: Database, people: dict[str, Any]):
    with web_accounts.client_for(app) as client:
        web_accounts.sign_in(client, outreach_db, people["kim"])
        yield client


def _listed(database: Database) -> list[str]:
    with database.session() as session:
        found = list_targets(session, TargetFilter(min_score=target_threshold()))
    assert found, "the small world should give targets over the threshold"
    return [t.target_id for t in found]


def _no_contact_value(text: str, values: set[str]) -> None:
    leaked = sorted(value for value in values if value in text)
    assert not leaked, f"contact values on the page: {leaked}"


def _claim(client: TestClient, target: str):
    return web_accounts.post_form(client, f"/targets/{target}/claim", {}, page=f"/targets/{target}")


def test_outreach_today_lists_targets_best_first_without_contacts(
    kim: TestClient, outreach_db: Database, contact_values: set[str]
) -> None:
    listed = _listed(outreach_db)
    page = kim.get("/targets")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    shown = re.findall(r'<a href="/targets/(C\d+)">', page.text)
    assert shown == listed[: targets_route.PAGE_SIZE]
    _no_contact_value(page.text, contact_values)
    assert 'lang="' in page.text  # languages to write in carry their language


def test_outreach_today_filters_and_pages(
    kim: TestClient, outreach_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with outreach_db.session() as session:
        found = list_targets(session, TargetFilter(min_score=target_threshold()))
    city = found[-1].cities[0]
    by_city = kim.get("/targets", params={"city": city}).text
    expected = [t.target_id for t in found if city.casefold() in map(str.casefold, t.cities)]
    assert re.findall(r'<a href="/targets/(C\d+)">', by_city) == expected
    monkeypatch.setattr(targets_route, "PAGE_SIZE", 1)
    second = kim.get("/targets", params={"page": "2"}).text
    assert re.findall(r'<a href="/targets/(C\d+)">', second) == [found[1].target_id]
    assert 'href="/targets?page=3"' in second and 'href="/targets"' in second


def test_outreach_today_claim_filters(kim: TestClient, outreach_db: Database) -> None:
    listed = _listed(outreach_db)
    assert _claim(kim, listed[0]).status_code == 303
    mine = kim.get("/targets", params={"claim": "mine"}).text
    assert re.findall(r'<a href="/targets/(C\d+)">', mine) == [listed[0]]
    unclaimed = kim.get("/targets", params={"claim": "unclaimed"}).text
    assert listed[0] not in re.findall(r'<a href="/targets/(C\d+)">', unclaimed)


def test_outreach_target_page_evidence_masked_and_view_audited(
    kim: TestClient, outreach_db: Database, contact_values: set[str]
) -> None:
    target = _listed(outreach_db)[0]
    page = kim.get(f"/targets/{target}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "<blockquote lang=" in page.text  # advert excerpts carry their language
    _no_contact_value(page.text, contact_values)
    with outreach_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "target-view")).one()
    assert entry.actor == "kim" and entry.params == {"target": target} and entry.reason is None
    assert kim.get("/targets/C999999").status_code == 404
    assert kim.get("/targets/nonsense").status_code == 404


def test_outreach_target_page_says_when_the_site_posted_an_advert(
    kim: TestClient, outreach_db: Database
) -> None:
    """The date a site gives for an advert (stored as posted_at) is on the target page, in the
    reader's language; an advert without one says nothing of it."""
    target = _listed(outreach_db)[0]
    assert "lagt op" not in kim.get(f"/targets/{target}").text
    with outreach_db.session() as session:
        members = facts.members(session, [int(target.removeprefix("C"))])
        assert members
        posted = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
        for member in next(iter(members.values())):
            session.get_one(Advert, member.advert_id).posted_at = posted
        session.commit()
    assert "lagt op 30. nov. 2026" in kim.get(f"/targets/{target}").text


def test_outreach_roles_researcher_refused_analyst_cannot_reveal(
    app: FastAPI, outreach_db: Database, people: dict[str, Any]
) -> None:
    target = _listed(outreach_db)[0]
    with web_accounts.client_for(app) as rae:
        web_accounts.sign_in(rae, outreach_db, people["rae"])
        assert rae.get("/targets").status_code == 403
        assert rae.get(f"/targets/{target}").status_code == 403
    with web_accounts.client_for(app) as ana:
        web_accounts.sign_in(ana, outreach_db, people["ana"])
        assert ana.get("/targets").status_code == 200  # as `scout targets`
        assert ana.get(f"/targets/{target}/reveal").status_code == 403
        token = web_accounts.csrf(ana.get("/targets").text)
        refused = ana.post(f"/targets/{target}/reveal", data={"csrf_token": token, "reason": "x"})
        assert refused.status_code == 403
    with outreach_db.session() as session:
        refusals = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert {(e.actor, e.params["path"]) for e in refusals} >= {
        ("rae", f"/targets/{target}"),
        ("ana", f"/targets/{target}/reveal"),
    }


def test_outreach_claim_second_worker_sees_it_and_is_refused(
    app: FastAPI, kim: TestClient, outreach_db: Database, people: dict[str, Any]
) -> None:
    target = _listed(outreach_db)[0]
    assert _claim(kim, target).headers["location"] == f"/targets/{target}"
    with web_accounts.client_for(app) as lee:
        web_accounts.sign_in(lee, outreach_db, people["lee"])
        page = lee.get(f"/targets/{target}").text
        assert "Taget af Kim siden" in page
        assert "Taget af Kim siden" in lee.get("/targets").text
        refused = _claim(lee, target)
        assert refused.status_code == 409 and "En anden tog dette mål først." in refused.text
        released = web_accounts.post_form(
            kim, f"/targets/{target}/release", {}, page=f"/targets/{target}"
        )
        assert released.status_code == 303
        assert _claim(lee, target).status_code == 303
    with outreach_db.session() as session:
        assert session.scalars(select(TargetClaim.actor)).all() == ["lee"]
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).one()
    assert refused.actor == "lee" and refused.params["why"] == "ClaimHeld"


def test_outreach_claim_without_csrf_token_refused(kim: TestClient, outreach_db: Database) -> None:
    target = _listed(outreach_db)[0]
    assert kim.post(f"/targets/{target}/claim", data={}).status_code == 403
    with outreach_db.session() as session:
        assert session.scalars(select(TargetClaim)).all() == []


def _reveal(client: TestClient, target: str, reason: str):
    page = f"/targets/{target}/reveal"
    return web_accounts.post_form(client, page, {"reason": reason})


def test_outreach_reveal_only_for_the_claimant_once_and_audited(
    kim: TestClient, outreach_db: Database, contact_values: set[str]
) -> None:
    target = _listed(outreach_db)[0]
    unclaimed = _reveal(kim, target, "first contact")
    assert unclaimed.status_code == 409 and "Tag dette mål, før du viser" in unclaimed.text
    _no_contact_value(unclaimed.text, contact_values)
    with outreach_db.session() as session:
        refusal = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).one()
    assert refusal.params == {
        "method": "POST",
        "path": f"/targets/{target}/reveal",
        "why": "NotClaimant",
    }
    _claim(kim, target)
    short = _reveal(kim, target, "x")
    assert short.status_code == 409 and "Skriv en begrundelse" in short.text
    shown = _reveal(kim, target, "first contact, Romanian")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    revealed = [value for value in contact_values if value in shown.text]
    assert revealed, "the reveal response shows the contact points"
    with outreach_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert entry.actor == "kim" and entry.reason == "first contact, Romanian"
    _no_contact_value(repr((entry.params, entry.counts, entry.reason)), contact_values)
    _no_contact_value(kim.get(f"/targets/{target}").text, contact_values)


def test_outreach_reveal_needs_a_recent_second_factor(
    kim: TestClient, outreach_db: Database, contact_values: set[str]
) -> None:
    target = _listed(outreach_db)[0]
    _claim(kim, target)
    for minutes in (10, 8):  # in use all along (no idle timeout), the code 18 minutes old
        clock.set_now(clock.now() + timedelta(minutes=minutes))
        assert kim.get(f"/targets/{target}/reveal").status_code == 200
    asked = _reveal(kim, target, "first contact")
    assert 'action="/step-up"' in asked.text
    assert f'name="next" value="/targets/{target}/reveal"' in asked.text
    _no_contact_value(asked.text, contact_values)


def test_outreach_reveal_daily_cap(
    app: FastAPI, outreach_db: Database, people: dict[str, Any]
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"reveal_daily_cap": 1})
    target = _listed(outreach_db)[0]
    with web_accounts.client_for(app) as kim:
        web_accounts.sign_in(kim, outreach_db, people["kim"])
        _claim(kim, target)
        assert _reveal(kim, target, "first contact").status_code == 200
        again = _reveal(kim, target, "second contact")
    assert again.status_code == 409 and "Du har brugt alle dagens visninger." in again.text


def test_outreach_contact_log_opt_out_leaves_the_list_at_once(
    kim: TestClient, outreach_db: Database, contact_values: set[str]
) -> None:
    target = _listed(outreach_db)[0]
    _claim(kim, target)
    form = kim.get(f"/targets/{target}/contact")
    assert form.status_code == 200 and 'name="follow_up"' in form.text
    path = f"/targets/{target}/contact"
    both = web_accounts.post_form(kim, path, {"outcome": "opted-out", "follow_up": "2026-12-09"})
    assert both.status_code == 400 and "lad opfølgningsdatoen være tom" in both.text
    done = web_accounts.post_form(
        kim, path, {"outcome": "opted-out", "language": "ro", "note": "asked"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/targets"
    assert target not in re.findall(r'<a href="/targets/(C\d+)">', kim.get("/targets").text)
    assert target not in _listed(outreach_db)
    with outreach_db.session() as session:
        assert session.scalars(select(Suppression)).all()
        assert session.scalars(select(TargetClaim)).all() == []
    _claim(kim, target)
    refused = _reveal(kim, target, "one more try")
    assert "Dette mål er på fravalgslisten." in refused.text
    _no_contact_value(refused.text, contact_values)


def test_outreach_contact_log_history_and_follow_ups(
    app: FastAPI, kim: TestClient, outreach_db: Database, people: dict[str, Any]
) -> None:
    target = _listed(outreach_db)[0]
    today = clock.now().astimezone(app.state.settings.tz).date()
    path = f"/targets/{target}/contact"
    bad = web_accounts.post_form(kim, path, {"outcome": "no-answer", "follow_up": "next week"})
    assert bad.status_code == 400 and "Angiv opfølgningsdatoen som en dato." in bad.text
    fields = {"outcome": "no-answer", "follow_up": today.isoformat(), "note": "call +4512345678"}
    assert web_accounts.post_form(kim, path, fields).headers["location"] == f"/targets/{target}"
    page = kim.get(f"/targets/{target}").text
    assert "Intet svar" in page and "+4512345678" not in page  # notes are masked too
    assert f'href="/targets/{target}"' in kim.get("/follow-ups").text
    with web_accounts.client_for(app) as lee:
        web_accounts.sign_in(lee, outreach_db, people["lee"])
        assert f'href="/targets/{target}"' not in lee.get("/follow-ups").text


def test_outreach_pages_in_english(
    app: FastAPI, outreach_db: Database, people: dict[str, Any]
) -> None:
    with web_accounts.client_for(app) as kim:
        web_accounts.sign_in(kim, outreach_db, people["kim"])
        web_accounts.post_form(kim, "/account/language", {"language": "en"}, page="/account")
        page = kim.get("/targets").text
    assert "<h1>Today</h1>" in page and "Not contacted yet" in page


def test_outreach_reasons_in_plain_words_in_the_readers_language(
    app: FastAPI, kim: TestClient, outreach_db: Database, people: dict[str, Any]
) -> None:
    reasons = load_reasons()
    with outreach_db.session() as session:
        first = list_targets(session, TargetFilter(min_score=target_threshold()))[0]
    items = [i for i in top_reasons(first.explanation) if i["rule_id"] in reasons]
    assert items, "the small world's first target should show a rule's reason"
    today, target = kim.get("/targets").text, kim.get(f"/targets/{first.target_id}").text
    for item in items:
        danish = str(escape(reasons[item["rule_id"]].da))
        assert danish in today and danish in target
    assert "indicator " not in today  # the stored English stand-in of a rule with a reason
    # the test world's own cluster indicator has no reason: its English text, marked so
    shared = next(i for i in first.explanation if i["rule_id"] == "shared_contact")
    assert f'<span lang="en">{escape(shared["reason"])}</span>' in target
    with web_accounts.client_for(app) as lee:
        web_accounts.sign_in(lee, outreach_db, people["lee"])
        web_accounts.post_form(lee, "/account/language", {"language": "en"}, page="/account")
        english = lee.get("/targets").text
    assert all(str(escape(reasons[item["rule_id"]].en)) in english for item in items)
    assert str(escape(reasons[items[0]["rule_id"]].da)) not in english


def test_outreach_contact_log_says_where_a_referral_went(
    kim: TestClient, outreach_db: Database
) -> None:
    target = _listed(outreach_db)[0]
    path = f"/targets/{target}/contact"
    assert 'name="referred_to"' in kim.get(path).text and "et krisecenter" in kim.get(path).text
    wrong = web_accounts.post_form(kim, path, {"outcome": "reached", "referred_to": "shelter"})
    assert wrong.status_code == 400 and "når udfaldet er en henvisning" in wrong.text
    done = web_accounts.post_form(kim, path, {"outcome": "referred", "referred_to": "legal"})
    assert done.status_code == 303
    with outreach_db.session() as session:
        entry = session.scalars(select(ContactLogEntry)).one()
    assert (entry.outcome, entry.referred_to) == ("referred", "legal")


def test_outreach_lead_reassigns_and_sees_the_teams_follow_ups(
    app: FastAPI, kim: TestClient, outreach_db: Database, settings: Settings, people
) -> None:
    """A lead: the list, the target page, reassigning a claim and everyone's follow-ups;
    never a claim of their own, a reveal or a contact log entry."""
    target = _listed(outreach_db)[0]
    today = clock.now().astimezone(app.state.settings.tz).date()
    fields = {"outcome": "no-answer", "follow_up": today.isoformat()}
    web_accounts.post_form(kim, f"/targets/{target}/contact", fields)
    assert _claim(kim, target).status_code == 303
    tia = web_accounts.enrolled(outreach_db, settings, "tia", "lead")
    with web_accounts.client_for(app) as lead:
        web_accounts.sign_in(lead, outreach_db, tia)
        assert lead.get("/targets").status_code == 200
        page = lead.get(f"/targets/{target}").text
        assert "Taget af Kim siden" in page and f'action="/targets/{target}/reassign"' in page
        assert f"/targets/{target}/reveal" not in page and f"/targets/{target}/claim" not in page
        follow_ups = lead.get("/follow-ups").text
        assert "Teamets opfølgninger" in follow_ups
        assert f'href="/targets/{target}"' in follow_ups and "<td>kim</td>" in follow_ups
        token = web_accounts.csrf(page)
        for path in ("claim", "reveal", "contact"):
            data = {"csrf_token": token, "reason": "x", "outcome": "no-answer"}
            assert lead.post(f"/targets/{target}/{path}", data=data).status_code == 403, path
        for path in ("/audit", "/users", "/exports", f"/targets/{target}/reveal"):
            assert lead.get(path).status_code == 403, path
        to_self = lead.post(
            f"/targets/{target}/reassign", data={"csrf_token": token, "to": "tia", "reason": "r"}
        )
        assert to_self.status_code == 400  # a lead holds no claims: not in the list of workers
        no_reason = lead.post(
            f"/targets/{target}/reassign", data={"csrf_token": token, "to": "lee", "reason": " "}
        )
        assert no_reason.status_code == 400
        moved = lead.post(
            f"/targets/{target}/reassign",
            data={"csrf_token": token, "to": "lee", "reason": "Kim is away this week"},
        )
        assert moved.headers["location"] == f"/targets/{target}"
    with outreach_db.session() as session:
        assert session.scalars(select(TargetClaim.actor)).all() == ["lee"]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "claim-reassign")
        ).one()
    assert (entry.actor, entry.role, entry.params["from"], entry.params["to"]) == (
        "tia",
        "lead",
        "kim",
        "lee",
    )
    # a worker still sees only their own follow-ups, without the worker column
    mine = kim.get("/follow-ups").text
    assert "Dine opfølgninger" in mine and "<td>kim</td>" not in mine


def test_outreach_target_page_reads_its_cluster_once_and_masks_from_memory_alike(
    app: FastAPI,
    kim: TestClient,
    outreach_db: Database,
    people: dict[str, Any],
    contact_values: set[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One load of the cluster per view (the address check's is the page's), and a second
    view shows the masked texts the first one kept exactly as the first one did; a role
    that may not open the page gets none of them."""
    target = _listed(outreach_db)[0]
    monkeypatch.setattr(sanitize, "MASKED", MaskedTexts())
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(outreach_db.engine, "before_cursor_execute", seen)
    try:
        first = kim.get(f"/targets/{target}")
    finally:
        event.remove(outreach_db.engine, "before_cursor_execute", seen)
    assert first.status_code == 200
    loads = [s for s in statements if re.search(r"FROM clusters\s+WHERE clusters\.id =", s)]
    assert len(loads) == 1, loads
    assert len(sanitize.MASKED) > 0
    again = kim.get(f"/targets/{target}")
    shown = re.compile(r"<blockquote.*?</blockquote>|<td>[^<]*</td>", re.DOTALL)
    assert shown.findall(again.text) == shown.findall(first.text)
    assert "<blockquote lang=" in again.text
    _no_contact_value(again.text, contact_values)
    excerpts = re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", again.text, re.DOTALL)
    assert excerpts
    with web_accounts.client_for(app) as rae:
        web_accounts.sign_in(rae, outreach_db, people["rae"])
        refused = rae.get(f"/targets/{target}")
    assert refused.status_code == 403
    assert not [shown for shown in excerpts if shown in refused.text]
