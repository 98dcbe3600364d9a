"""Data classes of the demo world: personas, controllers, adverts, their versions and contacts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from demo.compose import Template


@dataclass(slots=True)
class Persona:
    """One advertised person; `controller_id` is None for independent workers."""

    id: str
    name: str
    age: int
    nationality: str
    controller_id: str | None
    phones: list[str]  # E.164; a later entry appears when an advert is edited to a new number
    email: str | None
    telegram: str | None
    template: Template
    image_ids: list[str]
    sites: list[str]
    price: int
    currency: str
    home_city: str
    city_by_day: dict[int, str] = field(default_factory=dict)

    def truth(self) -> dict[str, Any]:
        """JSON-ready ground truth of this persona."""
        return {
            "id": self.id,
            "name": self.name,
            "age": self.age,
            "nationality": self.nationality,
            "controller_id": self.controller_id,
            "phones": list(self.phones),
            "email": self.email,
            "telegram": self.telegram,
            "languages": languages_of(self.template),
            "wording": self.template.wording,
            "image_ids": list(self.image_ids),
            "sites": list(self.sites),
            "price": self.price,
            "currency": self.currency,
            "home_city": self.home_city,
            "city_by_day": {str(d): c for d, c in sorted(self.city_by_day.items())},
        }


@dataclass(slots=True)
class Controller:
    """A third party advertising several personas ("shared_number" or "shared_template" mode)."""

    id: str
    mode: str
    phone: str | None  # the one number of a "shared_number" controller
    telegram: str | None
    template: Template | None  # the one template of a "shared_template" controller
    image_ids: list[str]
    persona_ids: list[str]
    sites: list[str]

    def truth(self) -> dict[str, Any]:
        """JSON-ready ground truth of this controller."""
        data = asdict(self)
        data["template"] = asdict(self.template) if self.template else None
        return data


@dataclass(frozen=True, slots=True)
class Contact:
    """A true contact point of an advert and how the advert writes it."""

    kind: str  # "phone", "email" or "telegram"
    value: str  # E.164 for phones, the address for e-mails, the handle for Telegram
    style: str  # phone style from demo.phones.STYLES, or "plain"/"obfuscated", "t_me"/"at_handle"
    shown: str  # the visible text as written
    reveal: str  # "text", or "button" when the site hides it behind "show number"


@dataclass(frozen=True, slots=True)
class Version:
    """An advert's content from `from_day` on (a new version is an edit by the poster)."""

    from_day: int
    title: str
    text: str
    html: str
    city: str
    contacts: tuple[Contact, ...]
    distractors: tuple[str, ...]


@dataclass(slots=True)
class Advert:
    """One advert on one site, live from `first_day` to `last_day` (both inclusive)."""

    site: str
    external_id: str
    persona_ids: list[str]  # the first is the advertised persona; more for "two girls" adverts
    controller_id: str | None
    name: str
    age: int
    nationality: str
    languages: list[str]
    wording: str
    price: int
    currency: str
    image_ids: list[str]
    first_day: int
    last_day: int
    versions: list[Version]
    gone_status: int = 410
    kind: str = "normal"  # "repost", "tour", ... why the advert exists, for evaluation

    def live_on(self, day: int) -> bool:
        """Whether the advert is online on `day`."""
        return self.first_day <= day <= self.last_day

    def version_on(self, day: int) -> Version:
        """The content shown on `day` (the first version before the advert goes live)."""
        current = self.versions[0]
        for version in self.versions:
            if version.from_day <= day:
                current = version
        return current


def languages_of(t: Template) -> list[str]:
    """The languages a template's text is written in, main language first."""
    return [t.lang, t.mix_lang] if t.mix_lang and t.mix_lang != t.lang else [t.lang]
