"""The downloader middlewares on their own: block detection and Retry-After, no network."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from spiders.middlewares import blocks, retry_after
from spiders.middlewares.blocks import BlockDetectionMiddleware
from spiders.middlewares.retry_after import RetryAfterMiddleware, retry_after_seconds

URL = "http://127.0.0.1:8801/escort/koebenhavn"
MARKERS = ["captcha", "Are you a ROBOT"]  # looked for in a page's <title> only
BLOCK_ELEMENTS = ".captcha, #challenge-form"


class _Spider(scrapy.Spider):
    """What the middlewares read of AdvertSpider: the site file and the blocked reason."""

    name = "demo_classic"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = SimpleNamespace(
            name="demo_classic", block_markers=MARKERS, block_elements=BLOCK_ELEMENTS
        )
        self.blocked_reason: str | None = None


class _Slot:
    def __init__(self, delay: float, jitter: float) -> None:
        self.delay, self.jitter, self.lastseen = delay, jitter, 0.0


class _Engine:
    """Records close requests; holds one download slot for the demo site."""

    def __init__(self) -> None:
        self.closed_with: list[str] = []
        self.downloader = SimpleNamespace(
            slots={"127.0.0.1": _Slot(1.0, 0.5)}, get_slot_key=lambda request: "127.0.0.1"
        )

    async def close_spider_async(self, *, reason: str) -> None:
        self.closed_with.append(reason)


@pytest.fixture
def crawler(monkeypatch: pytest.MonkeyPatch) -> Crawler:
    """A configured Crawler with a spider and a stand-in engine (no crawl is started)."""
    crawler = get_crawler(_Spider, {"RETRY_TIMES": 2, "SCOUT_MAX_RETRY_AFTER": 60})
    crawler.spider = _Spider.from_crawler(crawler)
    crawler.engine = _Engine()  # type: ignore[assignment]
    # outside a reactor: run the engine's close coroutine straight away
    monkeypatch.setattr(blocks, "deferred_from_coro", asyncio.run)
    return crawler


def _html(status: int, body: str, url: str = URL, **headers: str) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body.encode(), headers=headers, encoding="utf-8")


def _page(title: str, body: str = "") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


# --- block detection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "page_type"),
    [
        (_html(200, _page("Escort i København")), "listing"),
        # an advert may say "captcha": words in the body do not make a block page
        (_html(200, _page("Sofie", "<p>no captcha, are you a robot?</p>")), "detail"),
        (_html(404, _page("Captcha")), "detail"),  # only 200, 429 and 503 pages are read
        (_html(403, "no"), "image"),  # images are not pages
        # a refused "show number" request is recorded on its advert, not a block
        (_html(403, "forbidden"), "reveal"),
        (_html(200, _page("Captcha"), **{"Content-Type": "text/plain"}), "listing"),  # not HTML
        (Response(URL, status=200, body=b"<title>captcha</title>"), "listing"),  # not text
    ],
)
def test_blocks_ordinary_responses_pass(
    crawler: Crawler, response: Response, page_type: str
) -> None:
    middleware = BlockDetectionMiddleware.from_crawler(crawler)
    request = Request(response.url, meta={"page_type": page_type})
    assert middleware.process_response(request, response) is response
    assert (crawler.spider.blocked_reason, crawler.engine.closed_with) == (None, [])


def test_blocks_robots_txt_403_passes(crawler: Crawler) -> None:
    url = "http://127.0.0.1:8801/robots.txt"
    response = _html(403, "forbidden", url=url)
    assert BlockDetectionMiddleware(crawler).process_response(Request(url), response) is response


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (403, "", f"HTTP 403 on {URL}"),
        (200, _page("Please solve the CAPTCHA"), f"block page ('captcha') on {URL}"),
        (429, _page("Are you a robot?"), f"block page ('Are you a ROBOT') on {URL}"),
        (
            503,
            _page("One moment", '<form id="challenge-form"></form>'),
            f"block page ('{BLOCK_ELEMENTS}') on {URL}",
        ),
        (200, _page("Hej", '<div class="captcha">'), f"block page ('{BLOCK_ELEMENTS}') on {URL}"),
    ],
)
@pytest.mark.parametrize("page_type", ["listing", "detail", "sitemap", "reveal"])
def test_blocks_block_page_stops_the_crawl(
    crawler: Crawler, status: int, body: str, reason: str, page_type: str
) -> None:
    if page_type == "reveal" and status == 403 and not body:
        return  # a bare 403 on a side request is a refusal (test above), not a block
    middleware = BlockDetectionMiddleware(crawler)
    with pytest.raises(IgnoreRequest, match=f"^{re.escape(reason)}$"):
        middleware.process_response(
            Request(URL, meta={"page_type": page_type}), _html(status, body)
        )
    assert crawler.spider.blocked_reason == reason
    assert crawler.engine.closed_with == ["blocked"]


def test_blocks_first_block_is_kept_and_the_crawl_closed_once(crawler: Crawler) -> None:
    middleware = BlockDetectionMiddleware(crawler)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(Request(URL), _html(403, ""))
    other = URL + "?page=2"
    with pytest.raises(IgnoreRequest, match="captcha"):
        middleware.process_response(Request(other), _html(200, _page("captcha"), url=other))
    assert crawler.spider.blocked_reason == f"HTTP 403 on {URL}"
    assert crawler.engine.closed_with == ["blocked"]


# --- Retry-After ----------------------------------------------------------------------------

NOW = datetime(2026, 11, 2, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        (b"", None),
        ("120", 120.0),
        (b"7", 7.0),
        (" 5 ", 5.0),
        ("0", 0.0),
        ("1.5", None),  # delta-seconds are whole numbers
        ("-5", None),
        ("soon", None),
        ("Mon, 02 Nov 2026 12:00:30 GMT", 30.0),
        (b"Mon, 02 Nov 2026 12:01:00 GMT", 60.0),
        ("Mon, 02 Nov 2026 13:00:30 +0100", 30.0),
        ("Mon, 02 Nov 2026 12:00:30 -0000", 30.0),  # no zone given: read as UTC
        ("Mon, 02 Nov 2026 11:00:00 GMT", 0.0),  # in the past: no wait
    ],
)
def test_retry_after_seconds(value: str | bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_retry_after_needs_retries_on(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotConfigured):
        RetryAfterMiddleware.from_crawler(get_crawler(_Spider, {"RETRY_ENABLED": False}))
    assert RetryAfterMiddleware.from_crawler(get_crawler(_Spider)).max_wait == 300
    configured = get_crawler(_Spider, {"SCOUT_MAX_RETRY_AFTER": 12.5})
    assert RetryAfterMiddleware.from_crawler(configured).max_wait == 12.5


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, Callable[[], None]]]:
    """Calls the middleware schedules on the reactor, to be run by hand."""
    calls: list[tuple[float, Callable[[], None]]] = []
    stand_in = SimpleNamespace(callLater=lambda delay, fn: calls.append((delay, fn)))
    monkeypatch.setattr(retry_after, "reactor", stand_in)
    return calls


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, {"Retry-After": "5"}),  # only 429 and 503 ask to wait
        (500, {"Retry-After": "5"}),
        (429, {}),  # no header: Scrapy's RetryMiddleware backs off as usual
        (503, {"Retry-After": "later"}),
    ],
)
def test_retry_after_leaves_other_responses(
    crawler: Crawler, later: list[Any], status: int, headers: dict[str, str]
) -> None:
    response = _html(status, "", **headers)
    assert RetryAfterMiddleware.from_crawler(crawler).process_response(Request(URL), response) is (
        response
    )
    assert later == []
    assert crawler.spider.blocked_reason is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_slows_the_site_then_retries(
    crawler: Crawler, later: list[tuple[float, Callable[[], None]]], status: int
) -> None:
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request(URL, meta={"page_type": "listing"})
    retry = middleware.process_response(request, _html(status, "", **{"Retry-After": "5"}))
    assert isinstance(retry, Request)
    assert (retry.url, retry.meta["retry_times"], retry.dont_filter) == (URL, 1, True)
    assert crawler.stats.get_value("scout/retry_after") == 1
    slot = crawler.engine.downloader.slots["127.0.0.1"]
    assert (slot.delay, slot.jitter) == (5.0, 0.0)
    assert [delay for delay, _ in later] == [5.0]
    later[0][1]()  # the wait is over: the usual pace again
    assert (slot.delay, slot.jitter) == (1.0, 0.5)


def test_retry_after_never_speeds_a_slow_site_up(
    crawler: Crawler, later: list[tuple[float, Callable[[], None]]]
) -> None:
    slot = crawler.engine.downloader.slots["127.0.0.1"]
    slot.delay = 10.0
    RetryAfterMiddleware(crawler, 60).process_response(
        Request(URL), _html(429, "", **{"Retry-After": "2"})
    )
    assert (slot.delay, slot.jitter) == (10.0, 0.0)
    later[0][1]()
    assert (slot.delay, slot.jitter) == (10.0, 0.5)


def test_retry_after_too_long_a_wait_counts_as_blocked(crawler: Crawler, later: list[Any]) -> None:
    response = _html(429, "", **{"Retry-After": "61"})
    assert RetryAfterMiddleware(crawler, 60).process_response(Request(URL), response) is response
    assert crawler.spider.blocked_reason == f"asked to wait 61s (Retry-After) on {URL}"
    assert later == []


def test_retry_after_gives_up_when_retries_are_used_up(crawler: Crawler, later: list[Any]) -> None:
    response = _html(503, "", **{"Retry-After": "1"})
    request = Request(URL, meta={"retry_times": 2})  # RETRY_TIMES = 2
    assert RetryAfterMiddleware(crawler, 60).process_response(request, response) is response
    assert crawler.stats.get_value("scout/retry_after") is None
    assert [delay for delay, _ in later] == [1.0]  # the site still gets the wait it asked for
