"""The demo clinic sites (issue 15), served from the clinic world in demo/clinics.py.

Two synthetic sites on one loopback server (port 8805 for `python -m demo serve`), one
site file each: `/klinikker/` (spiders/sites/demo_clinics.yaml) shows each clinic's
address, opening hours, name and roster in fields of their own; `/massage/`
(demo_massage.yaml) writes the address and hours into the advert's text, in another way,
and lists the persons as "Anca (22)". The pages change every simulated week (day // 7):
a new roster, Golden Spa's new address from week 3, Sakura's new name from week 2;
Roskilde Massage's pages answer 410 once it has closed. Persons' photos are drawn shapes
(demo/images.py), the same picture for a person on every page. Everything is invented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from demo.clinics import ClinicAdvert, ClinicWorld, Person
from demo.images import image_bytes
from demo.server import SiteServer
from demo.web import Response, before_routing, html, text

PATHS = {"demo_clinics": "klinikker", "demo_massage": "massage"}
_PAGE = re.compile(r"^/(klinikker|massage)/([\w-]+)$")
_IMG = re.compile(r"^/img/(i\d+)\.jpg$")
# A person's photos are drawn from these image numbers on (two a person).
_PHOTO_BASE = 9000


def photo_ids(world: ClinicWorld, person: Person) -> tuple[str, ...]:
    """The image ids of a person's two photos (demo/images.py draws them)."""
    position = list(world.persons).index(person.key)
    return tuple(f"i{_PHOTO_BASE + position * 2 + n}" for n in range(2))


def _phone(e164: str) -> str:
    digits = e164.removeprefix("+45")
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


class ClinicSite:
    """Both clinic sites: listings of the week's clinics and one page a clinic."""

    name = "clinics"

    def __init__(self, world: ClinicWorld, day: int = 0) -> None:
        self.world, self.day = world, day

    @property
    def week(self) -> int:
        return self.day // 7

    def live(self, site: str) -> list[ClinicAdvert]:
        return [a for a in self.world.adverts if a.site == site and a.week == self.week]

    def handle(
        self, method: str, path: str, query: dict[str, str],
        headers: Mapping[str, str] | None = None, body: bytes = b"",
    ) -> Response:  # fmt: skip
        if (answer := before_routing(method, path)) is not None:
            return answer
        if m := _IMG.match(path):
            return Response(200, image_bytes(m.group(1)), "image/jpeg")
        site = next((s for s, p in PATHS.items() if path in (f"/{p}", f"/{p}/")), None)
        if site is not None:
            return html(self._listing(site))
        if m := _PAGE.match(path):
            site = next(s for s, p in PATHS.items() if p == m.group(1))
            advert = next((a for a in self.live(site) if a.external_id == m.group(2)), None)
            if advert is not None:
                return html(self._page(advert))
            known = any(a.site == site and a.external_id == m.group(2) for a in self.world.adverts)
            return text("closed", 410) if known else text("not found", 404)
        return text("not found", 404)

    def _listing(self, site: str) -> str:
        links = "".join(
            f'<li><a class="clinic-link" href="/{PATHS[site]}/{a.external_id}">'
            f"{escape(a.name)}</a></li>"
            for a in self.live(site)
        )
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Klinikker</title></head>"
            f"<body><h1>Klinikker i Danmark</h1><ul class='clinics'>{links}</ul></body></html>"
        )

    def _page(self, a: ClinicAdvert) -> str:
        phone = f'<a class="phone" href="tel:{a.phone}">Ring {_phone(a.phone)}</a>'
        if a.site == "demo_clinics":
            body = (
                f'<p class="address">{escape(a.address_field or "")}</p>'
                f'<p class="hours">{escape(a.hours_field or "")}</p>'
                f'<p class="price">Fra {a.price} kr.</p>'
                f'<div class="text">{escape(a.text)}</div>{phone}'
                f'<ul class="roster">{"".join(self._person(p) for p in a.roster)}</ul>'
            )
        else:
            persons = "".join(f"<li>{escape(p.name)} ({p.age})</li>" for p in a.roster)
            body = (
                f'<div class="text">{escape(a.text)}</div>'
                f'<p class="price">{a.price},-</p>{phone}<ul class="girls">{persons}</ul>'
            )
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{escape(a.name)}</title></head><body>"
            f'<article class="clinic" data-id="{a.external_id}">'
            f'<h1 class="venue">{escape(a.name)}</h1>{body}</article></body></html>'
        )

    def _person(self, person: Person) -> str:
        photos = "".join(
            f'<img class="photo" src="/img/{image}.jpg" alt="">'
            for image in photo_ids(self.world, person)
        )
        return (
            f'<li class="person"><span class="name">{escape(person.name)}</span>, '
            f'<span class="age">{person.age}</span> år, '
            f'<span class="nationality">{escape(person.nationality)}</span>, taler '
            + ", ".join(f'<span class="lang">{lang}</span>' for lang in person.languages)
            + f"{photos}</li>"
        )


class ClinicServer(SiteServer):
    """Both clinic sites on loopback in a background thread (a context manager)."""

    def __init__(
        self, world: ClinicWorld, day: int = 0, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(ClinicSite(world, day), host, port)
