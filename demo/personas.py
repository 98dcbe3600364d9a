"""Deterministic generation of independent workers and of controllers with their personas."""

from __future__ import annotations

import dataclasses
import random

from demo.cities import CITY_SLUGS, CITY_WEIGHTS
from demo.compose import Template, random_template
from demo.model import Controller, Persona
from demo.phones import make_number
from demo.phrases import phrases

NATIONALITY_LANG: dict[str, str] = {
    "DK": "da", "RO": "ro", "PL": "pl", "ES": "es", "TH": "th", "DE": "de",
}  # fmt: skip
LANG_NATIONALITY: dict[str, str] = {lang: nat for nat, lang in NATIONALITY_LANG.items()}
FOREIGN: tuple[str, ...] = ("RO", "PL", "ES", "TH", "DE")
NAMES: dict[str, tuple[str, ...]] = {
    "DK": ("Anna", "Sofie", "Mette", "Camilla", "Louise", "Julie", "Maja", "Line", "Nanna",
           "Trine", "Ida", "Freja", "Signe", "Emma", "Katrine", "Pernille", "Tina", "Helle"),
    "RO": ("Andreea", "Ioana", "Elena", "Bianca", "Alina", "Roxana", "Denisa", "Larisa", "Daria"),
    "PL": ("Kasia", "Magda", "Agnieszka", "Ola", "Monika", "Natalia", "Zuzanna", "Ewa", "Iza"),
    "ES": ("Lucia", "Carmen", "Paula", "Valeria", "Marta", "Sofia", "Lola", "Noelia", "Irene"),
    "TH": ("Nok", "Ploy", "Fon", "Mai", "Dao", "Lek", "Noi", "Pim", "Joy"),
    "DE": ("Lena", "Hanna", "Lea", "Marie", "Jana", "Nina", "Leonie", "Svenja", "Kira"),
}  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.dk", "example.org")
# Controllers cycle through these, so every language shows up in a small world.
CONTROLLER_LANGS: tuple[str, ...] = ("en", "da", "ro", "pl", "th", "es", "de")


class PersonaFactory:
    """Makes personas from one shared `random.Random`, so a seed fixes the whole population."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken_phones: set[str] = set()
        self.n_personas = 0
        self.n_controllers = 0
        self.n_images = 0

    def _images(self, k: int) -> list[str]:
        first = self.n_images
        self.n_images += k
        return [f"i{n}" for n in range(first, first + k)]

    def _city(self) -> str:
        return self.rng.choices(CITY_SLUGS, CITY_WEIGHTS)[0]

    def _handle(self, name: str) -> str:
        tag = self.rng.choice(("dk", "vip", "new", "real"))
        return f"{name.lower()}_{tag}{self.rng.randint(10, 9999)}"

    def _persona(self, **fields: object) -> Persona:
        self.n_personas += 1
        return Persona(id=f"P{self.n_personas:05d}", **fields)  # type: ignore[arg-type]

    def independent(self, lang: str | None = None) -> Persona:
        """A worker advertising herself: own number, first person, mostly one site and city."""
        rng = self.rng
        if lang is None:
            nat = rng.choices(("DK", *FOREIGN), (55, 10, 10, 8, 9, 8))[0]
            own = NATIONALITY_LANG[nat]
            lang = own if nat == "DK" else rng.choices((own, "en", "da"), (50, 35, 15))[0]
        else:
            nat = LANG_NATIONALITY.get(lang) or rng.choice(FOREIGN)
        mix = None
        if rng.random() < 0.2:
            mix = "en" if lang != "en" else "da"
        name = rng.choice(NAMES[nat])
        phone_country = "DK" if nat == "DK" or rng.random() < 0.6 else nat
        eur = rng.random() < 0.1
        return self._persona(
            name=name,
            age=rng.randint(22, 45),
            nationality=nat,
            controller_id=None,
            phones=[make_number(rng, phone_country, self.taken_phones)],
            email=f"{name.lower()}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"
            if rng.random() < 0.25
            else None,
            telegram=self._handle(name) if rng.random() < 0.1 else None,
            template=random_template(rng, lang, "first", mix),
            image_ids=self._images(rng.randint(1, 3)),
            sites=rng.choices((["classic"], ["spa"], ["classic", "spa"]), (75, 20, 5))[0],
            price=rng.randrange(100, 310, 10) if eur else rng.randrange(800, 2600, 100),
            currency="EUR" if eur else "DKK",
            home_city=self._city(),
        )

    def controller(self) -> tuple[Controller, list[Persona]]:
        """A third party with 3-6 personas, sharing either one number or one template + photos."""
        rng = self.rng
        idx = self.n_controllers
        self.n_controllers += 1
        mode = ("shared_number", "shared_template")[idx % 2]
        lang = CONTROLLER_LANGS[idx % len(CONTROLLER_LANGS)]
        base_nat = LANG_NATIONALITY.get(lang) if lang not in ("da", "en") else rng.choice(FOREIGN)
        shared_phone = None
        if mode == "shared_number":
            country = "DK" if rng.random() < 0.5 else base_nat or "RO"
            shared_phone = make_number(rng, country, self.taken_phones)
        mix = rng.choice((None, "en")) if lang != "en" else rng.choice((None, "da"))
        template = random_template(rng, lang, "third", mix) if mode == "shared_template" else None
        pool = self._images(rng.randint(3, 5))
        eur = rng.random() < 0.3
        level = rng.randrange(100, 260, 10) if eur else rng.randrange(600, 1600, 100)
        ctrl = Controller(
            id=f"C{idx + 1:04d}",
            mode=mode,
            phone=shared_phone,
            telegram=self._handle("team") if rng.random() < 0.4 else None,
            template=template,
            image_ids=pool,
            persona_ids=[],
            sites=["classic", "spa"] if rng.random() < 0.8 else ["classic"],
        )
        personas = [self._controlled(ctrl, base_nat, level, eur) for _ in range(rng.randint(3, 6))]
        ctrl.persona_ids = [p.id for p in personas]
        return ctrl, personas

    def _controlled(self, ctrl: Controller, base_nat: str | None, level: int, eur: bool) -> Persona:
        rng = self.rng
        nat = base_nat if base_nat and rng.random() < 0.6 else rng.choice(FOREIGN)
        name = rng.choice(NAMES[nat])
        if ctrl.template is not None:
            template = ctrl.template
            images = [self._variant(i) for i in ctrl.image_ids]
        else:
            # Same number, but each persona written afresh, often in her own language too.
            own = NATIONALITY_LANG[nat]
            lang = rng.choices(("en", "da", own), (50, 20, 30))[0]
            mix = own if own != lang and rng.random() < 0.5 else None
            template = random_template(rng, lang, "third", mix)
            images = self._images(rng.randint(1, 2)) + rng.sample(ctrl.image_ids, 1)
        phone = ctrl.phone or make_number(
            rng, "DK" if rng.random() < 0.5 else nat, self.taken_phones
        )
        return self._persona(
            name=name,
            age=rng.randint(18, 19) if rng.random() < 0.12 else rng.randint(20, 29),
            nationality=nat,
            controller_id=ctrl.id,
            phones=[phone],
            email=None,
            telegram=ctrl.telegram,
            template=template,
            image_ids=images,
            sites=list(ctrl.sites),
            price=level + rng.choice((0, 0, 10 if eur else 100)),
            currency="EUR" if eur else "DKK",
            home_city=self._city(),
        )

    def _variant(self, image_id: str) -> str:
        """The same photo, sometimes resized or re-compressed (as re-uploads produce)."""
        roll = self.rng.random()
        if roll < 0.2:
            return f"{image_id}s{self.rng.randrange(64, 128)}"
        if roll < 0.4:
            return f"{image_id}q{self.rng.randrange(25, 60)}"
        return image_id


def multi_template(t: Template, rng: random.Random) -> Template:
    """The same template, turned into a "two girls" advert."""
    p = phrases(t.lang)
    return dataclasses.replace(
        t,
        wording="multi",
        title=rng.randrange(len(p["title_multi"])),
        intro=rng.randrange(len(p["intro_multi"])),
    )
