"""The digest in a real headless Chromium: headings shown, every chart image loaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.core.app import App
from pipeline.core.db import Database
from pipeline.reports.digest import write_digest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[4]


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_digest_browser_renders_demo_world(demo_world_db: Database, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from spiders.browser import launch_options

    path = write_digest(App(), "2026-W46", tmp_path)
    shot = tmp_path / "digest.png"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(path.as_uri())
        headings = page.locator("h1, h2").all_inner_texts()
        widths = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth)")
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert headings[0] == "Scout weekly digest 2026-W46"
    assert "Crawl health per site" in headings and "Rotation between cities" in headings
    assert len(widths) == 6 and all(w and w > 0 for w in widths)
    assert all(url.startswith(("file:", "data:")) for url in requests)
    assert shot.stat().st_size > 50_000
    if os.environ.get("UPDATE_DIGEST_SCREENSHOT") == "1":  # refresh docs/images/digest.png
        shutil.copy(shot, REPO / "docs" / "images" / "digest.png")
