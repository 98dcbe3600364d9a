"""The pages for researchers, analysts and admins in Chromium against `scout web serve`:
labelling by keyboard, the digest in its sandboxed frame, axe-core (WCAG 2.2 AA) and the
CSP on every page, and screenshots for docs/web.md at desktop and phone size."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from models import Cluster, ClusterLabel
from pipeline.core.app import Context
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations import stages

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]


def _foundation() -> ModuleType:
    """The foundation's browser tests as a module (tests/ is not a package), loaded once under
    the name tests/conftest.py's `load_test_helper` gives it."""
    name = "scout_tests_pipeline_web_test_web_browser"
    if name not in sys.modules:
        path = Path(__file__).parent / "test_web_browser.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


BROWSER = _foundation()
# the foundation's fixtures, by name only (importing its test functions would run them twice)
serve = BROWSER.serve
browser = BROWSER.browser
PAGES = {
    "analyst": ["/digests", "/rules", "/label", "/sites"],
    "admin": ["/audit", "/exports", "/sites"],
}


@pytest.fixture(scope="session")
def truth(helper: ModuleType) -> dict[str, Any]:
    return helper.small_truth()


def _account(database: Database, settings: Settings, name: str, role: str) -> Any:
    web = sys.modules.get("scout_tests_pipeline_web_web_helpers")
    assert web is not None  # loaded by the `web` fixture
    return web.enrolled(database, settings, name, role)


def _top(database: Database) -> list[int]:
    with database.session() as session:
        query = select(Cluster.id).order_by(Cluster.score.desc(), Cluster.id)
        return list(session.scalars(query))


def test_browser_label_by_keyboard(
    browser: Any, serve: Callable[..., str], world_db: Database, settings: Settings, web
) -> None:
    url = serve()
    ali = _account(world_db, settings, "ali", "analyst")
    first, second = _top(world_db)[:2]
    with BROWSER._page(browser) as page:
        BROWSER._sign_in(page, url, "ali", ali.secret)
        page.goto(url + "/label")
        page.wait_for_url(f"{url}/label/{first}")
        page.fill("#note", "c typed into the note is no shortcut")
        page.locator("main h1").click()  # leave the note
        page.keyboard.press("c")
        page.wait_for_url(f"{url}/label/{second}")
        page.keyboard.press("n")  # next without labelling
        page.wait_for_url(f"{url}/label/{_top(world_db)[2]}")
        assert BROWSER._csp_violations(page) == []
    with world_db.session() as session:
        rows = session.scalars(select(ClusterLabel))
        labels = [(row.cluster_id, row.label, row.note) for row in rows]
    assert labels == [(first, "concern", "c typed into the note is no shortcut")]


def test_browser_pages_accessibility_csp_and_screenshots(
    browser: Any, serve: Callable[..., str], world_db: Database, settings: Settings, web
) -> None:
    with Context(settings) as context:
        week = stages.digest(context).week.label
    url = serve()
    problems: dict[str, Any] = {}
    cookies: dict[str, list[dict]] = {}
    for size in BROWSER.SIZES:
        for role in PAGES:
            # one account per sign-in: two sign-ins within one TOTP step would reuse a code
            account = _account(world_db, settings, f"{role}-{size}", role)
            with BROWSER._page(browser, size) as page:
                BROWSER._sign_in(page, url, account.name, account.secret)
                for path in PAGES[role] + ([f"/digests/{week}"] if role == "analyst" else []):
                    page.goto(url + path)
                    name = path.strip("/").split("/")[0] + ("-view" if path.count("/") > 1 else "")
                    BROWSER._screenshot(page, f"{name}-{size}")
                    problems[f"csp {path} {size}"] = BROWSER._csp_violations(page)
                if role == "analyst":  # the last page: the digest in its frame
                    heading = page.frame_locator("iframe.digest").locator("h1").first
                    assert week in heading.inner_text()
                cookies[role] = page.context.cookies()
    for role, paths in PAGES.items():
        for path in paths:
            problems[f"axe {path}"] = BROWSER._axe(browser, url, cookies[role], path)
    problems["axe digest"] = BROWSER._axe(browser, url, cookies["analyst"], f"/digests/{week}")
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
