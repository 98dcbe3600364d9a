"""The market demo site: the details real advert sites have, for site files to describe.

It cross-posts the classic site's live adverts (ids `mk<classic id>`) behind:
- an age gate: HTML pages answer with the gate until the `age_ok=1` cookie its button sets;
- an infinitely scrolling front page, filled by JavaScript from `/api/list?page=N`
  (`has_more`; also `?offset=N` with `total`, and `/api/scroll?cursor=…` with `next_cursor`);
- server-rendered advert pages whose "show number" button POSTs a form to `/api/reveal`
  with `X-Requested-With: XMLHttpRequest`, and the endpoint answers 403 without that header;
- a sitemap index (`/sitemap.xml`, gzipped too: `/sitemap.xml.gz`) over two sitemaps,
  and an RSS feed of the newest adverts;
- posting dates only as Danish visitors read them (`02.12.2026 kl. 09:15`, `2. dec. 2026 kl. 09:15`,
  `i går kl. 09:15`: `posted_text`), no machine-readable stamp;
- a "more about me" XHR (`GET /api/details?ad=<id>`, 403 without `X-Requested-With`);
- schema.org JSON-LD on advert pages (a Product with its offer), for `scout sites new`;
- numbers drawn as images (`/phone/<id>.png`, Pillow, a few fonts, some with noise) instead
  of the button on every third advert that hides its number (`drawn_number`).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qsl

import phonenumbers

from demo.cities import CITY_BY_SLUG
from demo.classic_markup import page
from demo.drawn import FONTS, draw_number
from demo.model import Advert, Contact
from demo.pagestyle import LOCAL, MONTHS, posted_at
from demo.phones import partial_phone
from demo.web import Response, Site, html, json_response, text

PAGE_SIZE = 10
FEED_SIZE = 20
AGE_COOKIE = "age_ok=1"
PREFIX = "mk"
_AD = re.compile(r"^/ad/(mk[\w-]+)$")
_AD_API = re.compile(r"^/api/ad/(mk[\w-]+)$")
_SITEMAP = re.compile(r"^/sitemaps/ads-([12])\.xml$")
_PHONE_IMAGE = re.compile(r"^/phone/(mk[\w-]+)\.png$")
DRAWN_EVERY = 3  # every third advert that hides its number draws it as an image instead

AGE_GATE = page(
    "Market demo - alderskontrol",
    '<div class="age-gate"><h1>Kun for voksne</h1><p>Du skal være over 18 år.</p>'
    '<button id="age-ok">Jeg er over 18</button></div>'
    "<script>document.getElementById('age-ok').addEventListener('click', function () {"
    "document.cookie = 'age_ok=1; path=/'; location.reload(); });</script>",
)

SCROLL_JS = """<script>
var next = 1, more = true, busy = false, feed = document.querySelector('ul.feed');
function load() {
  if (!more || busy) return; busy = true;
  fetch('/api/list?page=' + next).then(function (r) { return r.json(); }).then(function (d) {
    d.items.forEach(function (a) {
      var li = document.createElement('li'), link = document.createElement('a');
      link.className = 'ad-link'; link.href = a.url; link.textContent = a.title;
      li.appendChild(link); feed.appendChild(li);
    });
    more = d.has_more; next += 1; busy = false;
  });
}
window.addEventListener('scroll', function () {
  if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 50) load();
});
load();
</script>"""

REVEAL_JS = """<script>
document.querySelectorAll('button.reveal').forEach(function (b) {
  b.addEventListener('click', function () {
    fetch(b.dataset.endpoint, {method: 'POST', body: 'ad=' + encodeURIComponent(b.dataset.ad),
      headers: {'X-Requested-With': 'XMLHttpRequest', 'Accept': 'application/json',
                'Content-Type': 'application/x-www-form-urlencoded'}})
      .then(function (r) { return r.json(); }).then(function (d) {
        var s = document.createElement('span'); s.className = 'number';
        s.textContent = d.number; b.replaceWith(s);
      });
  });
});
</script>"""


def market_id(classic_id: str) -> str:
    """The market's id of a cross-posted classic advert."""
    return PREFIX + classic_id


def posted_text(advert: Advert, start: date, day: int) -> str:
    """The posting time as the market writes it, local time, seen on simulated ``day``.

    The time is `demo.pagestyle.posted_at` (the ground truth); the style varies by advert.
    """
    local = posted_at(advert, start).astimezone(LOCAL)
    style = int(advert.external_id) % 3
    age = (start + timedelta(days=day) - local.date()).days
    if style == 0 and age in (0, 1):
        return f"{'i dag' if age == 0 else 'i går'} kl. {local:%H:%M}"
    if style == 1:
        return f"{local.day}. {MONTHS[local.month - 1]} {local.year} kl. {local:%H:%M}"
    return f"{local:%d.%m.%Y} kl. {local:%H:%M}"


def draws_number(advert: Advert) -> bool:
    """Whether the market draws this advert's hidden number as an image (ground truth)."""
    return int(advert.external_id) % DRAWN_EVERY == 0


def drawn_image(advert: Advert, number: str) -> bytes:
    """The PNG of a number (E.164) as the market draws it: font and noise vary by advert."""
    parsed = phonenumbers.parse(number)
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    seed = int(advert.external_id)
    noise = 0.03 if seed % 2 else 0.0
    return draw_number(text, FONTS[seed % len(FONTS)], size=26, noise=noise, seed=seed)


class MarketSite(Site):
    """Routes of the market site."""

    name = "market"
    source = "classic"  # the world's adverts it cross-posts
    post_paths = frozenset({"/api/reveal"})

    def world_advert(self, external_id: str) -> Advert | None:
        """The cross-posted classic advert behind a market id."""
        if not external_id.startswith(PREFIX):
            return None
        return self.world.advert(self.source, external_id.removeprefix(PREFIX))

    def live(self) -> list[Advert]:
        """Today's live adverts, newest first (the order of every listing on the site)."""
        ads = self.world.live(self.source, self.clock.day)
        return sorted(ads, key=lambda a: (-a.first_day, a.external_id))

    def route_request(
        self, path: str, query: dict[str, str], headers: Mapping[str, str]
    ) -> Response:
        base = f"http://{headers.get('host', '127.0.0.1')}"
        if path == "/api/list":
            return self._list(query)
        if path == "/api/scroll":
            return self._scroll(query.get("cursor", ""))
        if path == "/api/details":
            return self._details(query.get("ad", ""), headers)
        if m := _AD_API.match(path):
            return self._advert_json(m.group(1))
        if path == "/sitemap.xml":
            return _xml(_sitemap_index(base))
        if path == "/sitemap.xml.gz":  # the same index, gzipped as big sites serve it
            body = gzip.compress(_sitemap_index(base).encode("utf-8"), mtime=0)
            return Response(200, body, "application/gzip")
        if m := _SITEMAP.match(path):
            return _xml(self._sitemap(base, int(m.group(1))))
        if path == "/feed.xml":
            return _xml(self._feed(base), "application/rss+xml")
        if m := _PHONE_IMAGE.match(path):
            return self._phone_image(m.group(1))
        if path == "/" or _AD.match(path):
            if AGE_COOKIE not in headers.get("cookie", "").replace(" ", "").split(";"):
                return html(AGE_GATE)
            if path == "/":
                return html(_front())
            return self._detail(path.removeprefix("/ad/"))
        return text("not found", 404)

    # -- listings ---------------------------------------------------------------------
    def _entries(self, ads: list[Advert]) -> list[dict[str, str]]:
        day = self.clock.day
        return [
            {"id": market_id(a.external_id), "title": a.version_on(day).title,
             "url": f"/ad/{market_id(a.external_id)}"}
            for a in ads
        ]  # fmt: skip

    def _list(self, query: dict[str, str]) -> Response:
        """Page-number (`page`, from 1) or offset paging, with `has_more` and `total`."""
        ads = self.live()
        arg = query.get("offset") if "offset" in query else query.get("page", "1")
        if arg is None or not arg.isdigit() or ("offset" not in query and int(arg) < 1):
            return json_response({"error": "page from 1 or offset from 0"}, 400)
        start = int(arg) if "offset" in query else (int(arg) - 1) * PAGE_SIZE
        chunk = ads[start : start + PAGE_SIZE]
        return json_response(
            {"items": self._entries(chunk), "total": len(ads),
             "has_more": start + PAGE_SIZE < len(ads)}
        )  # fmt: skip

    def _scroll(self, cursor: str) -> Response:
        """Cursor paging: an opaque token names where the next page starts."""
        try:
            start = int(base64.urlsafe_b64decode(cursor.encode()).decode() or 0) if cursor else 0
        except ValueError:
            return json_response({"error": "bad cursor"}, 400)
        ads = self.live()
        chunk = ads[start : start + PAGE_SIZE]
        more = start + PAGE_SIZE < len(ads)
        token = base64.urlsafe_b64encode(str(start + PAGE_SIZE).encode()).decode() if more else None
        return json_response({"data": self._entries(chunk), "next_cursor": token})

    def _sitemap(self, base: str, part: int) -> str:
        ads = self.live()[part - 1 :: 2]  # two halves, as big sites split their sitemaps
        urls = "".join(
            f"<url><loc>{base}/ad/{market_id(a.external_id)}</loc>"
            f"<lastmod>{(self.world.start + timedelta(days=a.first_day)).isoformat()}</lastmod>"
            "</url>"
            for a in ads
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
        )

    def _feed(self, base: str) -> str:
        day = self.clock.day
        items = "".join(
            f"<item><title>{escape(a.version_on(day).title)}</title>"
            f"<link>{base}/ad/{market_id(a.external_id)}</link></item>"
            for a in self.live()[:FEED_SIZE]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Market demo: nyeste annoncer</title><link>{base}/</link>{items}"
            "</channel></rss>\n"
        )

    # -- adverts ------------------------------------------------------------------------
    def _hidden_contact(self, advert: Advert) -> Contact | None:
        version = advert.version_on(self.clock.day)
        return next(
            (c for c in version.contacts if c.kind == "phone" and c.reveal == "button"), None
        )

    def _hidden_phone(self, advert: Advert) -> str | None:
        """The number behind the "show number" button (None when drawn as an image)."""
        contact = self._hidden_contact(advert)
        return None if contact is None or draws_number(advert) else contact.shown

    def drawn_number(self, advert: Advert) -> str | None:
        """The number (E.164) the advert's page draws as an image today, if any."""
        contact = self._hidden_contact(advert)
        return contact.value if contact is not None and draws_number(advert) else None

    def _phone_image(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        number = self.drawn_number(advert) if advert is not None else None
        if advert is None or number is None:
            return text("no such image", 404 if advert is not None else status)
        return Response(200, drawn_image(advert, number), "image/png")

    def _detail(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            return html(page("Annoncen findes ikke", "<h1>Annoncen findes ikke</h1>"), status)
        v = advert.version_on(self.clock.day)
        hidden = self._hidden_phone(advert)
        reveal = (
            f'<div class="phone"><span class="teaser">{escape(partial_phone(hidden))}</span>'
            f'<button class="reveal" data-endpoint="/api/reveal" data-ad="{external_id}">'
            "Vis nummer</button></div>"
            if hidden
            else ""
        )
        if self.drawn_number(advert):
            reveal = (
                f'<div class="phone"><img class="phone-number" src="/phone/{external_id}.png"'
                ' alt="Telefonnummer"></div>'
            )
        images = "".join(f'<li><img src="/img/{i}.jpg" alt=""></li>' for i in advert.image_ids)
        body = (
            f'<nav><a href="/">Market</a></nav><article class="listing" data-ad="{external_id}">'
            f'<h1 class="headline">{escape(v.title)}</h1>'
            f'<p class="where">{escape(CITY_BY_SLUG[v.city].name)}</p>'
            f'<p class="years">{advert.age} år</p>'
            f'<p class="rate">{advert.price} {advert.currency}</p>'
            f'<time class="posted">{posted_text(advert, self.world.start, self.clock.day)}</time>'
            f'<div class="body">{v.html}</div>{reveal}<ul class="gallery">{images}</ul>'
            f'<section class="more" data-endpoint="/api/details?ad={external_id}"></section>'
            f"</article>{_jsonld(advert, v.title, v.text)}{REVEAL_JS}"
        )
        return html(page(f"{v.title} - Market demo", body, advert.languages[0]))

    def _details(self, external_id: str, headers: Mapping[str, str]) -> Response:
        """The "more about me" XHR the page's script makes: only with its header."""
        if headers.get("x-requested-with") != "XMLHttpRequest":
            return json_response({"error": "forbidden"}, 403)
        advert, status = self.lookup(external_id)
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        return json_response({"profile": {"age": advert.age, "languages": advert.languages}})

    def _advert_json(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        v = advert.version_on(self.clock.day)
        record: dict[str, Any] = {
            "id": external_id,
            "title": v.title,
            "text": v.text,
            "city": CITY_BY_SLUG[v.city].name,
            "age": advert.age,
            "price": f"{advert.price} {advert.currency}",
            "reveal": "/api/reveal" if self._hidden_phone(advert) else None,
            "phone_image": f"/phone/{external_id}.png" if self.drawn_number(advert) else None,
        }
        return json_response(record)

    def post(self, path: str, headers: dict[str, str], body: bytes) -> Response:
        """The "show number" XHR: only as the page's own button sends it."""
        if headers.get("x-requested-with") != "XMLHttpRequest":
            return json_response({"error": "forbidden"}, 403)
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        advert, status = self.lookup(form.get("ad", ""))
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        hidden = self._hidden_phone(advert)
        if hidden is None:
            return json_response({"error": "this advert shows its number in the text"}, 404)
        return json_response({"number": hidden})


def _jsonld(advert: Advert, title: str, text: str) -> str:
    """The advert as a schema.org Product (name, description, offer), as marketplaces add."""
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": title,
        "description": text,
        "offers": {"@type": "Offer", "price": str(advert.price), "priceCurrency": advert.currency},
    }  # fmt: skip
    body = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")  # "</" never closes it
    return f'<script type="application/ld+json">{body}</script>'


def _front() -> str:
    body = (
        '<nav><a href="/">Market</a> · <a href="/feed.xml">RSS</a></nav>'
        '<h1>Nyeste annoncer</h1><ul class="feed"></ul>' + SCROLL_JS
    )
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        "<style>ul.feed li{height:120px}</style></head>"
    )
    return page("Market demo", body).replace("</head>", head)


def _sitemap_index(base: str) -> str:
    parts = "".join(f"<sitemap><loc>{base}/sitemaps/ads-{n}.xml</loc></sitemap>" for n in (1, 2))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{parts}</sitemapindex>\n'
    )


def _xml(body: str, content_type: str = "application/xml") -> Response:
    return Response(200, body.encode("utf-8"), f"{content_type}; charset=utf-8")
