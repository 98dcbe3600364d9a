"""The single-page-app demo site: one HTML shell whose inline JS renders adverts from JSON."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from demo.cities import CITIES, CITY_BY_SLUG
from demo.model import Advert
from demo.web import Response, Site, html, json_response, text

PAGE_SIZE = 20
_AD_API = re.compile(r"^/api/ads/([\w-]+)$")
_PHONE_API = re.compile(r"^/api/ads/([\w-]+)/phone$")
_SHELL_PATHS = re.compile(r"^/(?:ad/[\w-]+|city/[a-z]+)?$")


@cache
def shell() -> str:
    """The one HTML page the SPA serves for every route; plain HTTP sees no adverts in it."""
    js = Path(__file__).with_name("static").joinpath("spa.js").read_text(encoding="utf-8")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Scout demo SPA'
        "</title><style>.text{white-space:pre-line}</style></head>"
        f'<body><div id="app"></div><script>{js}</script></body></html>\n'
    )


class SpaSite(Site):
    """Routes of the SPA: the shell for pages, JSON under /api/."""

    name = "spa"

    def route(self, path: str, query: dict[str, str]) -> Response:
        if _SHELL_PATHS.match(path):
            return html(shell())
        if path == "/api/cities":
            items = [{"slug": c.slug, "name": c.name, "region": c.region} for c in CITIES]
            return json_response({"items": items})
        if path == "/api/listings":
            return self._listings(query.get("city", ""), query.get("page", "1"))
        if m := _AD_API.match(path):
            return self._advert(m.group(1))
        if m := _PHONE_API.match(path):
            return self._phone(m.group(1))
        return text("not found", 404)

    def _listings(self, slug: str, page_arg: str) -> Response:
        if slug not in CITY_BY_SLUG or not page_arg.isdigit() or int(page_arg) < 1:
            return json_response({"error": "unknown city or page"}, 404)
        page_no, day = int(page_arg), self.clock.day
        ads = self.world.listings(self.name, day)[slug]
        chunk = ads[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        items = [
            {"id": a.external_id, "title": a.version_on(day).title, "city": slug,
             "url": f"/ad/{a.external_id}"}
            for a in chunk
        ]  # fmt: skip
        more = page_no * PAGE_SIZE < len(ads)
        nxt = f"/api/listings?city={slug}&page={page_no + 1}" if more else None
        return json_response({"items": items, "next": nxt})

    def _advert(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        return json_response(self.advert_json(advert))

    def advert_json(self, a: Advert) -> dict[str, Any]:
        """The `/api/ads/<id>` JSON; a hidden phone is only behind `phone_url`."""
        v = a.version_on(self.clock.day)
        hidden = any(c.kind == "phone" and c.reveal == "button" for c in v.contacts)
        return {
            "id": a.external_id,
            "title": v.title,
            "text": v.text,
            "html": v.html,
            "city": v.city,
            "city_name": CITY_BY_SLUG[v.city].name,
            "age": a.age,
            "price": a.price,
            "currency": a.currency,
            "name": a.name,
            "images": [f"/img/{i}.jpg" for i in a.image_ids],
            "posted": (self.world.start + timedelta(days=a.first_day)).isoformat(),
            "phone_url": f"/api/ads/{a.external_id}/phone" if hidden else None,
        }

    def _phone(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        for c in advert.version_on(self.clock.day).contacts:
            if c.kind == "phone" and c.reveal == "button":
                return json_response({"phone": c.shown})
        return json_response({"error": "this advert shows its number in the text"}, 404)
