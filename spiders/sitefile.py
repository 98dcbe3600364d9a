"""Site files: one YAML file per advert site, validated into a typed `SiteFile`.

A site file is data that operators edit; this module is the single definition
of what may be in one. Every field has a description, and a broken file fails
fast with an error naming the file, the field and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter
from typing import Annotated, Literal, Self
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import SelectorSyntaxError
from parsel import Selector
from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from pipeline.core import datafiles
from pipeline.core.datafiles import DataFileError, StrictModel
from pipeline.core.kinds import DEFAULT_KIND, ESCORT, KINDS
from pipeline.core.saferegex import SafeRegex

SITES_DIR = Path(__file__).resolve().parent / "sites"
SITE_NAME = r"^[a-z0-9_]{2,40}$"
# A host name of two or more labels, or "localhost" (the demo sites); IPv4 addresses match too.
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}|localhost")

# Collect little (PRIVACY rule 1): a site file can only extract what Scout stores; each kind
# of advert has its own list (pipeline/core/kinds.py). These are the escort advert's.
ADVERT_FIELDS = ESCORT.fields
FieldType = Literal["text", "int", "price", "city", "datetime", "date", "list"]
# Where a field may come from: the page (css, xpath), a JSON record (json), or the page's
# schema.org structured data (jsonld, microdata; read with extruct).
SOURCES = ("css", "xpath", "json_path", "jsonld", "microdata")


def _compiles(kind: str) -> AfterValidator:
    """Refuse a selector that does not compile now, not as a traceback mid-crawl (B21)."""

    def check(selector: str) -> str:
        try:
            getattr(Selector(text="<html></html>"), kind)(selector)
        except (ValueError, SelectorSyntaxError) as exc:  # parsel: ValueError for XPath
            problem = str(exc).splitlines()[0]
            raise ValueError(f"{kind} {selector!r} is not valid: {problem}") from None
        return selector

    return AfterValidator(check)


Css = Annotated[str, _compiles("css")]
XPath = Annotated[str, _compiles("xpath")]


class FieldSpec(StrictModel):
    """Where one advert field is on a page (CSS or XPath) or in a JSON record (dotted path)."""

    css: Css | None = Field(None, description="CSS selector; `::text` / `::attr(x)` allowed.")
    xpath: XPath | None = Field(None, description="XPath expression, instead of css.")
    json_path: str | None = Field(
        None, alias="json", description="Dotted path in a JSON record (API mode)."
    )
    jsonld: str | None = Field(
        None,
        description="Dotted path in the page's schema.org JSON-LD (e.g. `offers.price`); "
        "the first item (or `@graph` member) that has the path gives the value. A path "
        "may start with a type, `Product:offers.price`, to read only items of that type.",
    )
    microdata: str | None = Field(
        None,
        description="Dotted path in the page's schema.org microdata (`offers.price` reads "
        "the `price` property of the item in `offers`); a `Type:` prefix as for jsonld.",
    )
    regex: SafeRegex | None = Field(
        None,
        description="Optional regex applied to the extracted text; group 1 (or the whole "
        "match) is kept. Nested quantifiers, back-references and lookarounds are refused.",
    )
    type: FieldType = Field(
        "text",
        description="How the value is parsed: `datetime` is ISO 8601; `date` is a date as "
        "people write it (`02.12.2026`, `2. dec.`, `i går`, `for 3 timer siden`, `Posted: 0 "
        "minutes ago`), read with dateparser in the site's `language`, relative to the "
        "crawl's clock; `price` is an amount with its currency (`DKK1,000.00`, `1.500 "
        "kr./time`, `1500,-`).",
    )
    required: bool = Field(False, description="Counts towards crawl health when empty.")
    fallback: FieldSpec | None = Field(
        None,
        description="Another source (with its own type) read when this one finds nothing: "
        "adverts of one site differ (a price only in JSON-LD, a date only as text).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [name for name in SOURCES if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of css, xpath, json, jsonld or microdata")
        return self


class RosterSpec(StrictModel):
    """Who a clinic page lists "today": one element (or JSON record) a person, and where in
    it the person's name, stated age, nationality, languages and photos are. Each part's
    selector is relative to the person's element (record); photos are hashed, never kept."""

    persons: FieldSpec = Field(
        description="The persons' elements (`css` without `::`, or `xpath`) or, in API mode, "
        "the `json` path of the list of person records."
    )
    name: FieldSpec = Field(description="The name as written.")
    stated_age: FieldSpec | None = Field(None, description="The stated age (type int).")
    nationality: FieldSpec | None = Field(None, description="The stated nationality.")
    languages: FieldSpec | None = Field(
        None, description="Languages the page says the person speaks (type list)."
    )
    images: FieldSpec | None = Field(
        None, description="The person's photo URLs (hashed in memory, never kept)."
    )

    @model_validator(mode="after")
    def _person_elements(self) -> RosterSpec:
        persons = self.persons
        if persons.jsonld is not None or persons.microdata is not None or persons.regex:
            raise ValueError("roster.persons: give css, xpath or json, without regex")
        if persons.css is not None and "::" in persons.css:
            raise ValueError("roster.persons: select the persons' elements, not their text")
        return self


class BrowserStep(StrictModel):
    """One browser action, run in order before the page is parsed (needs `browser.needed`)."""

    action: Literal[
        "wait_for_selector", "click", "scroll", "scroll_until_stable", "wait_for_network_idle",
        "wait",
    ] = Field(description="What to do.")  # fmt: skip
    selector: str | None = Field(
        None,
        description="Element to wait for or click; for scroll_until_stable the advert links "
        "whose count must stop growing.",
    )
    max_scrolls: int = Field(
        30, ge=1, le=500, description="scroll_until_stable: scroll at most this many times."
    )
    timeout_ms: int = Field(10_000, ge=0, le=60_000, description="Give up after this long.")
    optional: bool = Field(False, description="Go on when the element is absent.")
    wait_for: str | None = Field(None, description="After a click: wait for this element.")

    @model_validator(mode="after")
    def _selector_needed(self) -> BrowserStep:
        if self.action in ("wait_for_selector", "click", "scroll_until_stable") and not (
            self.selector
        ):
            raise ValueError(f"action {self.action} needs a selector")
        return self


class BrowserSpec(StrictModel):
    needed: bool = Field(False, description="Render pages in headless Chromium (Playwright).")
    site_steps: list[BrowserStep] = Field(
        default_factory=list,
        description="Interstitials a visitor clicks through once (age gate, cookie consent): "
        "run on the first page of the browser context; on later pages only when the element "
        "is there again.",
    )
    listing_steps: list[BrowserStep] = Field(
        default_factory=list, description="Steps on listing pages."
    )
    detail_steps: list[BrowserStep] = Field(
        default_factory=list, description="Steps on advert pages."
    )


def _http_or_path(urls: list[str]) -> list[str]:
    """Start URLs are paths on the site or http(s) URLs; never file:, data: and the like (B15)."""
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.hostname):
            raise ValueError(f"{url!r} is neither a path nor an http(s) URL")
        if parts.username is not None or parts.password is not None:
            raise ValueError(f"{url!r} has a user part (user@host); give the host alone")
    return urls


StartUrls = Annotated[list[str], AfterValidator(_http_or_path)]


class ListingSpec(StrictModel):
    """How to walk the site in HTML mode: from start pages through listings to adverts."""

    start_urls: StartUrls = Field(
        default_factory=list, description="Paths or URLs of listing pages to start from."
    )
    listing_links: str | None = Field(
        None, description="CSS selector of links to further listing pages (e.g. cities)."
    )
    detail_links: str | None = Field(None, description="CSS selector of links to advert pages.")
    next_page: str | None = Field(None, description="CSS selector of the next-page link.")
    sitemaps: StartUrls = Field(
        default_factory=list,
        description="sitemap.xml files or sitemap indexes whose advert URLs are crawled.",
    )
    feeds: StartUrls = Field(
        default_factory=list, description="RSS or Atom feeds whose entry links are adverts."
    )
    advert_urls: SafeRegex | None = Field(
        None,
        description="Regex an advert URL from a sitemap or feed must match (other URLs there "
        "are skipped); default detail.external_id_from_url.",
    )

    @model_validator(mode="after")
    def _a_source(self) -> ListingSpec:
        if not (self.start_urls or self.sitemaps or self.feeds):
            raise ValueError("give start_urls, sitemaps or feeds")
        if self.start_urls and not self.detail_links:
            raise ValueError("start_urls need detail_links (the links to advert pages)")
        return self


def _placeholders(value: str) -> set[str]:
    try:
        return {name for _, name, _, _ in Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise ValueError(f"{value!r}: {exc}") from None


class PagingSpec(StrictModel):
    """Listing pages addressed by a query parameter, with the stop condition the site gives."""

    param: str = Field(description="Query parameter carrying the page number, offset or cursor.")
    kind: Literal["page", "offset", "cursor"] = Field(
        "page", description="page: 1, 2, 3…; offset: 0, n, 2n… (n = entries per page); "
        "cursor: the token the previous answer gave."
    )  # fmt: skip
    first: int = Field(1, ge=0, description="The first page number (kind page).")
    has_more: str | None = Field(None, description="Dotted path of a 'more pages' boolean.")
    total: str | None = Field(None, description="Dotted path of the total number of entries.")
    cursor: str | None = Field(None, description="Dotted path of the next cursor token.")
    max_pages: int = Field(
        200, ge=1, le=100_000, description="Stop after this many listing pages (incomplete)."
    )

    @model_validator(mode="after")
    def _cursor_path(self) -> PagingSpec:
        if (self.kind == "cursor") != (self.cursor is not None):
            raise ValueError("kind cursor needs cursor (and only it uses one)")
        return self


class ApiSpec(StrictModel):
    """JSON-API mode: listings and adverts read from the site's own JSON endpoints."""

    start_urls: StartUrls = Field(min_length=1, description="Listing endpoints to start from.")
    items: str = Field(description="Dotted path to the list of listing entries.")
    item_id: str = Field(description="Dotted path of the advert id inside a listing entry.")
    detail_url: str = Field(description="Advert endpoint; `{id}` is replaced by the id.")
    next_page: str | None = Field(None, description="Dotted path of the next listing URL.")
    paging: PagingSpec | None = Field(
        None, description="Page-number, offset or cursor paging instead of next_page."
    )
    page_url: str | None = Field(
        None, description="Human-readable advert URL stored with the advert; `{id}` replaced."
    )

    @field_validator("detail_url", "page_url")
    @classmethod
    def _id_placeholder(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if _placeholders(value) != {"id"}:
            raise ValueError(f"{value!r} must contain {{id}} and no other placeholder (B16)")
        return value


# Headers a site file may not set: they would log in, change who Scout says it is, or
# pretend to come from elsewhere (identity rotation). Cookies go in `cookies:`, checked there.
FORBIDDEN_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "user-agent", "x-forwarded-for",
     "forwarded", "x-real-ip", "via", "from", "host"}
)  # fmt: skip
# Cookie names that look like a login session: a site file declares consent, never identity.
_SESSION_COOKIE = re.compile(r"sess|auth|token|login|sid$|jwt", re.IGNORECASE)
PLACEHOLDERS = frozenset({"external_id", "page_url"})


def _templates(values: dict[str, str]) -> dict[str, str]:
    for value in values.values():
        unknown = _placeholders(value) - PLACEHOLDERS
        if unknown:
            raise ValueError(
                f"{value!r}: unknown placeholder(s) {sorted(unknown)}; "
                f"use {{external_id}} or {{page_url}}"
            )
    return values


Templates = Annotated[dict[str, str], AfterValidator(_templates)]


class RequestSpec(StrictModel):
    """A side request (an XHR of the page), sent as the page's own script sends it.

    Method, headers and body are what the site's own script sends from every visitor's
    browser; `{external_id}` and `{page_url}` in their values are the advert's.
    """

    url: FieldSpec = Field(description="Where the page names the endpoint its script fetches.")
    method: Literal["GET", "POST"] = Field("GET", description="HTTP method the script uses.")
    headers: Templates = Field(
        default_factory=dict,
        description="Headers the script's request carries (X-Requested-With, Accept, "
        "Referer…). Authorization, Cookie, User-Agent and forwarding headers are refused.",
    )
    form: Templates | None = Field(None, description="Form body (POST), as the script sends.")
    json_body: Templates | None = Field(
        None, alias="json", description="JSON body (POST), as the script sends."
    )

    @field_validator("headers")
    @classmethod
    def _allowed_headers(cls, value: dict[str, str]) -> dict[str, str]:
        refused = sorted(name for name in value if name.strip().lower() in FORBIDDEN_HEADERS)
        if refused:
            raise ValueError(
                f"header(s) {refused} may not be set: Scout never logs in, hides who it is "
                "or pretends to come from elsewhere"
            )
        return value

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        if self.form is not None and self.json_body is not None:
            raise ValueError("give form or json, not both")
        if (self.form is not None or self.json_body is not None) and self.method != "POST":
            raise ValueError("a form or json body needs method: POST")
        return self


class RevealSpec(RequestSpec):
    """A contact hidden behind a 'show number' button, fetched as the button fetches it."""

    json_field: str = Field("phone", description="Dotted path of the value in the JSON answer.")


# Page types of the crawl itself: a declared side request may not take one of these names.
BUILT_IN_PAGE_TYPES = frozenset({"listing", "detail", "sitemap", "feed", "reveal", "image"})


class SideRequestSpec(RequestSpec):
    """Another XHR the advert page makes (details, a messenger button): the fields it fills."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,29}$")] = Field(
        description="Short name, counted in crawl health like `reveal` (side_requests.<name>)."
    )
    fields: dict[str, FieldSpec] = Field(
        description="Advert fields read from the answer: `json:` paths of a JSON answer, "
        "`css:`/`xpath:` of an HTML one. They fill fields the page left empty; `contact` "
        "values are added to the advert's contacts."
    )

    @field_validator("name")
    @classmethod
    def _own_name(cls, value: str) -> str:
        if value in BUILT_IN_PAGE_TYPES:
            raise ValueError(f"{value!r} names one of the crawl's own requests; choose another")
        return value


class DetailSpec(StrictModel):
    external_id: FieldSpec | None = Field(None, description="The advert's id on its page.")
    external_id_from_url: SafeRegex | None = Field(
        None, description="Regex whose group 1 is the advert id in the advert URL."
    )
    fields: dict[str, FieldSpec] = Field(
        description="Advert fields; which ones depends on the site's kind "
        f"(escort: {', '.join(ADVERT_FIELDS)})."
    )
    images: FieldSpec | None = Field(None, description="Image URLs (hashed in memory, never kept).")
    roster: RosterSpec | None = Field(
        None, description="Clinic adverts: the persons the page lists today (kind clinic)."
    )
    contact_images: FieldSpec | None = Field(
        None,
        description="URLs of contact points drawn as images (e.g. `img.phone::attr(src)`): "
        "fetched, read with OCR in memory, the bytes discarded; photos are refused unread.",
    )
    reveal: RevealSpec | None = Field(None, description="Hidden contact fetched like the button.")
    side_requests: list[SideRequestSpec] = Field(
        default_factory=list,
        max_length=5,
        description="Other XHRs of the advert page, each with the fields it fills (the "
        "same header rules and refusal handling as reveal).",
    )
    gone_marker: str | None = Field(
        None,
        description="CSS selector present only on an advert page that says the advert is "
        "gone (for sites that answer 200 instead of 404/410).",
    )

    @field_validator("side_requests")
    @classmethod
    def _distinct_names(cls, value: list[SideRequestSpec]) -> list[SideRequestSpec]:
        names = [r.name for r in value]
        if len(names) != len(set(names)):
            raise ValueError(f"side request names must differ: {names}")
        return value

    @model_validator(mode="after")
    def _id_source(self) -> DetailSpec:
        if not (self.external_id or self.external_id_from_url):
            raise ValueError("give external_id or external_id_from_url")
        return self


class Politeness(StrictModel):
    download_delay: float = Field(2.0, ge=0, le=120, description="Seconds between requests.")
    concurrency_per_domain: int = Field(1, ge=1, le=8, description="Parallel requests per domain.")
    autothrottle: bool = Field(True, description="Adapt the delay to the server's latency.")
    max_retry_after: int = Field(
        300, ge=1, le=3600, description="Longest Retry-After (s) honoured before giving up."
    )


class Robots(StrictModel):
    obey: bool = Field(True, description="Obey robots.txt (the default).")
    reason: str | None = Field(None, description="Required when obey is false; logged.")

    @model_validator(mode="after")
    def _reason_to_ignore(self) -> Robots:
        if not self.obey and not (self.reason and self.reason.strip()):
            raise ValueError("robots.obey: false needs a reason")
        return self


class Health(StrictModel):
    min_adverts_ratio: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Degraded when a crawl finds fewer adverts than this share of the last one.",
    )
    max_empty_required: float = Field(
        0.5, ge=0, le=1, description="Degraded when a required field is empty in more items."
    )
    max_refused_side: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Degraded when more than this share of side requests (reveal, images, "
        "declared side_requests) of one kind is refused (at least 3 refusals).",
    )


class SiteFile(StrictModel):
    """One advert website."""

    name: str = Field(pattern=SITE_NAME, description="Short id; the file's stem.")
    description: str = Field("", description="What the site is, for operators.")
    kind: str = Field(
        DEFAULT_KIND, description=f"The kind of advert the site carries: {', '.join(KINDS)}."
    )
    base_url: str = Field(description="Scheme and host the relative URLs are joined to.")
    allowed_domains: list[str] = Field(
        default_factory=list, description="Hosts the crawl may visit; default the base URL's host."
    )
    listing: ListingSpec | None = Field(None, description="HTML mode: how to find adverts.")
    api: ApiSpec | None = Field(None, description="JSON-API mode instead of listing.")
    detail: DetailSpec = Field(description="How to read one advert.")
    browser: BrowserSpec = Field(default_factory=BrowserSpec, description="JavaScript rendering.")
    language: str = Field(
        "da",
        pattern=r"^[a-z]{2,3}$",
        description="Language the site writes dates in (ISO 639-1, e.g. `da`); English is "
        "tried after it (`Posted: 0 minutes ago`).",
    )
    timezone: str = Field(
        "Europe/Copenhagen", description="Time zone of dates the site writes without one."
    )
    cookies: dict[str, str] = Field(
        default_factory=dict,
        description="Cookies a visitor's click sets and the site then expects (an age gate's "
        "or a consent banner's answer); never a login session.",
    )
    crawl_interval_hours: float = Field(6, gt=0, le=168, description="How often to crawl.")
    politeness: Politeness = Field(default_factory=Politeness, description="Crawl gently.")
    robots: Robots = Field(default_factory=Robots, description="robots.txt handling.")
    block_markers: list[str] = Field(
        default_factory=lambda: ["captcha", "are you a robot", "access denied"],
        description="Words that, in a page's <title>, mark a block page: the crawl stops and "
        "reports, never evades. Words in the page body do not count (adverts may say them).",
    )
    block_elements: Css | None = Field(
        ".captcha, #captcha, .g-recaptcha, .h-captcha, iframe[src*='captcha'], #challenge-form",
        description="CSS selector of elements only a block page has (CAPTCHA widgets).",
    )
    gone_after_missed_crawls: int = Field(
        2, ge=1, le=20, description="Complete crawls that must miss an advert before it is gone."
    )
    health: Health = Field(default_factory=Health, description="When a crawl counts as degraded.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"{value!r} is not a time zone (e.g. Europe/Copenhagen)") from None
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        if "@" in parts.netloc:  # http://127.0.0.1@other: the host is `other`, not the first
            raise ValueError("must not have a user part (user@host); give the host alone")
        return value.rstrip("/")

    @field_validator("cookies")
    @classmethod
    def _consent_cookies(cls, value: dict[str, str]) -> dict[str, str]:
        for name, cookie in value.items():
            if _SESSION_COOKIE.search(name):
                raise ValueError(f"cookie {name!r} looks like a login session; Scout never logs in")
            if len(cookie) > 100:
                raise ValueError(f"cookie {name!r}: a consent answer is short (at most 100)")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _real_domains(cls, value: list[str]) -> list[str]:
        for domain in value:
            # "", ".", "*" and a bare TLD would let the crawl go anywhere (or, in Scrapy,
            # nowhere while the run reports complete): B10
            if not _DOMAIN.fullmatch(domain):
                raise ValueError(
                    f"{domain!r} is not a host name with a dot (e.g. ads.example.org) "
                    "or an IP address"
                )
        return value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown kind {value!r}; Scout knows {', '.join(KINDS)}")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> SiteFile:
        allowed = KINDS[self.kind].fields
        if "roster" in self.detail.fields:
            raise ValueError(
                "detail.fields: the roster is read with detail.roster (persons and their "
                "name, age, nationality, languages, photos), not as a field"
            )
        if self.detail.roster is not None and "roster" not in allowed:
            raise ValueError(
                f"detail.roster: {self.kind} adverts have no roster; Scout stores only "
                f"{', '.join(allowed)} (collect little)"
            )
        named = set(self.detail.fields).union(*(r.fields for r in self.detail.side_requests))
        unknown = sorted(named - set(allowed))
        if unknown:
            raise ValueError(
                f"detail.fields: unknown advert field(s) {unknown}; for {self.kind} adverts "
                f"Scout stores only {', '.join(allowed)} (collect little)"
            )
        return self

    @model_validator(mode="after")
    def _one_mode(self) -> SiteFile:
        if (self.listing is None) == (self.api is None):
            raise ValueError("give exactly one of listing (HTML mode) or api (JSON-API mode)")
        if self.api is not None and self.browser.needed:
            raise ValueError("api mode reads JSON and needs no browser")
        if self.api is not None and self.api.paging and self.api.next_page:
            raise ValueError("give api.paging or api.next_page, not both")
        return self

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path)

    def with_base_url(self, base_url: str) -> SiteFile:
        """The same site served elsewhere (the demo sites run on ephemeral ports)."""
        return self.model_copy(update={"base_url": base_url.rstrip("/"), "allowed_domains": []})

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.base_url).hostname or ""]


def load_site_file(path: Path) -> SiteFile:
    """Read and validate one site file; the name must equal the file's stem."""
    site = datafiles.load_document(path, SiteFile)
    if site.name != path.stem:
        raise DataFileError(
            datafiles.display_path(path),
            f"{site.name!r} must equal the file name {path.stem!r}",
            field="name",
        )
    return site


def configured_sites_dir() -> Path:
    """The folder of site files: the `sites_dir` setting, else the bundled one."""
    from pipeline.core.settings import load_settings

    return load_settings().sites_dir or SITES_DIR


def site_paths(directory: Path | None = None) -> list[Path]:
    return sorted((directory or configured_sites_dir()).glob("*.yaml"))


def load_site(name: str, directory: Path | None = None) -> SiteFile:
    directory = directory or configured_sites_dir()
    if not re.fullmatch(SITE_NAME, name):  # a path such as ../x would leave sites_dir (B22)
        raise DataFileError(
            datafiles.display_path(directory),
            f"{name!r} is not a site name (2-40 of a-z, 0-9 and _)",
        )
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in site_paths(directory)) or "none"
        raise DataFileError(
            datafiles.display_path(directory), f"no site file for {name!r} (known: {known})"
        )
    return load_site_file(path)


def load_all_sites(directory: Path | None = None) -> list[SiteFile]:
    return [load_site_file(path) for path in site_paths(directory)]
