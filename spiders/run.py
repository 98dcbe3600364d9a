"""Run one crawl of one site in this process: `python -m spiders.run SITE [--base-url URL]`.

Scrapy's reactor cannot restart within a process, so `scout crawl` and the
scheduler start one of these per crawl. Exit code: 0 complete, 3 incomplete,
4 degraded, 5 blocked, 1 failed, 2 bad usage or set-up.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings

from pipeline.core import clock
from pipeline.core.errors import ScoutError
from pipeline.core.settings import load_settings
from spiders import browser, protocol
from spiders import settings as default_settings
from spiders.advert_spider import AdvertSpider
from spiders.crawl_session import CrawlSession
from spiders.sitefile import SiteFile, load_site


def crawl_settings(site: SiteFile, user_agent: str, time_limit: float = 0) -> dict[str, Any]:
    """Scout's Scrapy settings with the site file's politeness layered on top."""
    values = default_settings.as_dict()
    politeness = site.politeness
    values.update(
        {
            "USER_AGENT": user_agent,
            "ROBOTSTXT_OBEY": site.robots.obey,
            "DOWNLOAD_DELAY": politeness.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrency_per_domain,
            "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(politeness.download_delay, 0.1),
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(politeness.concurrency_per_domain),
            "SCOUT_MAX_RETRY_AFTER": politeness.max_retry_after,
            "CLOSESPIDER_TIMEOUT": time_limit,
        }
    )
    if site.browser.needed:
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        values["DOWNLOAD_HANDLERS"] = {
            **values["DOWNLOAD_HANDLERS"],
            "http": handler,
            "https": handler,
        }
        values["PLAYWRIGHT_LAUNCH_OPTIONS"] = browser.launch_options(values["CHROMIUM_ARGS"])
        values["PLAYWRIGHT_ABORT_REQUEST"] = browser.abort_request
    return values


def run_crawl(site: SiteFile, time_limit: float = 0) -> dict[str, Any]:
    """Crawl one site to the end in this process; returns the run's result."""
    settings = load_settings()
    session = CrawlSession.open(site)  # fails fast (one line) when the database is unusable
    process = CrawlerProcess(ScrapySettings(crawl_settings(site, settings.user_agent, time_limit)))
    process.crawl(AdvertSpider, site=site, crawl_session=session)
    process.start()
    return session.result or {
        "status": "failed",
        "warnings": ["the crawl did not finish"],
        "run_id": session.run_id,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.run", description=__doc__)
    parser.add_argument("site", help="site file name (spiders/sites/<site>.yaml)")
    parser.add_argument("--base-url", help="serve the site from here instead (demo sites)")
    parser.add_argument("--time-limit", type=float, default=0, help="seconds; 0 = none")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=None,
        help="simulated time of the crawl (demo world and tests only)",
    )
    args = parser.parse_args(argv)
    if args.as_of is not None:
        clock.set_now(args.as_of)
    try:
        site = load_site(args.site)
        if args.base_url:
            site = site.with_base_url(args.base_url)
        result = run_crawl(site, args.time_limit)
    except ScoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return protocol.USAGE_EXIT_CODE
    protocol.emit_result(result)
    return protocol.exit_code_for(result["status"])


if __name__ == "__main__":
    sys.exit(main())
