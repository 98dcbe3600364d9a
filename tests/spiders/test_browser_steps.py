"""Browser-mode steps as data: infinite scroll's bound, and site steps run once per context."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from playwright.async_api import TimeoutError as PlaywrightTimeout

from spiders import browser
from spiders.advert_spider import AdvertSpider
from spiders.sitefile import SITES_DIR, BrowserStep, SiteFile
from spiders.sitetools import try_page


class _Page:
    """Enough of a Playwright page: `grows` more links appear after each of the first scrolls."""

    def __init__(self, grows: int) -> None:
        self.links, self.grows, self.scrolls = 10, grows, 0

    def locator(self, selector: str) -> Any:
        page = self

        class _Locator:
            async def count(self) -> int:
                return page.links

        return _Locator()

    async def evaluate(self, script: str) -> None:
        self.scrolls += 1

    async def wait_for_function(self, script: str, arg: Any, timeout: int) -> None:
        if self.scrolls > self.grows:
            raise PlaywrightTimeout("no new links")
        self.links += 10


def _scroll(page: _Page, max_scrolls: int) -> Any:
    (method,) = browser.page_methods(
        [BrowserStep(action="scroll_until_stable", selector="a.ad", max_scrolls=max_scrolls)]
    )
    return asyncio.run(method.method(page, *method.args, **method.kwargs))


def test_scroll_until_stable_stops_when_no_new_links_appear() -> None:
    page = _Page(grows=3)
    assert _scroll(page, max_scrolls=30) is None
    assert (page.links, page.scrolls) == (40, 4)


def test_scroll_until_stable_at_its_bound_reports_the_limit() -> None:
    page = _Page(grows=100)
    result = _scroll(page, max_scrolls=5)
    assert result == browser.SCROLL_LIMIT and page.scrolls == 5
    method = type("M", (), {"result": result})()
    assert browser.scrolled_to_limit([method]) and not browser.scrolled_to_limit([])


def _browser_market() -> SiteFile:
    data = yaml.safe_load((SITES_DIR / "demo_market.yaml").read_text())
    data.pop("cookies")
    data["listing"] = {"start_urls": ["/"], "detail_links": "a.ad-link"}
    data["browser"] = {
        "needed": True,
        "site_steps": [{"action": "click", "selector": "#age-ok", "wait_for": "ul.feed"}],
        "listing_steps": [
            {"action": "wait_for_selector", "selector": "a.ad-link"},
            {"action": "scroll_until_stable", "selector": "a.ad-link", "timeout_ms": 2000},
        ],
    }
    return SiteFile.model_validate(data)


def test_site_steps_run_first_then_only_when_the_interstitial_shows_again() -> None:
    spider = AdvertSpider(site=_browser_market())
    first = spider.listing_request("http://127.0.0.1:8803/").meta["playwright_page_methods"]
    later = spider.listing_request("http://127.0.0.1:8803/x").meta["playwright_page_methods"]
    assert len(first) == len(later) == 3  # the click, then the two listing steps
    # the click's arguments: selector, timeout, optional, wait_for
    assert first[0].args[:3] == ("#age-ok", 10_000, False)
    assert later[0].args[:3] == ("#age-ok", 10_000, True)


@pytest.mark.browser
def test_sites_try_in_the_browser_clicks_the_gate_and_scrolls(demo_sites) -> None:
    site = _browser_market().with_base_url(demo_sites.server.market_url)
    result = try_page(site, "/", "Scout-test/0.1")
    live = demo_sites.server.market.live()
    assert result.page_type == "listing"
    assert len(set(result.links["detail_links"])) == len(live)
