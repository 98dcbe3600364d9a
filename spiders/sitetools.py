"""Writing a site file: try one page as the spider reads it, and draft a file for a new site.

`try_page` fetches one page with the site file's cookies (and, for a browser site, its
steps in headless Chromium), applies the same extraction as the crawl, sends the reveal
request as the spider sends it and lists the links the selectors find. `draft_site_file`
looks at a site's front page (and one listing under it) and writes a starting site file.
Both obey robots.txt and fetch only a handful of pages.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from parsel import Selector
from protego import Protego

from pipeline.core.saferegex import check_regex
from spiders import browser, pagereq
from spiders import settings as crawl_settings
from spiders.extract import Structured, external_id, json_path, raw_values, structured_path
from spiders.pagereq import SideRequest
from spiders.sitefile import ADVERT_FIELDS, RequestSpec, SideRequestSpec, SiteFile

MAX_BYTES = 12 * 1024 * 1024  # as the crawl's DOWNLOAD_MAXSIZE
TIMEOUT = 30


class NotAllowed(Exception):
    """robots.txt forbids the page, or it is outside the site's allowed domains."""


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(request: SideRequest, user_agent: str) -> Fetched:
    """One HTTP request with Scout's user agent; error statuses are answers, not exceptions."""
    data = request.body.encode() if request.body is not None else None
    headers = {"User-Agent": user_agent, **request.headers}
    http = urllib.request.Request(request.url, data, headers, method=request.method)
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT) as answer:
            return Fetched(
                answer.url, answer.status, answer.headers.get("Content-Type", ""),
                answer.read(MAX_BYTES),
            )  # fmt: skip
    except urllib.error.HTTPError as error:
        return Fetched(
            request.url, error.code, error.headers.get("Content-Type", ""), error.read(MAX_BYTES)
        )


class Robots:
    """robots.txt of each host asked, read once (Protego: Scrapy's own parser)."""

    def __init__(self, user_agent: str, obey: bool = True) -> None:
        self.user_agent, self.obey = user_agent, obey
        self._parsers: dict[str, Protego] = {}

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NotAllowed(f"{url}: not an http(s) URL")
        if not self.obey:
            return
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._parsers:
            answer = fetch(SideRequest(root + "/robots.txt"), self.user_agent)
            self._parsers[root] = Protego.parse(answer.text if answer.status == 200 else "")
        if not self._parsers[root].can_fetch(url, self.user_agent):
            raise NotAllowed(f"{url}: forbidden by robots.txt")


@dataclass
class FieldResult:
    name: str
    raw: list[str]
    value: Any
    required: bool

    @property
    def missed(self) -> bool:
        return not self.raw


@dataclass
class TryResult:
    """What one page gave: each field, the contacts, the reveal and the links."""

    url: str
    status: int
    page_type: str
    external_id: str | None = None
    fields: list[FieldResult] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    reveal: dict[str, Any] | None = None
    side: list[dict[str, Any]] = field(default_factory=list)  # declared side requests
    links: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def misses(self) -> list[str]:
        return [f.name for f in self.fields if f.missed]


def page_type_of(site: SiteFile, url: str) -> str:
    """`detail` when the URL looks like an advert's (external_id_from_url), else `listing`."""
    pattern = site.detail.external_id_from_url
    if pattern and check_regex(pattern).search(url):
        return "detail"
    return "listing"


def try_page(site: SiteFile, url: str, user_agent: str, page_type: str | None = None) -> TryResult:
    """Fetch one page as the spider would and read it with the site file."""
    url = site.url(url)
    if not pagereq.on_hosts(url, site.domains):
        raise NotAllowed(f"{url}: outside the site's allowed domains ({', '.join(site.domains)})")
    robots = Robots(user_agent, site.robots.obey)
    robots.check(url)
    kind = page_type or page_type_of(site, url)
    if site.browser.needed:
        steps = site.browser.detail_steps if kind == "detail" else site.browser.listing_steps
        status, text = asyncio.run(_render(site, url, user_agent, site.browser.site_steps + steps))
        source: Selector | dict[str, Any] = Selector(text=text)
    else:
        answer = fetch(SideRequest(url, headers=pagereq.cookie_header(site)), user_agent)
        status, text = answer.status, answer.text
        source = json.loads(text) if site.api and _is_json(answer) else Selector(text=text)
    result = TryResult(url, status, kind)
    if kind == "detail":
        _read_advert(site, source, url, user_agent, robots, result)
    _read_links(site, source, url, result)
    return result


def _is_json(answer: Fetched) -> bool:
    return "json" in answer.content_type or answer.body.lstrip()[:1] in (b"{", b"[")


def _read_advert(
    site: SiteFile, source: Selector | dict[str, Any], url: str, user_agent: str,
    robots: Robots, result: TryResult,
) -> None:  # fmt: skip
    from spiders.extract import extract_fields

    detail = site.detail
    result.external_id = external_id(source, url, detail)
    values, _ = extract_fields(source, detail)
    for name, spec in detail.fields.items():
        result.fields.append(
            FieldResult(name, raw_values(source, spec), values.get(name), spec.required)
        )
    contact = values.get("contact")
    result.contacts = [contact] if isinstance(contact, str) else list(contact or [])
    for request in detail.side_requests:
        info, answer = _send(site, request, source, url, user_agent, robots, result)
        if answer is not None:
            try:
                data = json.loads(answer.text)
                read: Selector | dict[str, Any] = data if isinstance(data, dict) else {}
            except ValueError:
                read = Selector(text=answer.text)
            found, _ = extract_fields(read, request)
            info["fields"] = {k: v for k, v in found.items() if v not in (None, "", [])}
        result.side.append({"name": request.name, **info})
    if detail.reveal is None:
        return
    info, answer = _send(site, detail.reveal, source, url, user_agent, robots, result)
    result.reveal = info
    if answer is None:
        return
    try:
        value = json_path(json.loads(answer.text), detail.reveal.json_field)
    except ValueError:
        result.reveal["error"] = "the answer is not JSON"
        return
    result.reveal["value"] = value
    if value:
        result.contacts.append(str(value))


def _send(
    site: SiteFile, spec: RequestSpec, source: Selector | dict[str, Any], url: str,
    user_agent: str, robots: Robots, result: TryResult,
) -> tuple[dict[str, Any], Fetched | None]:  # fmt: skip
    """A side request as the spider sends it: what was sent, and the answer unless refused."""
    endpoints = raw_values(source, spec.url)
    if not endpoints:
        what = spec.name if isinstance(spec, SideRequestSpec) else "reveal"
        return {"error": f"the page names no {what} endpoint (no button)"}, None
    side = pagereq.reveal_request(spec, endpoints[0], url, result.external_id or "", site)
    robots.check(side.url)
    answer = fetch(side, user_agent)
    info: dict[str, Any] = {"url": side.url, "method": side.method, "status": answer.status}
    if answer.status >= 400:
        info["error"] = f"refused: HTTP {answer.status}"
        return info, None
    return info, answer


def _read_links(
    site: SiteFile, source: Selector | dict[str, Any], url: str, result: TryResult
) -> None:
    if site.listing is not None and isinstance(source, Selector):
        listing = site.listing
        for name, selector in (
            ("detail_links", listing.detail_links),
            ("listing_links", listing.listing_links),
            ("next_page", listing.next_page),
        ):
            if selector:
                result.links[name] = pagereq.links(source, url, selector)
    elif site.api is not None and isinstance(source, dict):
        entries = json_path(source, site.api.items) or []
        ids = [json_path(e, site.api.item_id) for e in entries if isinstance(e, dict)]
        result.links["detail_links"] = [
            site.url(site.api.detail_url.format(id=i)) for i in ids if i is not None
        ]


async def _render(site: SiteFile, url: str, user_agent: str, steps: list[Any]) -> tuple[int, str]:
    """The page after the site file's browser steps, in headless Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            **browser.launch_options(crawl_settings.CHROMIUM_ARGS)
        )
        context = await chromium.new_context(user_agent=user_agent)
        if site.cookies:
            await context.add_cookies(
                [{"name": k, "value": v, "url": site.base_url} for k, v in site.cookies.items()]
            )
        page = await context.new_page()
        await page.route(
            "**/*",
            lambda route: (
                route.abort() if browser.abort_request(route.request) else route.continue_()
            ),
        )
        answer = await page.goto(url)
        for method in browser.page_methods(steps):
            call = method.method
            if callable(call):
                await call(page, *method.args, **method.kwargs)
            else:
                await getattr(page, call)(*method.args, **method.kwargs)
        text = await page.content()
        await chromium.close()
        return (answer.status if answer else 0), text


# -- a starting site file ------------------------------------------------------------------
_DIGITS = re.compile(r"\d+")


@dataclass
class Draft:
    yaml_text: str
    notes: list[str]


def draft_site_file(url: str, name: str, user_agent: str, cookies: dict[str, str]) -> Draft:
    """A starting site file from the front page: link patterns, sitemap, feed, JSON-LD."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    robots = Robots(user_agent)
    notes: list[str] = []
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}

    def get(page_url: str) -> Fetched:
        robots.check(page_url)
        return fetch(SideRequest(page_url, headers=header), user_agent)

    front = get(url)
    page = Selector(text=front.text)
    detail, listing = _link_groups(page, front.url, parts.hostname or "")
    detail_page_url = None
    if detail is None and listing is not None:
        # the front page lists places or categories: look one level down for adverts
        inner_url = listing[2][0]
        inner = get(inner_url)
        detail, _ = _link_groups(Selector(text=inner.text), inner.url, parts.hostname or "")
    next_page = "a[rel=next]" if page.css("a[rel=next]") else None
    feeds = page.css(
        "link[rel=alternate][type*=rss]::attr(href), link[rel=alternate][type*=atom]::attr(href)"
    ).getall()
    sitemap_url = base + "/sitemap.xml"
    sitemaps: list[str] = []
    try:
        answer = get(sitemap_url)
        if answer.status == 200 and (b"<urlset" in answer.body or b"<sitemapindex" in answer.body):
            sitemaps = ["/sitemap.xml"]
            if detail is None:
                detail_page_url = _advert_in_sitemap(answer, get, notes)
    except NotAllowed as exc:
        notes.append(str(exc))
    site: dict[str, Any] = {
        "name": re.sub(r"[^a-z0-9_]", "_", name.lower())[:40],
        "description": f"Drafted by `scout sites new` from {url}; edit before use.",
        "base_url": base,
    }
    if cookies:
        site["cookies"] = dict(cookies)
    listing_spec: dict[str, Any] = {}
    if detail is not None:
        listing_spec["start_urls"] = [parts.path or "/"]
        if listing is not None:
            listing_spec["listing_links"] = listing[0]
        listing_spec["detail_links"] = detail[0]
        if next_page:
            listing_spec["next_page"] = next_page
        detail_page_url = detail[2][0]
    if sitemaps:
        listing_spec["sitemaps"] = sitemaps
    if feeds:
        listing_spec["feeds"] = [urljoin(front.url, f).removeprefix(base) for f in feeds]
    if not listing_spec:
        notes.append("no advert links, sitemap or feed found: does the site need a browser?")
        listing_spec = {"start_urls": [parts.path or "/"], "detail_links": "a"}
    site["listing"] = listing_spec
    id_pattern = _id_pattern(detail_page_url) if detail_page_url else None
    fields: dict[str, Any] = {"title": {"css": "h1", "required": True}}
    if detail_page_url:
        notes.append(f"advert page looked at: {detail_page_url}")
        fields.update(_field_guesses(get(detail_page_url).text, notes))
    site["detail"] = {"external_id_from_url": id_pattern or "/([0-9]+)", "fields": fields}
    text = yaml.safe_dump(site, sort_keys=False, allow_unicode=True)
    SiteFile.model_validate(site)  # a draft that does not load would waste the author's time
    return Draft(text, notes)


def _advert_in_sitemap(answer: Fetched, get: Any, notes: list[str]) -> str | None:
    """An advert URL from a sitemap, looking into the first sitemap of an index."""
    for _ in range(2):
        locs = Selector(text=answer.text, type="xml").xpath("//*[local-name()='loc']/text()")
        urls = locs.getall()
        if b"<sitemapindex" not in answer.body:
            notes.append(f"the sitemap lists {len(urls)} URLs")
            return next((u for u in urls if _DIGITS.search(urlsplit(u).path)), None)
        notes.append(f"sitemap.xml is an index of {len(urls)} sitemaps")
        if not urls:
            return None
        answer = get(urls[0])
    return None


def _link_groups(
    page: Selector, page_url: str, host: str
) -> tuple[tuple[str, str, list[str]] | None, tuple[str, str, list[str]] | None]:
    """The advert-link group (paths ending in an id) and the listing-link group, each as
    (CSS selector, path shape, URLs)."""
    by_shape: dict[str, list[tuple[str, str]]] = {}
    for anchor in page.css("a[href]"):
        href = urljoin(page_url, anchor.attrib["href"])
        parts = urlsplit(href)
        if parts.hostname != host or not parts.path.strip("/"):
            continue
        segments = parts.path.strip("/").split("/")
        if _DIGITS.search(segments[-1]):
            shape = "/" + "/".join([*segments[:-1], "{id}"])
        elif len(segments) > 1:
            shape = "/" + "/".join([*segments[:-1], "{name}"])
        else:
            continue
        by_shape.setdefault(shape, []).append((href, anchor.attrib.get("class", "")))

    def group(kind: str) -> tuple[str, str, list[str]] | None:
        shapes = [(s, v) for s, v in by_shape.items() if s.endswith(kind) and len(v) >= 2]
        if not shapes:
            return None
        shape, anchors = max(shapes, key=lambda sv: len(sv[1]))
        classes = Counter(c.split()[0] for _, c in anchors if c.strip())
        prefix = shape.rsplit("/", 1)[0] + "/"
        css = f"a.{classes.most_common(1)[0][0]}" if classes else f'a[href*="{prefix}"]'
        return css, shape, list(dict.fromkeys(h for h, _ in anchors))

    return group("{id}"), group("{name}")


def _id_pattern(url: str) -> str | None:
    segments = urlsplit(url).path.strip("/").split("/")
    if not segments or not _DIGITS.search(segments[-1]):
        return None
    prefix = "/" + "/".join(segments[:-1]) + "/" if len(segments) > 1 else "/"
    return f"{re.escape(prefix)}([A-Za-z0-9_-]+)"


# schema.org properties an advert page's JSON-LD commonly has, as Scout's fields
_JSONLD_FIELDS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("title", "name", {}),
    ("text", "description", {}),
    ("price", "offers", {"type": "price"}),
    ("posted_at", "datePosted", {"type": "date"}),
    ("city", "address.addressLocality", {"type": "city"}),
)


def _jsonld_fields(page: Selector) -> dict[str, Any]:
    """Field sources from the page's JSON-LD (read as the spider reads it, with extruct)."""
    items = Structured(page).items("jsonld")
    fields: dict[str, Any] = {}
    for name, path, extra in _JSONLD_FIELDS:
        item = next((i for i in items if structured_path([i], path, "jsonld") is not None), None)
        if item is None:
            continue
        kind = item.get("@type")
        fields[name] = {"jsonld": f"{kind}:{path}" if isinstance(kind, str) else path, **extra}
    return fields


def _field_guesses(html: str, notes: list[str]) -> dict[str, Any]:
    """Fields from the advert page: its JSON-LD as field sources, a few CSS guesses."""
    page = Selector(text=html)
    guesses: dict[str, Any] = {}
    if page.css("time[datetime]"):
        guesses["posted_at"] = {"css": "time::attr(datetime)", "type": "datetime"}
    if page.css("a[href^='tel:']"):
        guesses["contact"] = {"css": "a[href^='tel:']::attr(href)", "type": "list"}
    structured = _jsonld_fields(page)
    if structured:
        notes.append(
            f"JSON-LD on the advert page gives {', '.join(structured)}: written as jsonld "
            "fields (docs/site-fields.md); check them on a few adverts with `scout sites try`"
        )
        if "title" in structured:  # the page's heading when an advert lacks the JSON-LD
            structured["title"] |= {"required": True, "fallback": {"css": "h1"}}
    guesses |= structured
    return {k: v for k, v in guesses.items() if k in ADVERT_FIELDS}
