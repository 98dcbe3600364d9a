"""Crawl health: decide a run's status from what it saw, so a broken site never looks fine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spiders.sitefile import Health

# Scrapy close reasons that mean the crawl walked the whole site.
FINISHED_REASONS = {"finished"}


@dataclass
class CrawlObservation:
    reason: str
    pages: dict[str, int]
    items: int
    empty_required: dict[str, int]
    misses: dict[str, int]
    failures: int
    listing_failed: bool = False
    depth_limited: bool = False
    blocked_reason: str | None = None
    store_failed: str | None = None
    previous_items: int | None = None
    side_requests: dict[str, int] = field(default_factory=dict)  # reveal/image: fetched
    side_refused: dict[str, int] = field(default_factory=dict)  # … answered 4xx/5xx
    page_limit: str | None = None  # a listing stopped at its site file's max_pages


@dataclass
class Assessment:
    status: str
    warnings: list[str] = field(default_factory=list)
    health: dict[str, Any] = field(default_factory=dict)


def assess(seen: CrawlObservation, limits: Health) -> Assessment:
    """complete | incomplete | degraded | blocked | failed, with the reasons why."""
    health: dict[str, Any] = {
        "pages_by_type": seen.pages,
        "items": seen.items,
        "selector_misses": seen.misses,
        "empty_required_share": {
            name: round(count / seen.items, 3)
            for name, count in seen.empty_required.items()
            if seen.items
        },
        "previous_items": seen.previous_items,
        "close_reason": seen.reason,
        "side_requests": seen.side_requests,
        "side_refused": seen.side_refused,
    }
    if seen.store_failed:
        return Assessment("failed", [f"storing adverts failed: {seen.store_failed}"], health)
    if seen.blocked_reason:
        return Assessment(
            "blocked",
            [
                f"the site blocked the crawl ({seen.blocked_reason}); "
                "Scout stopped and will not try to get around it"
            ],
            health,
        )
    if seen.reason not in FINISHED_REASONS:
        return Assessment("incomplete", [f"the crawl stopped early ({seen.reason})"], health)
    if seen.depth_limited:
        return Assessment(
            "incomplete",
            ["listings go deeper than DEPTH_LIMIT; some adverts were not reached"],
            health,
        )
    if seen.page_limit:
        return Assessment(
            "incomplete",
            [f"{seen.page_limit}; absent adverts are not marked gone"],
            health,
        )
    if seen.listing_failed:
        return Assessment(
            "incomplete",
            ["a listing page failed after retries, so absent adverts are not marked gone"],
            health,
        )
    warnings = _degradation(seen, limits)
    return Assessment("degraded" if warnings else "complete", warnings, health)


def _degradation(seen: CrawlObservation, limits: Health) -> list[str]:
    warnings = []
    previous = seen.previous_items
    listed = sum(seen.pages.get(kind, 0) for kind in ("listing", "sitemap", "feed"))
    if seen.items == 0 and listed > 0:
        warnings.append("no adverts found although listing pages loaded: has the markup changed?")
    elif previous and seen.items < limits.min_adverts_ratio * previous:
        warnings.append(
            f"only {seen.items} adverts where the last complete crawl found "
            f"{previous}: has the markup changed?"
        )
    for kind, refused in sorted(seen.side_refused.items()):
        asked = seen.side_requests.get(kind, 0)
        if refused >= 3 and asked and refused / asked > limits.max_refused_side:
            warnings.append(
                f"{refused} of {asked} {kind} requests were refused: does the site's own "
                f"button send a method, header or body the site file does not give?"
            )
    for name, count in sorted(seen.empty_required.items()):
        if seen.items and count / seen.items > limits.max_empty_required:
            warnings.append(f"required field '{name}' empty in {count} of {seen.items} adverts")
    return warnings
