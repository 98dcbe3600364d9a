"""The Job adverts page (issue 16) on both engines: the forced-labour screening list per
industry and region, roles allowed and refused, links to the target page, and nothing
identifying (contact value, company name, CVR number) in the HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from demo.jobs import JobWorld, build_job_world
from nlp.reasons import load_reasons
from pipeline.core import clock, roles
from pipeline.core.db import Database
from pipeline.core.settings import ROLES, Settings
from pipeline.reports.outreach.jobs import screening_list
from pipeline.reports.outreach.targets import top_reasons
from pipeline.stages.linking.config import target_threshold

from helpers import web_accounts, web_browser
from helpers.jobs_world import load_jobs


@pytest.fixture(scope="module")
def job_world() -> JobWorld:
    return build_job_world(seed=16, days=6, honest=8, recruiters=5)


@pytest.fixture
def jobs_db(database: Database, job_world: JobWorld, now: datetime) -> Database:
    load_jobs(database, job_world, up_to_day=5)
    return database


def _client(app: FastAPI, database: Database, settings: Settings, role: str) -> TestClient:
    client = web_accounts.client_for(app)
    web_accounts.sign_in(client, database, web_accounts.enrolled(database, settings, role, role))
    return client


def _shown(html: str) -> list[str]:
    return re.findall(r'id="j-(C\d+)"', html)


def test_jobs_page_lists_recruiters_best_first_without_identities(
    app: FastAPI, jobs_db: Database, settings: Settings, job_world: JobWorld
) -> None:
    with jobs_db.session() as session:
        listed = screening_list(session, min_score=target_threshold())
    assert listed, "the small job world should give recruiters over the threshold"
    client = _client(app, jobs_db, settings, "outreach")
    page = client.get("/jobs")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert _shown(page.text) == [j.target_id for j in listed][:20]
    # each row links to the target page (reveal, claim and contact log stay there)
    first = listed[0]
    assert f'<a href="/targets/{first.target_id}">' in page.text
    assert client.get(f"/targets/{first.target_id}").status_code == 200
    reasons = load_reasons()  # in plain Danish words, not "category: rule id"
    shown = [reasons[item["rule_id"]].da for item in top_reasons(first.target.explanation)]
    assert shown and all(str(escape(reason)) in page.text for reason in shown)
    assert f'lang="{first.workers_languages[0]}"' in page.text
    assert 'href="/jobs"' in page.text  # in the navigation
    # nothing identifying: no phone, company name or CVR-like number from the adverts
    for advert in job_world.adverts:
        assert advert.phone[-8:] not in page.text
        assert not advert.employer or advert.employer not in page.text
        for number in re.findall(r"\b\d{8}\b", advert.text):
            assert number not in page.text


def test_jobs_page_filters_by_industry_and_region(
    app: FastAPI, jobs_db: Database, settings: Settings
) -> None:
    with jobs_db.session() as session:
        listed = screening_list(session, min_score=target_threshold())
    industry = listed[-1].industries[0]
    region = listed[-1].regions[0]
    client = _client(app, jobs_db, settings, "analyst")
    by_industry = _shown(client.get("/jobs", params={"industry": industry}).text)
    assert by_industry == [j.target_id for j in listed if industry in j.industries][:20]
    by_region = _shown(client.get("/jobs", params={"region": region}).text)
    assert by_region == [j.target_id for j in listed if region in j.regions][:20]
    assert len(by_industry) < len(listed) or len(by_region) < len(listed)
    both = client.get("/jobs", params={"industry": industry, "region": region}).text
    assert listed[-1].target_id in _shown(both)
    assert f'<option value="{industry}" selected>' in both
    # an unknown value narrows nothing; an analyst sees no link to the target page
    unknown = client.get("/jobs", params={"industry": "nonsense"}).text
    assert _shown(unknown) == [j.target_id for j in listed][:20]
    assert "/targets/C" not in unknown


@pytest.mark.parametrize("role", ROLES)
def test_jobs_page_roles(app: FastAPI, database: Database, settings: Settings, role: str) -> None:
    client = _client(app, database, settings, role)
    allowed = roles.is_allowed("jobs", role)
    page = client.get("/jobs")
    assert page.status_code == (200 if allowed else 403), role
    assert ('href="/jobs"' in client.get("/").text) is allowed
    if allowed:
        assert "Ingen rekrutterer passer til disse filtre." in page.text  # no job adverts here


@pytest.mark.browser
@pytest.mark.subprocess
def test_browser_jobs_page_filters_without_script_axe_and_phone(
    browser: Any,
    serve: Callable[..., str],
    database: Database,
    settings: Settings,
    job_world: JobWorld,
) -> None:
    load_jobs(database, job_world, up_to_day=5)
    clock.set_now(None)  # `scout web serve` and the TOTP codes run on the real clock
    with database.session() as session:
        listed = screening_list(session, min_score=target_threshold())
    industry = listed[-1].industries[0]
    url = serve()
    problems: dict[str, Any] = {}
    cookies: list[dict] = []
    for size in web_browser.SIZES:
        account = web_accounts.enrolled(database, settings, f"jo-{size}", "outreach")
        # the desktop page with scripts switched off: the list and its filter need none
        scripts = {"java_script_enabled": size != "desktop"}
        with web_browser.page(browser, size, **scripts) as page:
            web_browser.sign_in(page, url, account.name, account.secret)
            page.goto(url + "/jobs")
            assert _shown(page.content()) == [j.target_id for j in listed][:20]
            web_browser.screenshot(page, f"jobs-{size}")
            # the filter is a plain GET form
            page.select_option("#industry", industry)
            page.click("form.filters button.primary")
            page.wait_for_url(re.compile(rf"/jobs\?industry={industry}&region=$"))
            wanted = [j.target_id for j in listed if industry in j.industries][:20]
            assert _shown(page.content()) == wanted
            page.click(f"#j-{listed[-1].target_id} a")
            page.wait_for_url(f"{url}/targets/{listed[-1].target_id}")
            if scripts["java_script_enabled"]:
                problems[f"csp {size}"] = web_browser.csp_violations(page)
            cookies = page.context.cookies()
    problems["axe jobs"] = web_browser.axe(browser, url, cookies, "/jobs")
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
