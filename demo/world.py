"""The deterministic synthetic advert world: who advertises, where, when, and the ground truth."""

from __future__ import annotations

import random
import threading
from datetime import date
from typing import Any

from demo.cities import CITIES
from demo.images import parse_image_id
from demo.model import Advert, Controller, Persona
from demo.pagestyle import page_truth
from demo.personas import PersonaFactory
from demo.phones import STYLES
from demo.phrases import LANGUAGES
from demo.schedule import AdvertBuilder, schedule_controlled, schedule_independent
from demo.truth import advert_truth

SPECIAL_KINDS: tuple[str, ...] = ("latin1", "flaky", "oversized", "malformed")
ROBOTS_TRAP = "/private/vip-list"


class World:
    """Personas, controllers and adverts of one seed; live state is a pure function of the day."""

    def __init__(
        self, seed: int, start: date, days: int, personas: list[Persona],
        controllers: list[Controller], adverts: list[Advert],
    ) -> None:  # fmt: skip
        self.seed, self.start, self.days = seed, start, days
        self.personas = {p.id: p for p in personas}
        self.controllers = {c.id: c for c in controllers}
        self.adverts = adverts
        self._by_key = {(a.site, a.external_id): a for a in adverts}
        self.special: dict[tuple[str, str], str] = _pick_special(adverts)
        self._listings: dict[tuple[str, int], dict[str, list[Advert]]] = {}
        self._lock = threading.Lock()

    def advert(self, site: str, external_id: str) -> Advert | None:
        """The advert with this id on this site, live or not."""
        return self._by_key.get((site, external_id))

    def listings(self, site: str, day: int) -> dict[str, list[Advert]]:
        """Live adverts of `site` on `day` by city slug, newest first then by id (cached)."""
        key = (site, day)
        with self._lock:
            cached = self._listings.get(key)
        if cached is not None:
            return cached
        by_city: dict[str, list[Advert]] = {c.slug: [] for c in CITIES}
        live = [a for a in self.adverts if a.site == site and a.live_on(day)]
        live.sort(key=lambda a: (-a.first_day, a.external_id))
        for a in live:
            by_city[a.version_on(day).city].append(a)
        with self._lock:
            self._listings[key] = by_city
        return by_city

    def live(self, site: str, day: int) -> list[Advert]:
        """All live adverts of `site` on `day`."""
        return [a for ads in self.listings(site, day).values() for a in ads]

    def special_kind(self, site: str, external_id: str) -> str | None:
        """Which deliberately bad page this advert's detail page is, if any."""
        return self.special.get((site, external_id))

    def ground_truth(self) -> dict[str, Any]:
        """Everything the evaluation needs, JSON-serialisable."""
        images = sorted({i for a in self.adverts for i in a.image_ids})
        specials = [
            {"kind": kind, "site": site, "external_id": ext, "path": f"/ad/{ext}",
             "live_days": advert_truth(self._by_key[(site, ext)], self.days)["live_days"]}
            for (site, ext), kind in sorted(self.special.items(), key=lambda kv: kv[1])
        ]  # fmt: skip
        specials.append({"kind": "robots_trap", "site": "classic", "path": ROBOTS_TRAP})
        return {
            "seed": self.seed,
            "start": self.start.isoformat(),
            "days": self.days,
            "sites": ["classic", "spa"],
            "languages": list(LANGUAGES),
            "styles": list(STYLES),
            "cities": [
                {"slug": c.slug, "name": c.name, "region": c.region, "postcode": c.postcode}
                for c in CITIES
            ],
            "personas": [p.truth() for p in self.personas.values()],
            "controllers": [c.truth() for c in self.controllers.values()],
            "images": {
                i: dict(zip(("base", "variant"), parse_image_id(i), strict=True)) for i in images
            },
            "special_pages": specials,
            "adverts": [
                advert_truth(a, self.days, self.special.get((a.site, a.external_id)))
                | ({"page": page_truth(a, self.start)} if a.site == "classic" else {})
                for a in self.adverts
            ],
        }


def _pick_special(adverts: list[Advert]) -> dict[tuple[str, str], str]:
    """Choose the deliberately broken detail pages, preferring independent adverts live on day 0."""
    pool = [a for a in adverts if a.site == "classic" and a.controller_id is None]
    pool.sort(key=lambda a: (not a.live_on(0), a.first_day, a.external_id))
    chosen: dict[tuple[str, str], str] = {}

    def fits_latin1(a: Advert) -> bool:
        v = a.versions[0]
        if a.languages[0] != "da" or len(a.versions) > 1 or not any(ch in v.text for ch in "æøå"):
            return False
        return all(ord(ch) < 256 for ch in v.html + v.title)

    latin = next((a for a in pool if fits_latin1(a)), None)
    if latin:
        chosen[(latin.site, latin.external_id)] = "latin1"
    rest = iter(a for a in pool if (a.site, a.external_id) not in chosen)
    for kind in SPECIAL_KINDS[1:]:
        a = next(rest, None)
        if a is not None:
            chosen[(a.site, a.external_id)] = kind
    return chosen


def build_world(
    seed: int = 7,
    days: int = 14,
    start: date = date(2026, 11, 2),
    n_independent: int = 30,
    n_controllers: int = 6,
) -> World:
    """Build the whole world from one `random.Random(seed)`: same arguments, same world."""
    rng = random.Random(seed)
    factory = PersonaFactory(rng)
    # The first independents cycle through the languages so that each one appears.
    independents = [
        factory.independent(LANGUAGES[i] if i < len(LANGUAGES) else None)
        for i in range(n_independent)
    ]
    groups = [factory.controller() for _ in range(n_controllers)]
    builder = AdvertBuilder(rng, start, days, factory.taken_phones)
    if groups:
        builder.under_age_persona = groups[-1][1][0].id
    for p in independents:
        schedule_independent(builder, p)
    for _, members in groups:
        for p in members:
            schedule_controlled(builder, p, [q for q in members if q is not p])
    personas = independents + [p for _, members in groups for p in members]
    return World(seed, start, days, personas, [c for c, _ in groups], builder.adverts)
