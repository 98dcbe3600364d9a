"""All of Scout's Scrapy wiring in one place, with every safety setting set explicitly.

Per-site values (delay, concurrency, robots.txt) are layered on top by
`crawl_settings()` from the site file; a test snapshots the result.
"""

from __future__ import annotations

from typing import Any

BOT_NAME = "scout"
SPIDER_MODULES = ["spiders.advert_spider"]
NEWSPIDER_MODULE = "spiders"

# Politeness (PRIVACY rule 15): identify, obey robots.txt, go slowly, back off.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False

# Safety (PRIVACY rule 16): size caps, timeouts, no remote control, no local files.
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 10
REDIRECT_MAX_TIMES = 5
# Deep enough for long paginated listings; the crawl is incomplete if it is ever reached.
DEPTH_LIMIT = 1000
URLLENGTH_LIMIT = 2083
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy's HTTP remote control would listen on a port
HTTPCACHE_ENABLED = False  # a cache would keep raw pages (personal data) on disk
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
CLOSESPIDER_TIMEOUT = 0  # set per crawl from --time-limit
LOG_LEVEL = "INFO"
# Scrapy's default logs a dropped item in full, contact points included (PRIVACY rule 3).
LOG_FORMATTER = "spiders.logformatter.IdOnlyLogFormatter"
CONCURRENT_ITEMS = 16

DOWNLOADER_MIDDLEWARES = {
    # before Scrapy's RetryMiddleware (550) sees the response on its way back
    "spiders.middlewares.retry_after.RetryAfterMiddleware": 560,
    "spiders.middlewares.blocks.BlockDetectionMiddleware": 570,
    # sees responses first, so nothing oversized is parsed (browser mode has no other cap)
    "spiders.middlewares.size.ResponseSizeMiddleware": 590,
}
ITEM_PIPELINES = {
    "spiders.pipelines.clean.CleanTextPipeline": 100,
    "spiders.pipelines.validate.ValidatePipeline": 200,
    "spiders.pipelines.store.StorePipeline": 900,
}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "spiders.progress.ProgressReporter": 500,
    # the memory guard on the current size, not a parent's peak (spiders/memusage.py)
    "scrapy.extensions.memusage.MemoryUsage": None,
    "spiders.memusage.CurrentMemoryUsage": 0,
}

# Scout's own settings, read by its components in from_crawler.
SCOUT_STORE_BATCH = 200
SCOUT_STORE_RETRIES = 3
SCOUT_IMAGE_MAXSIZE = 2 * 1024 * 1024
SCOUT_PROGRESS_INTERVAL = 1.0

# Browser (scrapy-playwright), switched on per crawl only for sites that need it.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def as_dict() -> dict[str, Any]:
    """This module's settings (upper-case names) as a dict."""
    return {name: value for name, value in globals().items() if name.isupper()}
