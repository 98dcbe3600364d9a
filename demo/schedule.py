"""Turn personas into adverts over the simulated days: lifetimes, rotation, reposts, edits."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from demo.cities import CITY_BY_SLUG, CITY_SLUGS, CITY_WEIGHTS
from demo.compose import Template, compose, format_price
from demo.model import Advert, Contact, Persona, Version, languages_of
from demo.personas import multi_template
from demo.phones import (
    BUTTON_STYLES,
    STYLES,
    Rendered,
    make_number,
    render_email,
    render_phone,
    render_telegram,
    styles_for,
)
from demo.phrases import phrases

# Most adverts write the number plainly; the tricks are rarer.
STYLE_WEIGHTS: dict[str, int] = {s: 1 for s in STYLES} | {
    "plain": 14, "spaced": 3, "dotted": 3, "dashed": 2, "prefix_0045": 2, "prefix_paren": 2,
}  # fmt: skip


class AdvertBuilder:
    """Creates adverts with ids, rendered contacts and versions; one per world."""

    def __init__(self, rng: random.Random, start: date, days: int, taken: set[str]) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self.taken_phones = taken
        self.adverts: list[Advert] = []
        self._counters = {"classic": 0, "spa": 0}
        # Styles not yet used: the next advert that can take one gets it, so every style shows up.
        self._unused_styles = list(STYLES)
        self.under_age_persona: str | None = None

    def external_id(self, site: str) -> str:
        """The next id on `site`: numeric on classic, short hex on the SPA."""
        n = self._counters[site]
        self._counters[site] += 1
        return str(104_000 + 7 * n) if site == "classic" else f"a{0x2F00 + 13 * n:x}"

    def _style(self, e164: str) -> str:
        allowed = styles_for(e164)
        if self._unused_styles:
            for style in self._unused_styles:
                if style in allowed:
                    self._unused_styles.remove(style)
                    return style
        return self.rng.choices(allowed, cum_weights=_cum_weights(allowed))[0]

    def contacts(self, p: Persona, phone: str, lang: str) -> tuple[list[Contact], list[Rendered]]:
        """Render the persona's contact points as this advert writes them."""
        rng, words = self.rng, phrases(lang)
        style = self._style(phone)
        shown = render_phone(phone, style, rng, words["split_filler"], words["call_word"])
        hidden = style in BUTTON_STYLES and rng.random() < 0.35
        found = [Contact("phone", phone, style, shown.text, "button" if hidden else "text")]
        pieces = [shown]
        if p.email:
            user, _, domain = p.email.partition("@")
            obf = rng.random() < 0.5
            r = render_email(user, domain, obf, rng)
            found.append(
                Contact("email", p.email, "obfuscated" if obf else "plain", r.text, "text")
            )
            pieces.append(Rendered("Mail: " + r.text, "Mail: " + r.html))
        if p.telegram:
            tg_style, r = render_telegram(p.telegram, rng)
            found.append(Contact("telegram", p.telegram, tg_style, r.text, "text"))
            pieces.append(r)
        return found, pieces

    def version(
        self, p: Persona, t: Template, city: str, day: int, phone: str,
        partner: Persona | None = None, age: int | None = None, since: int | None = None,
    ) -> Version:  # fmt: skip
        """Write one version of an advert for `p` in `city`, posted on `day`, there `since`."""
        c = CITY_BY_SLUG[city]
        when = self.start + timedelta(days=day if since is None else since)
        slots = {
            "name": p.name, "age": str(age or p.age), "city": c.name, "postcode": c.postcode,
            "name2": partner.name if partner else "", "age2": str(partner.age) if partner else "",
            "price": _price(p, t), "date": f"{when.day}.{when.month}",
        }  # fmt: skip
        found, pieces = self.contacts(p, phone, t.lang)
        words = compose(t, slots, pieces, phone_hidden=found[0].reveal == "button")
        return Version(
            day, words.title, words.text, words.html, city, tuple(found), words.distractors
        )

    def add(
        self, site: str, personas: list[Persona], first: int, last: int,
        versions: list[Version], t: Template, kind: str, age: int | None = None,
    ) -> Advert:  # fmt: skip
        """Register a new advert of `personas` (the first is the one advertised)."""
        p = personas[0]
        advert = Advert(
            site=site, external_id=self.external_id(site), persona_ids=[x.id for x in personas],
            controller_id=p.controller_id, name=p.name, age=age or p.age,
            nationality=p.nationality, languages=languages_of(t), wording=t.wording,
            price=p.price, currency=p.currency, image_ids=list(p.image_ids), first_day=first,
            last_day=last, versions=versions, gone_status=404 if self.rng.random() < 0.2 else 410,
            kind=kind,
        )  # fmt: skip
        self.adverts.append(advert)
        return advert

    def other_city(self, city: str) -> str:
        """A city other than `city`, big cities more likely."""
        while True:
            pick = self.rng.choices(CITY_SLUGS, CITY_WEIGHTS)[0]
            if pick != city:
                return pick


@lru_cache(maxsize=64)
def _cum_weights(styles: tuple[str, ...]) -> list[int]:
    return list(accumulate(STYLE_WEIGHTS[s] for s in styles))


def _price(p: Persona, t: Template) -> str:
    return format_price(p.price, p.currency, t.price_fmt)


def schedule_independent(b: AdvertBuilder, p: Persona) -> None:
    """Long-lived adverts (7-14 days) in the home city; some tour once, repost or change number."""
    rng = b.rng
    # Many adverts were posted before the crawl starts (day 0), as on a real site.
    start = rng.randint(-6, 0) if rng.random() < 0.6 else rng.randint(1, b.days // 2)
    life = rng.randint(7, 14)
    last = start + life - 1
    for d in range(max(start, 0), min(last + 1, b.days)):
        p.city_by_day[d] = p.home_city
    edit_day = start + rng.randint(2, life - 2) if rng.random() < 0.12 else None
    new_phone = make_number(rng, "DK", b.taken_phones) if edit_day is not None else None
    if new_phone:
        p.phones.append(new_phone)
    first_version: Version | None = None
    for site in p.sites:
        versions = [b.version(p, p.template, p.home_city, start, p.phones[0])]
        if edit_day is not None and new_phone:
            versions.append(b.version(p, p.template, p.home_city, edit_day, new_phone))
        first_version = first_version or versions[0]
        b.add(site, [p], start, last, versions, p.template, "normal")
    if rng.random() < 0.25 and life >= 5:
        tour_city = b.other_city(p.home_city)
        tour_start = rng.randint(start + 1, start + life - 3)
        tour_last = tour_start + rng.randint(1, 3)
        for d in range(tour_start, min(tour_last + 1, b.days)):
            p.city_by_day[d] = tour_city
        v = b.version(p, p.template, tour_city, tour_start, p.phones[0])
        b.add(p.sites[0], [p], tour_start, tour_last, [v], p.template, "tour")
    restart = last + 1 + rng.randint(0, 2)
    if first_version and rng.random() < 0.25 and restart < b.days:
        # The same text and number again under a new id, as when a worker re-posts.
        relife = rng.randint(7, 14)
        for d in range(restart, min(restart + relife, b.days)):
            p.city_by_day[d] = p.home_city
        v = dataclasses.replace(first_version, from_day=restart)
        b.add(p.sites[0], [p], restart, restart + relife - 1, [v], p.template, "repost")


def schedule_controlled(b: AdvertBuilder, p: Persona, partners: list[Persona]) -> None:
    """Short adverts (1-3 days), a new city every 2-4 days, on each of the controller's sites."""
    rng = b.rng
    day, city = rng.randint(-3, 0), p.home_city
    while day < b.days:
        end = min(day + rng.randint(2, 4), b.days) - 1
        next_city = b.other_city(city)
        for d in range(max(day, 0), end + 1):
            p.city_by_day[d] = city
        for site in p.sites:
            for d in range(day, end + 1):
                if d != day and rng.random() >= 0.85:
                    continue
                life = rng.randint(1, 3)  # may outlast the stint: old adverts linger
                partner = rng.choice(partners) if partners and rng.random() < 0.1 else None
                t = multi_template(p.template, rng) if partner else p.template
                age = None
                if b.under_age_persona == p.id and site == "classic" and d >= 0:
                    age, b.under_age_persona = 17, None
                versions = [b.version(p, t, city, d, p.phones[0], partner, age, since=day)]
                if life >= 2 and rng.random() < 0.06:
                    versions.append(b.version(p, t, next_city, d + 1, p.phones[0], partner, age))
                group = [p, partner] if partner else [p]
                b.add(site, group, d, d + life - 1, versions, t, "normal", age)
        day, city = end + 1, next_city
