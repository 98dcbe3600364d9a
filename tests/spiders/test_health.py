"""Crawl health verdicts from what a crawl saw: every status, its order and its boundaries."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from spiders.health import CrawlObservation, assess
from spiders.sitefile import Health

LIMITS = Health(min_adverts_ratio=0.2, max_empty_required=0.5)
# A finished crawl of a healthy site: 3 listing pages, 100 adverts, nothing missing.
GOOD = CrawlObservation(
    reason="finished",
    pages={"listing": 3, "detail": 100},
    items=100,
    empty_required={},
    misses={},
    failures=0,
    previous_items=100,
)


def _seen(**changes: Any) -> CrawlObservation:
    return replace(GOOD, **changes)


def test_health_good_crawl_is_complete_without_warnings() -> None:
    result = assess(GOOD, LIMITS)
    assert (result.status, result.warnings) == ("complete", [])


@pytest.mark.parametrize(
    ("changes", "status", "warning"),
    [
        (
            {"store_failed": "database gone"},
            "failed",
            "storing adverts failed: database gone",
        ),
        (
            {"blocked_reason": "HTTP 403 on /"},
            "blocked",
            "the site blocked the crawl (HTTP 403 on /); "
            "Scout stopped and will not try to get around it",
        ),
        (
            {"reason": "closespider_timeout"},
            "incomplete",
            "the crawl stopped early (closespider_timeout)",
        ),
        (
            {"reason": "shutdown"},
            "incomplete",
            "the crawl stopped early (shutdown)",
        ),
        (
            {"depth_limited": True},
            "incomplete",
            "listings go deeper than DEPTH_LIMIT; some adverts were not reached",
        ),
        (
            {"listing_failed": True},
            "incomplete",
            "a listing page failed after retries, so absent adverts are not marked gone",
        ),
        (
            {"items": 0, "previous_items": None},
            "degraded",
            "no adverts found although listing pages loaded: has the markup changed?",
        ),
        (
            {"items": 19},
            "degraded",
            "only 19 adverts where the last complete crawl found 100: has the markup changed?",
        ),
        (
            {"empty_required": {"text": 51}},
            "degraded",
            "required field 'text' empty in 51 of 100 adverts",
        ),
    ],
)
def test_health_each_verdict_with_its_reason(
    changes: dict[str, Any], status: str, warning: str
) -> None:
    result = assess(_seen(**changes), LIMITS)
    assert (result.status, result.warnings) == (status, [warning])


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        # the first problem found decides: storing, blocking, stopping early, depth, listings
        ({"store_failed": "x", "blocked_reason": "y", "reason": "shutdown"}, "failed"),
        ({"blocked_reason": "y", "reason": "shutdown", "depth_limited": True}, "blocked"),
        ({"reason": "shutdown", "depth_limited": True, "listing_failed": True}, "incomplete"),
        ({"depth_limited": True, "items": 0}, "incomplete"),
        ({"listing_failed": True, "empty_required": {"text": 100}}, "incomplete"),
    ],
)
def test_health_the_most_serious_problem_wins(changes: dict[str, Any], status: str) -> None:
    assert assess(_seen(**changes), LIMITS).status == status


@pytest.mark.parametrize(
    ("items", "previous", "status"),
    [
        (20, 100, "complete"),  # exactly the ratio: not fewer
        (19, 100, "degraded"),
        (1, 5, "complete"),  # 0.2 × 5 = 1
        (0, 5, "degraded"),
        (5, None, "complete"),  # no earlier complete crawl to compare with
        (5, 0, "complete"),
    ],
)
def test_health_advert_count_boundary(items: int, previous: int | None, status: str) -> None:
    seen = _seen(items=items, previous_items=previous)
    assert assess(seen, LIMITS).status == status


@pytest.mark.parametrize(
    ("empty", "status"),
    [(50, "complete"), (51, "degraded"), (0, "complete")],  # 50 of 100 is the limit itself
)
def test_health_empty_required_boundary(empty: int, status: str) -> None:
    assert assess(_seen(empty_required={"title": empty}), LIMITS).status == status


def test_health_no_adverts_and_no_listing_pages_is_not_a_markup_change() -> None:
    # nothing listed at all (an empty site): no markup warning, and nothing to divide by
    seen = _seen(items=0, pages={}, previous_items=None, empty_required={"text": 0})
    result = assess(seen, LIMITS)
    assert (result.status, result.warnings) == ("complete", [])
    assert result.health["empty_required_share"] == {}


def test_health_every_degradation_is_listed_in_field_order() -> None:
    seen = _seen(items=10, empty_required={"title": 6, "city": 9, "text": 2})
    result = assess(seen, LIMITS)
    assert result.status == "degraded"
    assert result.warnings == [
        "only 10 adverts where the last complete crawl found 100: has the markup changed?",
        "required field 'city' empty in 9 of 10 adverts",
        "required field 'title' empty in 6 of 10 adverts",
    ]


def test_health_report_holds_what_was_seen() -> None:
    seen = _seen(
        items=3,
        previous_items=3,
        misses={"price": 2},
        empty_required={"title": 1},
        reason="closespider_timeout",
    )
    assert assess(seen, LIMITS).health == {
        "pages_by_type": {"listing": 3, "detail": 100},
        "items": 3,
        "selector_misses": {"price": 2},
        "empty_required_share": {"title": 0.333},
        "previous_items": 3,
        "close_reason": "closespider_timeout",
        "side_requests": {},
        "side_refused": {},
    }


@pytest.mark.parametrize(
    ("refused", "asked", "status"),
    [
        (20, 100, "complete"),  # 0.2 is the limit itself
        (21, 100, "degraded"),
        (2, 2, "complete"),  # fewer than three refusals never degrade
        (3, 3, "degraded"),
        (0, 0, "complete"),
    ],
)
def test_health_refused_side_requests_degrade_with_the_reason(
    refused: int, asked: int, status: str
) -> None:
    seen = _seen(side_requests={"reveal": asked}, side_refused={"reveal": refused})
    result = assess(seen, LIMITS)
    assert result.status == status
    if status == "degraded":
        assert result.warnings == [
            f"{refused} of {asked} reveal requests were refused: does the site's own button "
            "send a method, header or body the site file does not give?"
        ]
        assert result.health["side_refused"] == {"reveal": refused}


def test_health_listing_page_limit_is_incomplete() -> None:
    result = assess(_seen(page_limit="listing /api/list reached max_pages (2)"), LIMITS)
    assert result.status == "incomplete"
    assert result.warnings == [
        "listing /api/list reached max_pages (2); absent adverts are not marked gone"
    ]


def test_health_sitemap_pages_count_as_listing_pages() -> None:
    result = assess(_seen(items=0, pages={"sitemap": 3}, previous_items=None), LIMITS)
    assert result.status == "degraded"
