"""The classic demo site: server-rendered listings and detail pages, with deliberate bad pages."""

from __future__ import annotations

import re

from demo import classic_markup as markup
from demo.cities import CITY_BY_SLUG
from demo.clock import SimClock
from demo.web import Response, Site, html, json_response, text
from demo.world import ROBOTS_TRAP, World

PAGE_SIZE = 20
OVERSIZE_BYTES = 12 * 1024 * 1024 + 256 * 1024  # just over the 12 MiB a crawler should refuse
FLAKY_FAILURES = 2
_AD = re.compile(r"^/ad/([\w-]+)$")
_PHONE = re.compile(r"^/api/ad/([\w-]+)/phone$")
_CITY = re.compile(r"^/city/([a-z]+)$")


class ClassicSite(Site):
    """Routes of the classic site; `layout_version` 2 renames all CSS classes."""

    name = "classic"

    def __init__(self, world: World, clock: SimClock) -> None:
        super().__init__(world, clock)
        self.layout_version = 1
        self._flaky_hits: dict[str, int] = {}

    def route(self, path: str, query: dict[str, str]) -> Response:
        if path == "/":
            return html(markup.home(self.layout_version))
        if path == ROBOTS_TRAP:
            return html(markup.vip_trap())
        if m := _CITY.match(path):
            return self._listing(m.group(1), query.get("page", "1"))
        if m := _AD.match(path):
            return self._detail(m.group(1))
        if m := _PHONE.match(path):
            return self._phone(m.group(1))
        return text("not found", 404)

    def _listing(self, slug: str, page_arg: str) -> Response:
        if slug not in CITY_BY_SLUG or not page_arg.isdigit() or int(page_arg) < 1:
            return text("not found", 404)
        page_no = int(page_arg)
        day = self.clock.day
        ads = self.world.listings(self.name, day)[slug]
        items = ads[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
        if page_no > 1 and not items:
            return text("not found", 404)
        more = page_no * PAGE_SIZE < len(ads)
        return html(markup.listing(self.layout_version, slug, page_no, items, day, more))

    def _detail(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            gone = markup.page("Annoncen er væk", "<h1>Annoncen er væk</h1>")
            return html(gone, status)
        day, start, layout = self.clock.day, self.world.start, self.layout_version
        version = advert.version_on(day)
        kind = self.world.special_kind(self.name, external_id)
        if kind == "flaky":
            with self._lock:
                hits = self._flaky_hits[external_id] = self._flaky_hits.get(external_id, 0) + 1
            if hits <= FLAKY_FAILURES:
                return html(markup.page("Fejl", "<h1>500 Internal Server Error</h1>"), 500)
        if kind == "latin1":
            doc = markup.detail(layout, advert, version, start, charset="iso-8859-1", day=day)
            body = doc.encode("iso-8859-1", errors="xmlcharrefreplace")
            return Response(200, body, "text/html; charset=iso-8859-1")
        if kind == "malformed":
            # No <title>, no closing tags, a stray end tag: browsers and lxml still cope.
            inner = markup.detail_body(layout, advert, version, start, open_tags=False, day=day)
            return html(f"<html><body><div class='wrap'>{inner}</span></p><p>Tak for besøget")
        doc = markup.detail(layout, advert, version, start, day=day)
        if kind == "oversized":
            pad = "<!-- " + "padding " * (OVERSIZE_BYTES // 8) + " -->"
            doc = doc.replace("</body>", f'<div hidden="hidden">{pad}</div></body>')
        return html(doc)

    def _phone(self, external_id: str) -> Response:
        advert, status = self.lookup(external_id)
        if advert is None:
            return json_response({"error": "no such live advert"}, status)
        version = advert.version_on(self.clock.day)
        for contact in version.contacts:
            if contact.kind == "phone" and contact.reveal == "button":
                return json_response({"phone": contact.shown})
        return json_response({"error": "this advert shows its number in the text"}, 404)
