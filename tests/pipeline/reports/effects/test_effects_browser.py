"""The effects report of the scripted team in a real headless Chromium: no console error, no
request leaving the file, every chart drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.app import App
from pipeline.reports.effects import make_effects
from spiders.settings import CHROMIUM_ARGS

from helpers.effects_world import TeamWorld


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_effects_report_opens_in_chromium(team_world: TeamWorld, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from spiders.browser import launch_options

    result = make_effects(App(), team_world.first, team_world.last, out=tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        requests: list[str] = []
        page.on(
            "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(result.page.as_uri())
        headings = page.locator("h1, h2").all_inner_texts()
        widths = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth)")
        browser.close()
    assert problems == []
    assert headings[0] == "Scout effects report 2026-11-02 to 2026-11-15"
    assert {"Summary", "The outreach funnel", "Indicators against outcomes", "Data quality"} <= set(
        headings
    )
    assert len(widths) == 5 and all(w and w > 0 for w in widths)
    assert all(url.startswith(("file:", "data:")) for url in requests)
