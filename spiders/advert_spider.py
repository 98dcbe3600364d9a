"""The one generic spider: a site file says where adverts are; callbacks only route.

Extraction lives in `spiders.extract` (pure, browser or not); storage in the
item pipelines; run bookkeeping in `spiders.crawl_session`.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure
from w3lib.encoding import html_to_unicode

from pipeline.core import clock
from pipeline.core.saferegex import check_regex
from spiders import browser
from spiders.crawl_session import CrawlSession
from spiders.extract import Locale, external_id, extract_fields, json_path, raw_values
from spiders.images import perceptual_hash
from spiders.items import AdvertItem, GoneItem
from spiders.ocr import read_contact_image
from spiders.sitefile import SiteFile, load_site

MAX_IMAGES = 6
MAX_CONTACT_IMAGES = 3  # OCR costs about a second an image
MAX_FAILURES_KEPT = 200
MAX_CACHED_IMAGES = 100_000


class AdvertSpider(scrapy.Spider):
    name = "adverts"

    def __init__(
        self,
        site: str | SiteFile,
        base_url: str | None = None,
        crawl_session: CrawlSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = site if isinstance(site, SiteFile) else load_site(site)
        if base_url:
            self.site = self.site.with_base_url(base_url)
        self.allowed_domains = self.site.domains
        self.locale = Locale(self.site.language, self.site.timezone)
        self.crawl_session = crawl_session
        self.listed: set[str] = set()
        self.pages: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.failures: list[dict[str, Any]] = []
        self.listing_failed = False
        self.blocked_reason: str | None = None
        self._rechecked = False
        self._phash_by_url: dict[str, str | None] = {}  # image URL → pHash, this crawl only

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> AdvertSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.crawl_session is None:  # plain `scrapy crawl adverts -a site=…`
            spider.crawl_session = CrawlSession.open(spider.site)
        crawler.signals.connect(spider._recheck_unlisted, signal=signals.spider_idle)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- requests -----------------------------------------------------------------
    def _meta(self, page_type: str, steps: list | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {"page_type": page_type}
        if self.site.browser.needed:
            meta["playwright"] = True
            meta["playwright_page_methods"] = browser.page_methods(steps or [])
        return meta

    def listing_request(self, url: str) -> Request:
        callback = self.parse_api_listing if self.site.api else self.parse_listing
        return Request(
            url,
            callback=callback,
            errback=self.failed,
            meta=self._meta("listing", self.site.browser.listing_steps),
        )

    def detail_request(self, url: str, recheck: bool = False) -> Request:
        meta = self._meta("detail", self.site.browser.detail_steps)
        meta["handle_httpstatus_list"] = [404, 410]
        meta["recheck"] = recheck
        callback = self.parse_api_detail if self.site.api else self.parse_detail
        return Request(
            url, callback=callback, errback=self.failed, meta=meta, priority=-1 if recheck else 0
        )

    async def start(self) -> Any:
        spec = self.site.api or self.site.listing
        assert spec is not None
        for path in spec.start_urls:
            yield self.listing_request(self.site.url(path))

    # -- HTML mode ----------------------------------------------------------------
    def _links(self, response: Response, selector: str | None) -> list[str]:
        if not selector:
            return []
        parts = [part.strip() for part in selector.split(",")]
        query = ", ".join(p if "::attr(" in p else f"{p}::attr(href)" for p in parts)
        return [response.urljoin(href) for href in response.css(query).getall()]

    def parse_listing(self, response: Response) -> Any:
        self.pages["listing"] += 1
        listing = self.site.listing
        assert listing is not None
        for url in self._links(response, listing.detail_links):
            self._note_listed(url)
            yield self.detail_request(url)
        for url in self._links(response, listing.listing_links):
            yield self.listing_request(url)
        for url in self._links(response, listing.next_page):
            yield self.listing_request(url)

    def _note_listed(self, url: str, advert_id: str | None = None) -> None:
        pattern = self.site.detail.external_id_from_url
        if advert_id is None and pattern:
            match = check_regex(pattern).search(url)
            advert_id = match.group(1) if match else None
        if advert_id:
            self.listed.add(advert_id)

    async def parse_detail(self, response: Response) -> Any:
        gone = self._gone(response)
        if gone:
            yield gone
            return
        self.pages["detail"] += 1
        item = await self._advert(Selector(text=self._page_text(response)), response.url)
        if item:
            yield item

    def _page_text(self, response: Response) -> str:
        """The page's text; a page that claims UTF-16/32 but is not is decoded by its bytes (H15).

        Markup is mostly ASCII, which UTF-16 and UTF-32 write with NUL bytes: a body without
        any was mislabelled, and decoding it as labelled would turn the advert into garbage.
        """
        encoding = getattr(response, "encoding", "") or ""
        if not encoding.replace("_", "-").lower().startswith(("utf-16", "utf-32")):
            return response.text
        if b"\0" in response.body[:4096]:
            return response.text
        self.crawler.stats.inc_value("scout/charset_mismatch")
        self.logger.warning(
            "page says %s but is not; decoded by its bytes: %s", encoding, response.url
        )
        return html_to_unicode(None, response.body)[1]

    # -- JSON-API mode --------------------------------------------------------------
    def parse_api_listing(self, response: Response) -> Any:
        self.pages["listing"] += 1
        api = self.site.api
        assert api is not None
        data = json.loads(response.text)
        for entry in json_path(data, api.items) or []:
            advert_id = json_path(entry, api.item_id)
            if advert_id is None:
                continue
            self._note_listed("", str(advert_id))
            yield self.detail_request(self.site.url(api.detail_url.format(id=advert_id)))
        next_url = json_path(data, api.next_page) if api.next_page else None
        if next_url:
            yield self.listing_request(response.urljoin(str(next_url)))

    async def parse_api_detail(self, response: Response) -> Any:
        gone = self._gone(response)
        if gone:
            yield gone
            return
        self.pages["detail"] += 1
        record = json.loads(response.text)
        api = self.site.api
        assert api is not None
        advert_id = external_id(record, response.url, self.site.detail)
        page_url = api.page_url.format(id=advert_id) if api.page_url and advert_id else None
        item = await self._advert(record, self.site.url(page_url) if page_url else response.url)
        if item:
            yield item

    # -- shared ----------------------------------------------------------------------
    def _gone(self, response: Response) -> GoneItem | None:
        marker = self.site.detail.gone_marker
        is_gone = response.status in (404, 410) or bool(
            marker and response.status == 200 and response.css(marker)
        )
        if not is_gone:
            return None
        advert_id = external_id(Selector(text=""), response.url, self.site.detail)
        if advert_id is None:
            return None
        return GoneItem(self.site.name, advert_id, response.url, response.status, clock.now())

    async def _advert(self, source: Selector | dict[str, Any], url: str) -> AdvertItem | None:
        detail = self.site.detail
        advert_id = external_id(source, url, detail)
        if advert_id is None:
            self.misses["external_id"] += 1
            return None
        values, misses = extract_fields(source, detail, self.locale)
        self.misses.update(misses)
        contacts = list(values.get("contact") or [])
        if isinstance(values.get("contact"), str):
            contacts = [values["contact"]]
        if detail.reveal is not None:
            revealed = await self._reveal(source, url)
            if revealed:
                contacts.append(revealed)
        contacts += await self._contact_images(source, url)
        price, currency = values.get("price") or (None, None)
        return AdvertItem(
            site=self.site.name,
            external_id=advert_id,
            url=url,
            fetched_at=clock.now(),
            kind=self.site.kind,
            title=values.get("title"),
            text=values.get("text"),
            city=values.get("city"),
            stated_age=values.get("stated_age"),
            price=price,
            currency=currency,
            posted_at=values.get("posted_at"),
            contacts=contacts,
            image_hashes=await self._image_hashes(source, url),
        )

    async def _reveal(self, source: Selector | dict[str, Any], page_url: str) -> str | None:
        reveal = self.site.detail.reveal
        assert reveal is not None
        endpoints = raw_values(source, reveal.url)
        if not endpoints:
            return None
        response = await self._fetch(urljoin(page_url, endpoints[0]), "reveal")
        if response is None:
            return None
        try:
            value = json_path(json.loads(response.text), reveal.json_field)
        except ValueError:
            self.record_failure(response.url, "reveal answer is not JSON", "reveal")
            return None
        return str(value) if value else None

    async def _contact_images(self, source: Selector | dict[str, Any], page_url: str) -> list[str]:
        """Numbers drawn as images, read with OCR; the image bytes are never kept."""
        spec = self.site.detail.contact_images
        if spec is None:
            return []
        found = []
        for src in raw_values(source, spec)[:MAX_CONTACT_IMAGES]:
            response = await self._fetch(
                urljoin(page_url, src), "image", self.settings.getint("SCOUT_IMAGE_MAXSIZE")
            )
            digits = read_contact_image(response.body) if response is not None else None
            if digits is None:
                self.misses["contact_image"] += 1
            else:
                found.append(digits)
        return found

    async def _image_hashes(self, source: Selector | dict[str, Any], page_url: str) -> list[str]:
        spec = self.site.detail.images
        if spec is None:
            return []
        hashes = []
        for src in raw_values(source, spec)[:MAX_IMAGES]:
            url = urljoin(page_url, src)
            if url in self._phash_by_url:  # shared photos are fetched once per crawl
                digest = self._phash_by_url[url]
            else:
                response = await self._fetch(
                    url, "image", self.settings.getint("SCOUT_IMAGE_MAXSIZE")
                )
                digest = perceptual_hash(response.body) if response is not None else None
                if len(self._phash_by_url) < MAX_CACHED_IMAGES:
                    self._phash_by_url[url] = digest
            if digest and digest not in hashes:
                hashes.append(digest)
        return hashes

    async def _fetch(self, url: str, page_type: str, maxsize: int | None = None) -> Response | None:
        """A side request (XHR, image) outside the scheduler, checked like a page (H19, H20).

        Only to the site's allowed domains, and through robots.txt (which Scrapy can then
        fetch for that host: its own robots.txt request is offsite-filtered like any other).
        """
        if not _on_hosts(url, self.allowed_domains):
            self.crawler.stats.inc_value("scout/offsite_side_requests")
            self.record_failure(url, "not fetched: outside allowed_domains", page_type)
            return None
        meta: dict[str, Any] = {"page_type": page_type}
        if maxsize:
            meta["download_maxsize"] = maxsize
        try:
            # no dont_filter: that would also switch off Scrapy's offsite check
            response = await self.crawler.engine.download_async(Request(url, meta=meta))
        except IgnoreRequest as exc:
            if "robots.txt" in str(exc):
                self.crawler.stats.inc_value("scout/robots_forbidden")
                self.logger.info("not fetched (forbidden by robots.txt): %s", url)
                return None
            self.record_failure(url, f"{type(exc).__name__}: {exc}", page_type)
            return None
        except Exception as exc:
            self.record_failure(url, f"{type(exc).__name__}: {exc}", page_type)
            return None
        self.pages[page_type] += 1
        if response.status >= 400:
            self.record_failure(url, f"HTTP {response.status}", page_type)
            return None
        return response

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        page_type = request.meta.get("page_type", "?") if request is not None else "?"
        url = request.url if request is not None else "?"
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            self.crawler.stats.inc_value("scout/robots_forbidden")
            self.logger.info("not fetched (forbidden by robots.txt): %s", url)
            return
        if page_type == "listing" and not self.blocked_reason:
            self.listing_failed = True
        self.record_failure(
            url, f"{type(failure.value).__name__}: {failure.getErrorMessage()}", page_type
        )

    def record_failure(self, url: str, error: str, page_type: str) -> None:
        self.crawler.stats.inc_value("scout/failures")
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append({"url": url, "error": error[:300], "page_type": page_type})
        self.logger.warning("failed %s page %s: %s", page_type, url, error[:300])

    def _recheck_unlisted(self) -> None:
        """Once the listings are done: look at known live adverts they no longer show."""
        if self._rechecked or self.crawl_session is None or self.blocked_reason:
            return
        self._rechecked = True
        unlisted = [(i, u) for i, u in self.crawl_session.known_live() if i not in self.listed]
        for _, url in unlisted:
            self.crawler.engine.crawl(self.detail_request(url, recheck=True))
        if unlisted:
            self.logger.info(
                "re-checking %d known adverts the listings no longer show", len(unlisted)
            )
            raise DontCloseSpider

    def _closed(self, reason: str) -> None:
        if self.crawl_session is not None:
            self.crawl_session.finish_crawl(self, reason)


def _on_hosts(url: str, domains: list[str]) -> bool:
    """Whether an http(s) URL's host is one of `domains` or under one (Scrapy's offsite rule)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and any(
        host == domain or host.endswith("." + domain) for domain in domains
    )
