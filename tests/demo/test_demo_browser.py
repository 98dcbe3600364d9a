"""The SPA and the classic "show number" button in headless Chromium (skipped without it)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from demo import DemoServer, World

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium")
# Without the background-networking flags Chromium tries to reach the internet.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("no Chromium")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser.new_page()
        browser.close()


def test_browser_spa_renders_listing_detail_and_number(
    page: Any, server: DemoServer, demo_world: World
) -> None:
    ads = demo_world.listings("spa", 0)["koebenhavn"]
    page.goto(server.spa_url + "/city/koebenhavn")
    page.wait_for_selector("a.listing-link")
    hrefs = page.eval_on_selector_all(
        "a.listing-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert hrefs == [f"/ad/{a.external_id}" for a in ads[:20]]
    hidden = next(
        a for a in demo_world.live("spa", 0)
        if any(c.reveal == "button" for c in a.version_on(0).contacts)
    )  # fmt: skip
    page.goto(f"{server.spa_url}/ad/{hidden.external_id}")
    page.wait_for_selector("article.ad h1.title")
    assert page.inner_text("article.ad h1.title") == hidden.version_on(0).title
    assert page.inner_text("article.ad .age") == str(hidden.age)
    page.click("button.show-number")
    page.wait_for_selector("span.phone-full")
    shown = next(c.shown for c in hidden.version_on(0).contacts if c.reveal == "button")
    assert page.inner_text("span.phone-full") == shown


def test_browser_classic_show_number(page: Any, server: DemoServer, demo_world: World) -> None:
    hidden = next(
        a for a in demo_world.live("classic", 0)
        if any(c.reveal == "button" for c in a.version_on(0).contacts)
        and demo_world.special_kind("classic", a.external_id) is None
    )  # fmt: skip
    page.goto(f"{server.classic_url}/ad/{hidden.external_id}")
    page.click("button.show-number")
    page.wait_for_selector("span.phone-full")
    shown = next(c.shown for c in hidden.version_on(0).contacts if c.reveal == "button")
    assert page.inner_text("span.phone-full") == shown
