"""Headless Chromium for sites that need JavaScript: launch options, blocking, steps as data."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from scrapy_playwright.page import PageMethod

from spiders.sitefile import BrowserStep

BLOCKED_RESOURCES = frozenset({"image", "media", "font"})
DEBIAN_CHROMIUM = "/usr/bin/chromium"


@cache
def chromium_executable() -> str | None:
    """Playwright's own Chromium when installed, else Debian's; $SCOUT_CHROMIUM overrides."""
    explicit = os.environ.get("SCOUT_CHROMIUM")
    if explicit:
        return explicit
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = playwright.chromium.executable_path
        if own and os.path.exists(own):
            return None  # Playwright finds its own browser by itself
    except Exception:
        pass
    return DEBIAN_CHROMIUM


def launch_options(args: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {"headless": True, "args": list(args)}
    executable = chromium_executable()
    if executable:
        options["executable_path"] = executable
    return options


def abort_request(request: Any) -> bool:
    """Images, media and fonts never load in the browser (images are hashed separately)."""
    return request.resource_type in BLOCKED_RESOURCES


def page_methods(steps: list[BrowserStep]) -> list[PageMethod]:
    """Site-file steps as scrapy-playwright PageMethods (run in order before parsing)."""
    methods = []
    for step in steps:
        if step.action == "wait_for_selector":
            methods.append(
                PageMethod(
                    "wait_for_selector", step.selector, timeout=step.timeout_ms, state="attached"
                )
            )
        elif step.action == "click":
            methods.append(
                PageMethod(_click, step.selector, step.timeout_ms, step.optional, step.wait_for)
            )
        elif step.action == "scroll_until_stable":
            methods.append(
                PageMethod(_scroll_until_stable, step.selector, step.max_scrolls, step.timeout_ms)
            )
        elif step.action == "scroll":
            methods.append(PageMethod("evaluate", "window.scrollTo(0, document.body.scrollHeight)"))
        elif step.action == "wait_for_network_idle":
            methods.append(
                PageMethod("wait_for_load_state", "networkidle", timeout=step.timeout_ms)
            )
        else:
            methods.append(PageMethod("wait_for_timeout", step.timeout_ms))
    return methods


async def _click(
    page: Any, selector: str, timeout_ms: int, optional: bool, wait_for: str | None
) -> None:
    if optional and await page.query_selector(selector) is None:
        return
    await page.click(selector, timeout=timeout_ms)
    if wait_for:
        await page.wait_for_selector(wait_for, timeout=timeout_ms, state="attached")


# What _scroll_until_stable returns when it stopped at max_scrolls with links still coming.
SCROLL_LIMIT = "max_scrolls reached"
_MORE_THAN = "([s, n]) => document.querySelectorAll(s).length > n"


async def _scroll_until_stable(
    page: Any, selector: str, max_scrolls: int, timeout_ms: int
) -> str | None:
    """Infinite scroll: scroll to the bottom until no new `selector` elements appear."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    count = await page.locator(selector).count()
    for _ in range(max_scrolls):
        await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        try:
            await page.wait_for_function(_MORE_THAN, arg=[selector, count], timeout=timeout_ms)
        except PlaywrightTimeout:
            return None  # stable: the listing has shown everything
        count = await page.locator(selector).count()
    return SCROLL_LIMIT


def scrolled_to_limit(methods: list[Any]) -> bool:
    """Whether a page's scroll_until_stable step stopped at its bound (the listing goes on)."""
    return any(getattr(method, "result", None) == SCROLL_LIMIT for method in methods)
