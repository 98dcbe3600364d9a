"""The one generic spider: a site file says where adverts are; callbacks only route.

Extraction lives in `spiders.extract` (pure, browser or not); storage in the
item pipelines; run bookkeeping in `spiders.crawl_session`.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urljoin

import feedparser
import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure
from w3lib.encoding import html_to_unicode
from w3lib.url import add_or_replace_parameter

from pipeline.core import clock
from pipeline.core.saferegex import check_regex
from spiders import browser, pagereq
from spiders.crawl_session import CrawlSession
from spiders.extract import (
    Locale,
    external_id,
    extract_fields,
    json_path,
    raw_values,
    roster_person,
    roster_sources,
)
from spiders.images import perceptual_hash
from spiders.items import AdvertItem, GoneItem, RosterMember
from spiders.ocr import read_contact_image
from spiders.sitefile import (
    BrowserStep,
    FieldSpec,
    PagingSpec,
    SideRequestSpec,
    SiteFile,
    load_site,
)
from spiders.stagetimes import STAGES

MAX_IMAGES = 6
MAX_CONTACT_IMAGES = 3  # OCR costs about a second an image
MAX_FAILURES_KEPT = 200
MAX_CACHED_IMAGES = 100_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
LISTING_SOURCES = frozenset({"listing", "sitemap", "feed"})


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
        self.side_requests: Counter[str] = Counter()  # reveal / image requests made
        self.side_refused: Counter[str] = Counter()  # … of them answered with an error
        self.page_limit: str | None = None  # why a listing stopped at its max_pages
        self._site_steps_run = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> AdvertSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.crawl_session is None:  # plain `scrapy crawl adverts -a site=…`
            spider.crawl_session = CrawlSession.open(spider.site)
        crawler.signals.connect(spider._recheck_unlisted, signal=signals.spider_idle)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- requests -----------------------------------------------------------------
    def _meta(self, page_type: str, steps: list[BrowserStep] | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {"page_type": page_type}
        if self.site.browser.needed:
            meta["playwright"] = True
            meta["playwright_page_methods"] = browser.page_methods(
                self._site_steps() + list(steps or [])
            )
        return meta

    def _site_steps(self) -> list[BrowserStep]:
        """Interstitials: the first page clicks through; later ones only if it shows again."""
        steps = self.site.browser.site_steps
        if self._site_steps_run:
            return [step.model_copy(update={"optional": True}) for step in steps]
        self._site_steps_run = True
        return list(steps)

    def _request(self, url: str, **kwargs: Any) -> Request:
        """A page request carrying the site file's declared cookies (age gate, consent).

        Scout keeps no cookie jar (COOKIES_ENABLED is off): a site's own cookies never
        follow the crawl; only these declared answers do.
        """
        return Request(url, headers=pagereq.cookie_header(self.site), **kwargs)

    def listing_request(self, url: str, **meta: Any) -> Request:
        callback = self.parse_api_listing if self.site.api else self.parse_listing
        return self._request(
            url,
            callback=callback,
            errback=self.failed,
            meta=self._meta("listing", self.site.browser.listing_steps) | meta,
        )

    def source_request(self, url: str, kind: str) -> Request:
        """A sitemap or feed: plain XML, never rendered in the browser."""
        callback = self.parse_sitemap if kind == "sitemap" else self.parse_feed
        return self._request(url, callback=callback, errback=self.failed, meta={"page_type": kind})

    def detail_request(self, url: str, recheck: bool = False) -> Request:
        meta = self._meta("detail", self.site.browser.detail_steps)
        meta["handle_httpstatus_list"] = [404, 410]
        meta["recheck"] = recheck
        callback = self.parse_api_detail if self.site.api else self.parse_detail
        return self._request(
            url, callback=callback, errback=self.failed, meta=meta, priority=-1 if recheck else 0
        )

    async def start(self) -> Any:
        if self.site.api is not None:
            paging = self.site.api.paging
            for path in self.site.api.start_urls:
                url = self.site.url(path)
                if paging is not None and paging.kind != "cursor":
                    url = add_or_replace_parameter(url, paging.param, str(_first(paging)))
                yield self.listing_request(url, api_page=1, api_seen=0, api_start=path)
            return
        listing = self.site.listing
        assert listing is not None
        for path in listing.start_urls:
            yield self.listing_request(self.site.url(path))
        for path in listing.sitemaps:
            yield self.source_request(self.site.url(path), "sitemap")
        for path in listing.feeds:
            yield self.source_request(self.site.url(path), "feed")

    # -- HTML mode ----------------------------------------------------------------
    def _links(self, response: Response, selector: str | None) -> list[str]:
        if not selector or not isinstance(response, TextResponse):
            return []
        return pagereq.links(response.selector, response.url, selector)

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
        if browser.scrolled_to_limit(response.meta.get("playwright_page_methods") or []):
            self.page_limit = (
                f"{response.url} still grew after the scroll step's max_scrolls: "
                "some adverts were not reached"
            )

    # -- sitemaps and feeds ----------------------------------------------------------
    def _advert_url(self, url: str) -> Request | None:
        """A sitemap's or feed's URL as an advert request, when it looks like an advert's."""
        listing = self.site.listing
        assert listing is not None
        pattern = listing.advert_urls or self.site.detail.external_id_from_url
        if not pagereq.on_hosts(url, self.allowed_domains) or (
            pattern and not check_regex(pattern).search(url)
        ):
            self.crawler.stats.inc_value("scout/source_urls_skipped")
            return None
        self._note_listed(url)
        return self.detail_request(url)

    def parse_sitemap(self, response: Response) -> Any:
        """A urlset's advert URLs, or an index's sitemaps (Scrapy's own sitemap parser)."""
        self.pages["sitemap"] += 1
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        sitemap = Sitemap(body)
        for entry in sitemap:
            url = response.urljoin(entry.get("loc", ""))
            if sitemap.type == "sitemapindex":
                if pagereq.on_hosts(url, self.allowed_domains):
                    yield self.source_request(url, "sitemap")
            elif (request := self._advert_url(url)) is not None:
                yield request

    def parse_feed(self, response: Response) -> Any:
        """An RSS or Atom feed's entry links (feedparser reads both and their dialects)."""
        self.pages["feed"] += 1
        for entry in feedparser.parse(response.body).entries:
            link = entry.get("link")
            if link and (request := self._advert_url(response.urljoin(link))) is not None:
                yield request

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
        entries = json_path(data, api.items) or []
        for entry in entries:
            advert_id = json_path(entry, api.item_id)
            if advert_id is None:
                continue
            self._note_listed("", str(advert_id))
            yield self.detail_request(self.site.url(api.detail_url.format(id=advert_id)))
        if api.paging is not None:
            next_page = self._next_api_page(response, data, len(entries), api.paging)
            if next_page is not None:
                yield next_page
            return
        next_url = json_path(data, api.next_page) if api.next_page else None
        if next_url:
            yield self.listing_request(response.urljoin(str(next_url)))

    def _next_api_page(
        self, response: Response, data: Any, count: int, paging: PagingSpec
    ) -> Request | None:
        """The next listing page by the site's own stop condition, within max_pages."""
        page, seen = response.meta.get("api_page", 1), response.meta.get("api_seen", 0) + count
        if not count:  # an empty page ends every kind of paging
            return None
        token = json_path(data, paging.cursor) if paging.cursor else None
        if paging.kind == "cursor":
            more = bool(token)
        elif paging.has_more:
            more = bool(json_path(data, paging.has_more))
        elif paging.total:
            total = json_path(data, paging.total)
            more = not isinstance(total, int) or seen < total
        else:
            more = True  # until an empty page
        if not more:
            return None
        if page >= paging.max_pages:
            self.page_limit = (
                f"listing {response.meta.get('api_start', response.url)} reached "
                f"max_pages ({paging.max_pages}) with more pages left"
            )
            return None
        value = {"page": _first(paging) + page, "offset": seen, "cursor": token}[paging.kind]
        url = add_or_replace_parameter(response.url, paging.param, str(value))
        return self.listing_request(
            url, api_page=page + 1, api_seen=seen, api_start=response.meta.get("api_start")
        )

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
        refused: list[str] = []
        for spec in detail.side_requests:
            answered = await self._side_request(spec, source, url, advert_id, refused)
            for name, value in answered.items():
                if name == "contact":
                    contacts += value if isinstance(value, list) else [value]
                elif values.get(name) in (None, "", []):  # the page's own value comes first
                    values[name] = value
        if detail.reveal is not None:
            revealed = await self._reveal(source, url, advert_id, refused)
            if revealed:
                contacts.append(revealed)
        contacts += await self._contact_images(source, url, advert_id, refused)
        price, currency = values.get("price") or (None, None)
        image_hashes = await self._image_hashes(source, detail.images, url, advert_id, refused)
        roster = await self._roster(source, url, advert_id, refused)
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
            image_hashes=image_hashes,
            refused=refused,
            address=values.get("address"),
            opening_hours=values.get("opening_hours"),
            venue_name=values.get("venue_name"),
            roster=roster,
        )

    async def _roster(
        self, source: Selector | dict[str, Any], page_url: str, advert_id: str, refused: list[str]
    ) -> list[RosterMember]:
        """The persons a clinic page lists today; their photos only as perceptual hashes."""
        spec = self.site.detail.roster
        if spec is None:
            return []
        roster = []
        for person in roster_sources(source, spec):
            values = roster_person(person, spec, self.locale)
            photos = await self._image_hashes(person, spec.images, page_url, advert_id, refused)
            if not values["name"] and not photos:
                self.misses["roster_person"] += 1
                continue
            roster.append(
                RosterMember(
                    name=values["name"],
                    stated_age=values["stated_age"],
                    nationality=values["nationality"],
                    languages=tuple(values["languages"] or ()),
                    image_hashes=tuple(photos),
                )
            )
        return roster

    async def _reveal(
        self, source: Selector | dict[str, Any], page_url: str, advert_id: str, refused: list[str]
    ) -> str | None:
        """Fetch the hidden contact with the method, headers and body the button sends."""
        reveal = self.site.detail.reveal
        assert reveal is not None
        endpoints = raw_values(source, reveal.url)
        if not endpoints:
            return None
        side = pagereq.reveal_request(reveal, endpoints[0], page_url, advert_id, self.site)
        response = await self._fetch(
            side.url,
            "reveal",
            method=side.method,
            headers=side.headers,
            body=side.body,
            advert_id=advert_id,
            refused=refused,
        )
        if response is None:
            return None
        try:
            value = json_path(json.loads(response.text), reveal.json_field)
        except ValueError:
            self.record_failure(response.url, "reveal answer is not JSON", "reveal")
            return None
        return str(value) if value else None

    async def _side_request(
        self,
        spec: SideRequestSpec,
        source: Selector | dict[str, Any],
        page_url: str,
        advert_id: str,
        refused: list[str],
    ) -> dict[str, Any]:
        """A declared XHR of the page, sent as its script sends it; the fields its answer
        gives (JSON paths of a JSON answer, CSS/XPath of HTML). Refusals as for reveal."""
        endpoints = raw_values(source, spec.url)
        if not endpoints:
            return {}
        side = pagereq.reveal_request(spec, endpoints[0], page_url, advert_id, self.site)
        response = await self._fetch(
            side.url, spec.name, method=side.method, headers=side.headers, body=side.body,
            advert_id=advert_id, refused=refused,
        )  # fmt: skip
        if not isinstance(response, TextResponse):
            return {}
        answer: Selector | dict[str, Any]
        try:
            data = json.loads(response.text)
            answer = data if isinstance(data, dict) else {"": data}
        except ValueError:
            answer = Selector(text=self._page_text(response))
        found, _ = extract_fields(answer, spec, self.locale)
        return {name: value for name, value in found.items() if value not in (None, "", [])}

    async def _contact_images(
        self, source: Selector | dict[str, Any], page_url: str, advert_id: str, refused: list[str]
    ) -> list[str]:
        """Numbers drawn as images, read with OCR; the image bytes are never kept."""
        spec = self.site.detail.contact_images
        if spec is None:
            return []
        found = []
        for src in raw_values(source, spec)[:MAX_CONTACT_IMAGES]:
            response = await self._fetch(
                urljoin(page_url, src),
                "image",
                self.settings.getint("SCOUT_IMAGE_MAXSIZE"),
                advert_id=advert_id,
                refused=refused,
            )
            digits = None
            if response is not None:  # Tesseract off the reactor thread: pages go on meanwhile
                digits = await maybe_deferred_to_future(
                    deferToThread(STAGES.wrap("ocr", read_contact_image), response.body)
                )
            if digits is None:
                self.misses["contact_image"] += 1
            else:
                found.append(digits)
        return found

    async def _image_hashes(
        self,
        source: Selector | dict[str, Any],
        spec: FieldSpec | None,
        page_url: str,
        advert_id: str,
        refused: list[str],
    ) -> list[str]:
        if spec is None:
            return []
        hashes = []
        for src in raw_values(source, spec)[:MAX_IMAGES]:
            url = urljoin(page_url, src)
            if url in self._phash_by_url:  # shared photos are fetched once per crawl
                digest = self._phash_by_url[url]
            else:
                response = await self._fetch(
                    url,
                    "image",
                    self.settings.getint("SCOUT_IMAGE_MAXSIZE"),
                    advert_id=advert_id,
                    refused=refused,
                )
                with STAGES.timed("image hashing"):
                    digest = perceptual_hash(response.body) if response is not None else None
                if len(self._phash_by_url) < MAX_CACHED_IMAGES:
                    self._phash_by_url[url] = digest
            if digest and digest not in hashes:
                hashes.append(digest)
        return hashes

    async def _fetch(
        self,
        url: str,
        page_type: str,
        maxsize: int | None = None,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: str | None = None,
        advert_id: str | None = None,
        refused: list[str] | None = None,
    ) -> Response | None:
        """A side request (XHR, image) outside the scheduler, checked like a page (H19, H20).

        Only to the site's allowed domains, and through robots.txt (which Scrapy can then
        fetch for that host: its own robots.txt request is offsite-filtered like any other).
        A refusal (an error status) is recorded on the advert and counted in crawl health;
        it never stops the crawl (the block middleware lets side requests' 403s through).
        """
        if not pagereq.on_hosts(url, self.allowed_domains):
            self.crawler.stats.inc_value("scout/offsite_side_requests")
            self.record_failure(url, "not fetched: outside allowed_domains", page_type)
            return None
        meta: dict[str, Any] = {"page_type": page_type, "side_request": True}
        if maxsize:
            meta["download_maxsize"] = maxsize
        headers = headers if headers is not None else pagereq.cookie_header(self.site)
        request = Request(url, method=method, headers=headers, body=body, meta=meta)
        self.side_requests[page_type] += 1
        try:
            # no dont_filter: that would also switch off Scrapy's offsite check
            response = await self.crawler.engine.download_async(request)
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
            self.side_refused[page_type] += 1
            if refused is not None:
                refused.append(f"{page_type}: HTTP {response.status}")
            self.record_failure(url, f"HTTP {response.status}", page_type, advert_id)
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
        if page_type in LISTING_SOURCES and not self.blocked_reason:
            self.listing_failed = True
        self.record_failure(
            url, f"{type(failure.value).__name__}: {failure.getErrorMessage()}", page_type
        )

    def record_failure(
        self, url: str, error: str, page_type: str, advert_id: str | None = None
    ) -> None:
        self.crawler.stats.inc_value("scout/failures")
        if len(self.failures) < MAX_FAILURES_KEPT:
            failure = {"url": url, "error": error[:300], "page_type": page_type}
            if advert_id is not None:
                failure["advert"] = advert_id  # the advert whose side request this was
            self.failures.append(failure)
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


def _first(paging: PagingSpec) -> int:
    """The parameter's value on the first listing page."""
    return 0 if paging.kind == "offset" else paging.first
