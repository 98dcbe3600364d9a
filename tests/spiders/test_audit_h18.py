"""H18 (audit 2026-12-02): infinite pagination. The hostile site's `inf` mode links page N to
N+1 for ever; Scout's crawl depth is bounded and a crawl that reaches the bound says so
(`incomplete`, with a warning) instead of looking complete. The full 2000-page crawl the
audit ran is too slow for `make test`; these check each part of that behaviour."""

from __future__ import annotations

import urllib.request

from demo.hostile import HostileServer
from spiders import settings as scrapy_settings
from spiders.health import CrawlObservation, assess
from spiders.sitefile import Health


def test_h18_hostile_site_paginates_for_ever() -> None:
    with HostileServer(mode="inf") as server:
        for page in (1, 5000):
            url = f"{server.url}/list?page={page}"
            with urllib.request.urlopen(url, timeout=10) as answer:
                body = answer.read().decode()
            assert f"/list?page={page + 1}" in body and f"/ad/inf{page}" in body


def test_h18_crawl_depth_is_bounded() -> None:
    assert scrapy_settings.DEPTH_LIMIT == 1000


def test_h18_depth_limited_crawl_is_incomplete_with_a_warning() -> None:
    seen = CrawlObservation(
        reason="finished",
        pages={"listing": 1001, "detail": 1000},
        items=1000,
        empty_required={},
        misses={},
        failures=0,
        depth_limited=True,
    )
    result = assess(seen, Health(min_adverts_ratio=0.2, max_empty_required=0.5))
    assert result.status == "incomplete"
    assert result.warnings == ["listings go deeper than DEPTH_LIMIT; some adverts were not reached"]
