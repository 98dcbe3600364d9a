"""A snapshot of the crawl's safety and politeness settings (PRIVACY rules 15–16)."""

from __future__ import annotations

import pytest
import scrapy
from packaging.version import Version

from spiders.run import crawl_settings
from spiders.sitefile import load_site

SAFETY = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_MAXSIZE": 4 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 1024 * 1024,
    "DOWNLOAD_TIMEOUT": 30,
    "DNS_TIMEOUT": 10,
    "REDIRECT_MAX_TIMES": 5,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "RETRY_ENABLED": True,
    "MEMUSAGE_ENABLED": True,
}


def test_crawl_settings_safety_snapshot() -> None:
    values = crawl_settings(load_site("demo_classic"), "ScoutBot/test")
    for name, expected in SAFETY.items():
        assert values[name] == expected, name
    handlers = values["DOWNLOAD_HANDLERS"]
    assert handlers["file"] is None and handlers["data"] is None
    assert values["EXTENSIONS"]["scrapy.extensions.telnet.TelnetConsole"] is None
    assert values["EXTENSIONS"]["scrapy.extensions.remote_control.RemoteControl"] is None
    assert values["USER_AGENT"] == "ScoutBot/test"
    assert 429 in values["RETRY_HTTP_CODES"] and 503 in values["RETRY_HTTP_CODES"]


def test_crawl_settings_polite_defaults_for_a_real_site() -> None:
    site = load_site("demo_classic").model_copy(
        update={"politeness": load_site("demo_classic").politeness.model_construct()}
    )
    values = crawl_settings(site, "ScoutBot/test")
    assert values["DOWNLOAD_DELAY"] == 2.0
    assert values["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert values["AUTOTHROTTLE_ENABLED"] is True


@pytest.mark.subprocess  # finds Chromium through Playwright's node driver (first call only)
def test_crawl_settings_browser_only_where_needed() -> None:
    plain = crawl_settings(load_site("demo_classic"), "ua")
    assert plain["DOWNLOAD_HANDLERS"].get("http") is None
    browser = crawl_settings(load_site("demo_spa"), "ua")
    assert "ScrapyPlaywrightDownloadHandler" in browser["DOWNLOAD_HANDLERS"]["http"]
    options = browser["PLAYWRIGHT_LAUNCH_OPTIONS"]
    assert options["headless"] is True
    assert "--disable-background-networking" in options["args"]


def test_crawl_settings_scrapy_has_decompression_bomb_fixes() -> None:
    assert Version(scrapy.__version__) >= Version("2.13.4")


@pytest.mark.subprocess  # finds Chromium through Playwright's node driver (first call only)
def test_crawl_settings_size_cap_applies_to_every_handler() -> None:
    # The Playwright handler ignores DOWNLOAD_MAXSIZE; this middleware applies it (H8).
    values = crawl_settings(load_site("demo_spa"), "ua")
    assert values["DOWNLOADER_MIDDLEWARES"]["spiders.middlewares.size.ResponseSizeMiddleware"]
