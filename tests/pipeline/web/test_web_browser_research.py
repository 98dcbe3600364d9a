"""The pages for researchers, analysts and admins in Chromium against `scout web serve`:
labelling by keyboard, the digest in its sandboxed frame, axe-core (WCAG 2.2 AA) and the
CSP on every page, and screenshots for docs/web.md at desktop and phone size."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from models import Cluster, ClusterLabel
from pipeline.core.app import Context
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations import stages

from helpers import web_accounts, web_browser

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]


PAGES = {
    "analyst": ["/digests", "/rules", "/label", "/sites"],
    "admin": ["/audit", "/exports", "/sites"],
}


def _top(database: Database) -> list[int]:
    with database.session() as session:
        query = select(Cluster.id).order_by(Cluster.score.desc(), Cluster.id)
        return list(session.scalars(query))


def test_browser_label_by_keyboard(
    browser: Any, serve: Callable[..., str], outreach_db: Database, settings: Settings
) -> None:
    url = serve()
    ali = web_accounts.enrolled(outreach_db, settings, "ali", "analyst")
    first, second = _top(outreach_db)[:2]
    with web_browser.page(browser) as page:
        web_browser.sign_in(page, url, "ali", ali.secret)
        page.goto(url + "/label")
        page.wait_for_url(f"{url}/label/{first}")
        page.fill("#note", "c typed into the note is no shortcut")
        page.locator("main h1").click()  # leave the note
        page.keyboard.press("c")
        page.wait_for_url(f"{url}/label/{second}")
        page.keyboard.press("n")  # next without labelling
        page.wait_for_url(f"{url}/label/{_top(outreach_db)[2]}")
        assert web_browser.csp_violations(page) == []
    with outreach_db.session() as session:
        rows = session.scalars(select(ClusterLabel))
        labels = [(row.cluster_id, row.label, row.note) for row in rows]
    assert labels == [(first, "concern", "c typed into the note is no shortcut")]


def test_browser_pages_accessibility_csp_and_screenshots(
    browser: Any, serve: Callable[..., str], outreach_db: Database, settings: Settings
) -> None:
    with Context(settings) as context:
        week = stages.digest(context).week.label
    url = serve()
    problems: dict[str, Any] = {}
    cookies: dict[str, list[dict]] = {}
    for size in web_browser.SIZES:
        for role in PAGES:
            # one account per sign-in: two sign-ins within one TOTP step would reuse a code
            account = web_accounts.enrolled(outreach_db, settings, f"{role}-{size}", role)
            with web_browser.page(browser, size) as page:
                web_browser.sign_in(page, url, account.name, account.secret)
                for path in PAGES[role] + ([f"/digests/{week}"] if role == "analyst" else []):
                    page.goto(url + path)
                    name = path.strip("/").split("/")[0] + ("-view" if path.count("/") > 1 else "")
                    web_browser.screenshot(page, f"{name}-{size}")
                    problems[f"csp {path} {size}"] = web_browser.csp_violations(page)
                if role == "analyst":  # the last page: the digest in its frame
                    heading = page.frame_locator("iframe.digest").locator("h1").first
                    assert week in heading.inner_text()
                cookies[role] = page.context.cookies()
    for role, paths in PAGES.items():
        for path in paths:
            problems[f"axe {path}"] = web_browser.axe(browser, url, cookies[role], path)
    problems["axe digest"] = web_browser.axe(browser, url, cookies["analyst"], f"/digests/{week}")
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
