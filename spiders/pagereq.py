"""What a page asks for next, shared by the spider and `scout sites try`: the links its
selectors point at, and a side request built as the page's own button builds it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector

from spiders.sitefile import RequestSpec, SiteFile


def links(page: Selector, page_url: str, selector: str | None) -> list[str]:
    """Absolute URLs of the links a CSS selector names (`href` unless it says `::attr`)."""
    if not selector:
        return []
    parts = [part.strip() for part in selector.split(",")]
    query = ", ".join(p if "::attr(" in p else f"{p}::attr(href)" for p in parts)
    return [urljoin(page_url, href) for href in page.css(query).getall()]


def cookie_header(site: SiteFile) -> dict[str, str]:
    """The site file's declared cookies as a header (Scout keeps no cookie jar)."""
    if not site.cookies:
        return {}
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in site.cookies.items())}


@dataclass
class SideRequest:
    """One side request: method, URL, headers and body exactly as the site file gives them."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def reveal_request(
    reveal: RequestSpec, endpoint: str, page_url: str, advert_id: str, site: SiteFile
) -> SideRequest:
    """A side request ("show number", or another declared XHR): `{external_id}` and
    `{page_url}` filled in."""
    values = {"external_id": advert_id, "page_url": page_url}
    headers = {
        **cookie_header(site),
        **{name: value.format_map(values) for name, value in reveal.headers.items()},
    }
    body: str | None = None
    if reveal.form is not None:
        body = urlencode({k: v.format_map(values) for k, v in reveal.form.items()})
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif reveal.json_body is not None:
        body = json.dumps({k: v.format_map(values) for k, v in reveal.json_body.items()})
        headers.setdefault("Content-Type", "application/json")
    return SideRequest(urljoin(page_url, endpoint), reveal.method, headers, body)


def on_hosts(url: str, domains: list[str]) -> bool:
    """Whether an http(s) URL's host is one of `domains` or under one (Scrapy's offsite rule)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and any(
        host == domain or host.endswith("." + domain) for domain in domains
    )
