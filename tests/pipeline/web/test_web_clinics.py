"""The Clinics pages (issue 15) on both engines: the screening list per region and
municipality, a venue's page, its address on request (outreach only, audited, the same
function as `scout clinics show`), the visit log form (the same function as `scout clinics
visit`), every role against the one matrix, and no address, person's name or contact value
where it does not belong."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from models import AuditEntry, Venue, VenueVisit
from nlp.reasons import load_reasons, say
from pipeline.core import clock, roles
from pipeline.core.db import Database
from pipeline.core.settings import ROLES, Settings
from pipeline.reports.clinics.screening import Reason, screen
from pipeline.web.access import all_routes, route_keys

from helpers import web_accounts, web_browser
from helpers.clinics_world import StoredWorld, store_and_link


@pytest.fixture
def linked(database: Database, now) -> StoredWorld:
    stored = store_and_link(database)
    clock.set_now(stored.end + timedelta(days=1))  # the list as the team sees it that week
    return stored


def _client(app: FastAPI, database: Database, settings: Settings, role: str) -> TestClient:
    client = web_accounts.client_for(app)
    web_accounts.signed_in(client, database, settings, role)
    return client


def _plain(reason: Reason) -> str:
    """The reason as a Danish page says it (the accounts' default language)."""
    said = say(load_reasons(), reason.rule_id, "da")
    assert said, f"no Danish reason for {reason.rule_id}"
    return str(escape(said))


def _shown(html: str) -> list[str]:
    return re.findall(r'id="v-(V\d+)"', html)


def _secrets(database: Database, linked: StoredWorld) -> list[str]:
    """What must never be on a list or venue page: addresses, persons' names, phone digits."""
    with database.session() as session:
        addresses = [a for a in session.scalars(select(Venue.address)) if a]
    found = [*addresses, *(p.name for p in linked.world.persons.values())]
    found += [a.phone[-8:] for a in linked.world.adverts]
    return found


def test_clinics_page_lists_venues_of_concern_without_addresses_or_persons(
    app: FastAPI, database: Database, settings: Settings, linked: StoredWorld
) -> None:
    with database.session() as session:
        listed = screen(session, clock.now())
    concern = [v.stable_id for v in listed if v.of_concern]
    assert concern and len(concern) < len(listed)
    client = _client(app, database, settings, "outreach")
    page = client.get("/clinics")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert _shown(page.text) == concern
    assert 'href="/clinics"' in page.text  # in the navigation
    first = listed[0]
    assert first.reasons and all(_plain(reason) in page.text for reason in first.reasons)
    assert f'lang="{first.languages[0]}"' in page.text
    everything = client.get("/clinics", params={"all": "1"}).text
    assert _shown(everything) == [v.stable_id for v in listed]
    for secret in _secrets(database, linked):
        assert secret not in everything, secret
    with database.session() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("clinic-address%"))
        ).all()


def test_clinics_page_filters_by_region_and_municipality(
    app: FastAPI, database: Database, settings: Settings, linked: StoredWorld
) -> None:
    with database.session() as session:
        listed = screen(session, clock.now())
    region, municipality = listed[-1].region, listed[-1].municipality
    client = _client(app, database, settings, "analyst")
    by_region = _shown(client.get("/clinics", params={"region": region, "all": "1"}).text)
    assert by_region == [v.stable_id for v in listed if v.region == region]
    place = client.get("/clinics", params={"municipality": municipality, "all": "1"}).text
    assert _shown(place) == [v.stable_id for v in listed if v.municipality == municipality]
    assert f'<option value="{municipality}" selected>' in place
    assert len(by_region) < len(listed)
    # an unknown value narrows nothing
    unknown = client.get("/clinics", params={"region": "Atlantis", "all": "1"}).text
    assert _shown(unknown) == [v.stable_id for v in listed]


def test_venue_page_address_on_request_and_audited(
    app: FastAPI, database: Database, settings: Settings, linked: StoredWorld
) -> None:
    with database.session() as session:
        top = screen(session, clock.now())[0]
        address = session.scalar(select(Venue.address).where(Venue.id == top.venue_id))
    assert address
    client = _client(app, database, settings, "outreach")
    venue = client.get(f"/clinics/{top.stable_id}")
    assert venue.status_code == 200 and address not in venue.text
    assert top.reasons and all(_plain(reason) in venue.text for reason in top.reasons)
    assert f'action="/clinics/{top.stable_id}/address"' in venue.text
    for secret in _secrets(database, linked):
        assert secret not in venue.text, secret
    shown = client.post(
        f"/clinics/{top.stable_id}/address", data={"csrf_token": web_accounts.csrf(venue.text)}
    )
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert address in shown.text
    with database.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "clinic-address-viewed")
        ).all()
    assert [(e.actor, e.params) for e in entries] == [("u-outreach", {"venue": top.stable_id})]
    assert client.get("/clinics/V99999").status_code == 404
    assert client.get("/clinics/nonsense").status_code == 404


def test_visit_form_logs_through_the_visit_log(
    app: FastAPI, database: Database, settings: Settings, linked: StoredWorld
) -> None:
    with database.session() as session:
        top = screen(session, clock.now())[0]
    client = _client(app, database, settings, "outreach")
    path = f"/clinics/{top.stable_id}/visit"
    form = {
        "visited_on": clock.now().date().isoformat(), "team": "Team Nord", "outcome": "talked",
        "persons_met": "3", "languages": ["ro", "th", "xx"], "materials": "leaflet ro, card",
        "note": "quiet evening", "follow_up": "",
    }  # fmt: skip
    bad = web_accounts.post_form(client, path, {**form, "outcome": "teleported"})
    assert bad.status_code == 400 and "Vælg, hvad der skete." in bad.text
    assert "Team Nord" in bad.text  # the form keeps what was typed
    no_team = web_accounts.post_form(client, path, {**form, "team": " "})
    assert no_team.status_code == 400
    done = web_accounts.post_form(client, path, form)
    assert done.status_code == 303 and done.headers["location"] == f"/clinics/{top.stable_id}"
    with database.session() as session:
        visits = session.scalars(select(VenueVisit)).all()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "clinic-visit"))
        assert [e.params["venue"] for e in audit] == [top.stable_id]
        assert [
            (v.venue_id, v.team, v.outcome, v.persons_met, v.languages, v.materials, v.note)
            for v in visits
        ] == [(top.venue_id, "Team Nord", "talked", 3, ["ro", "th"], ["card", "leaflet ro"],
              "quiet evening")]  # fmt: skip
    page = client.get(f"/clinics/{top.stable_id}").text
    assert "Besøgt og talt med" in page and "quiet evening" not in page
    listed = client.get("/clinics", params={"all": "1"}).text
    assert "besøgt i denne uge" in listed


@pytest.mark.parametrize("role", ROLES)
def test_clinic_routes_every_role_against_the_matrix(
    app: FastAPI, database: Database, settings: Settings, linked: StoredWorld, role: str
) -> None:
    """The deny-by-default walk over every clinic route the app has, with a real venue id in
    the address (the route test walks only addresses without a parameter)."""
    with database.session() as session:
        venue = screen(session, clock.now())[0].stable_id
    client = _client(app, database, settings, role)
    token = web_accounts.csrf(client.get("/").text)
    requests = sorted(
        (route_keys(route.dependant)[0], method, route.path.replace("{venue}", venue))
        for route in all_routes(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/clinics")
        for method in route.methods
    )
    assert len(requests) == 5, requests  # list, venue, address, visit form and its answer
    for key, method, path in requests:
        data = {"csrf_token": token} if method == "POST" else None
        response = client.request(method, path, data=data)
        allowed = roles.is_allowed(key, role)
        assert (response.status_code != 403) is allowed, (role, method, path)
        assert response.status_code in ((200, 400) if allowed else (403,)), (role, path)
    assert ('href="/clinics"' in client.get("/").text) is roles.is_allowed("clinics", role)


@pytest.mark.browser
@pytest.mark.subprocess
def test_browser_clinics_pages_axe_phone_and_visit(
    browser: Any,
    serve: Callable[..., str],
    database: Database,
    settings: Settings,
    linked: StoredWorld,
) -> None:
    clock.set_now(None)  # `scout web serve` and the TOTP codes run on the real clock
    url = serve()
    with database.session() as session:  # the list on the real clock: its first venue
        listed = screen(session, clock.now())
        venue = listed[0].stable_id
        address = session.scalar(select(Venue.address).where(Venue.id == listed[0].venue_id))
    problems: dict[str, Any] = {}
    cookies: list[dict] = []
    for size in web_browser.SIZES:
        account = web_accounts.enrolled(database, settings, f"cl-{size}", "outreach")
        with web_browser.page(browser, size) as page:
            web_browser.sign_in(page, url, account.name, account.secret)
            page.goto(url + "/clinics?all=1")
            # (the first size's visit halves the venue's score: the order may change)
            assert sorted(_shown(page.content())) == sorted(v.stable_id for v in listed)
            web_browser.screenshot(page, f"clinics-{size}")
            page.click(f"#v-{venue} a")
            page.wait_for_url(f"{url}/clinics/{venue}")
            assert address not in page.content()
            page.click("form[action$='/address'] button")
            page.wait_for_selector("#address")
            assert page.inner_text("#address") == address
            page.goto(f"{url}/clinics/{venue}/visit")
            page.fill("#team", "Team Nord")
            page.check("#outcome-talked")
            page.fill("#persons_met", "2")
            page.select_option("#languages", ["ro", "th"])
            web_browser.screenshot(page, f"clinic-visit-{size}")
            page.click("form.stack button.primary")
            page.wait_for_url(f"{url}/clinics/{venue}")
            problems[f"csp {size}"] = web_browser.csp_violations(page)
            cookies = page.context.cookies()
    for path in ("/clinics", f"/clinics/{venue}", f"/clinics/{venue}/visit"):
        problems[f"axe {path}"] = web_browser.axe(browser, url, cookies, path)
    with database.session() as session:
        assert len(session.scalars(select(VenueVisit)).all()) == len(web_browser.SIZES)
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
