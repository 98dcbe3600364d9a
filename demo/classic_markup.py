"""HTML of the classic (server-rendered) demo site in its two layouts: the class names differ."""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape

from demo.cities import CITIES, CITY_BY_SLUG
from demo.model import Advert, Version
from demo.pagestyle import LOCAL, MONTHS, posted_at, switches
from demo.phones import partial_phone
from demo.world import ROBOTS_TRAP

# Layout 2 renames every class, as a site redesign does, so layout-1 selectors find nothing.
LAYOUTS: dict[int, dict[str, str]] = {
    1: {
        "title": "ad-title", "text": "ad-text", "city": "ad-city", "age": "ad-age",
        "price": "ad-price", "name": "ad-name", "images": "ad-images", "posted": "ad-posted",
        "partial": "phone-partial", "show": "show-number", "listing": "listing",
        "card": "ad-card", "link": "listing-link", "next": "next", "city_link": "city-link",
    },
    2: {
        "title": "c-headline", "text": "c-body", "city": "c-loc", "age": "c-yrs",
        "price": "c-rate", "name": "c-alias", "images": "c-gallery", "posted": "c-stamp",
        "partial": "c-tel-teaser", "show": "c-tel-reveal", "listing": "c-results",
        "card": "c-tile", "link": "c-tile-link", "next": "c-pager-fwd", "city_link": "c-area",
    },
}  # fmt: skip

REVEAL_JS = """<script>
document.querySelectorAll('button[data-href]').forEach(function (b) {
  b.addEventListener('click', function () {
    fetch(b.dataset.href).then(function (r) { return r.json(); }).then(function (d) {
      var s = document.createElement('span'); s.className = 'phone-full';
      s.textContent = d.phone; b.replaceWith(s);
    });
  });
});
</script>"""


def posted_text(a: Advert, start: date, day: int | None) -> str:
    """The posting date as the page writes it, relative texts as seen on simulated ``day``."""
    style = switches(a)["date_style"]
    local = posted_at(a, start).astimezone(LOCAL)
    if style == "numeric" or (style == "relative" and day is None):
        return f"{local:%d.%m.%Y}"
    if style == "month_name":
        return f"{local.day}. {MONTHS[local.month - 1]}"
    if style == "relative":
        age = (start + timedelta(days=day or 0) - local.date()).days
        if age <= 0:
            return f"i dag kl. {local:%H:%M}"
        return f"i går kl. {local:%H:%M}" if age == 1 else f"for {age} dage siden"
    return f"{local.day}.{local.month}"


def _jsonld(a: Advert, v: Version) -> str:
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": v.title,
        "offers": {"@type": "Offer", "price": str(a.price), "priceCurrency": a.currency},
    }  # fmt: skip
    # ASCII with \u escapes survives the latin-1 page; "</" never closes the script early
    text = json.dumps(data).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def page(title: str | None, body: str, lang: str = "da", charset: str = "utf-8") -> str:
    """A whole HTML document."""
    head = f'<meta charset="{charset}">' + (f"<title>{escape(title)}</title>" if title else "")
    return f'<!doctype html>\n<html lang="{lang}"><head>{head}</head><body>{body}</body></html>\n'


def _nav() -> str:
    # The VIP link is the robots.txt trap: a polite crawler never follows it.
    return f'<nav><a href="/">Forside</a> · <a class="vip" href="{ROBOTS_TRAP}">VIP</a></nav>'


def home(layout: int) -> str:
    """Front page: links to every city listing."""
    cls = LAYOUTS[layout]
    links = "".join(
        f'<li><a class="{cls["city_link"]}" href="/city/{c.slug}">{escape(c.name)}</a></li>'
        for c in CITIES
    )
    return page("Annoncer - Classic demo", f"{_nav()}<h1>Byer</h1><ul>{links}</ul>")


def listing(layout: int, slug: str, page_no: int, items: list[Advert], day: int, more: bool) -> str:
    """One listing page of a city: cards linking to detail pages, and a next link."""
    cls = LAYOUTS[layout]
    city = CITY_BY_SLUG[slug].name
    cards = "".join(
        f'<li class="{cls["card"]}"><a class="{cls["link"]}" href="/ad/{a.external_id}">'
        f'{escape(a.version_on(day).title)}</a> <span class="{cls["city"]}">{escape(city)}</span>'
        f' <span class="{cls["age"]}">{a.age}</span></li>'
        for a in items
    )
    nxt = (
        f'<a class="{cls["next"]}" rel="next" href="/city/{slug}?page={page_no + 1}">Næste</a>'
        if more
        else ""
    )
    body = f'{_nav()}<h1>{escape(city)}</h1><ul class="{cls["listing"]}">{cards}</ul>{nxt}'
    return page(f"Annoncer i {city} - side {page_no}", body)


def detail_body(
    layout: int, a: Advert, v: Version, start: date, open_tags: bool = True, day: int | None = None
) -> str:
    """The advert's article; `open_tags=False` leaves tags unclosed (the malformed page)."""
    cls = LAYOUTS[layout]
    end = (lambda tag: f"</{tag}>") if open_tags else (lambda tag: "")
    switch = switches(a)
    stamp = posted_at(a, start).isoformat()
    when = f' datetime="{stamp}"' if switch["date_style"] == "iso" else ""
    structured = _jsonld(a, v) if switch["jsonld"] else ""
    price = (
        ""
        if switch["jsonld"]
        else f'<li>Pris: <span class="{cls["price"]}">{a.price} {a.currency}</span></li>'
    )
    phone = next((c for c in v.contacts if c.kind == "phone" and c.reveal == "button"), None)
    reveal = ""
    if phone is not None:
        reveal = (
            f'<div class="ad-phone"><span class="{cls["partial"]}">'
            f"{escape(partial_phone(phone.shown))}</span>"
            f'<button class="{cls["show"]}" data-href="/api/ad/{a.external_id}/phone">'
            f"Vis nummer</button></div>"
        )
    images = "".join(f'<li><img src="/img/{i}.jpg" alt="foto"></li>' for i in a.image_ids)
    city = CITY_BY_SLUG[v.city].name
    return (
        f'<article class="ad" data-id="{a.external_id}">{structured}'
        f'<h1 class="{cls["title"]}">{escape(v.title)}{end("h1")}'
        f'<ul class="ad-facts"><li>Navn: <span class="{cls["name"]}">{escape(a.name)}</span></li>'
        f'<li>Alder: <span class="{cls["age"]}">{a.age}</span></li>'
        f'<li>By: <span class="{cls["city"]}">{escape(city)}</span></li>'
        f"{price}</ul>"
        f'<time class="{cls["posted"]}"{when}>{escape(posted_text(a, start, day))}</time>'
        f'<div class="{cls["text"]}">{v.html}{end("div")}'
        f'{reveal}<ul class="{cls["images"]}">{images}</ul>{end("article")}'
    )


def detail(
    layout: int, a: Advert, v: Version, start: date, charset: str = "utf-8", day: int | None = None
) -> str:
    """A well-formed detail page (relative dates as seen on simulated ``day``)."""
    body = _nav() + detail_body(layout, a, v, start, day=day) + REVEAL_JS
    return page(f"{v.title} - Classic demo", body, a.languages[0], charset)


def vip_trap() -> str:
    """The page robots.txt forbids; only an impolite crawler ever sees it."""
    return page("VIP", "<h1>VIP</h1><p>Denne side må ikke crawles.</p>")
