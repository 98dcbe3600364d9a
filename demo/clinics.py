"""The demo world's clinics: synthetic venues with weekly rosters and ground truth (issue 15).

Two synthetic clinic sites list the same venues, writing addresses in different ways (an
address field on one, free text on the other). Four venues are "of concern": persons from
one pool of foreign persons rotate between them and between cities week by week, they are
open day and night or past midnight, cheap, share phones (with escort adverts and with each
other) and use third-person and "new girls" wording. Five are not: a stable roster of
independent workers, daytime hours, ordinary prices. One concern venue moves (week 3), one
renames itself (week 2), and one stable venue closes after week 3 (vanishes). Everything is
invented; phone numbers are synthetic (demo/phones.py's plan), photos are random hashes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

SITES = ("demo_clinics", "demo_massage")
START = datetime(2026, 10, 5, 12, tzinfo=UTC)  # a Monday
WEEKS = 6


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    age: int
    nationality: str
    languages: tuple[str, ...]
    photos: tuple[str, ...]


@dataclass(frozen=True)
class ClinicTruth:
    key: str
    concern: bool
    region: str
    municipality: str
    moved_week: int | None = None
    renamed_week: int | None = None
    last_week: int = WEEKS - 1


@dataclass(frozen=True)
class ClinicAdvert:
    """One clinic advert on one site in one week, as the page shows it."""

    site: str
    external_id: str
    venue: str  # ground-truth venue key
    week: int
    seen_at: datetime
    text: str
    address_field: str | None
    hours_field: str | None
    name: str
    phone: str  # synthetic, E.164
    price: int
    language: str
    roster: tuple[Person, ...]


@dataclass
class ClinicWorld:
    adverts: list[ClinicAdvert] = field(default_factory=list)
    truth: dict[str, ClinicTruth] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    # Phones (E.164) that escort adverts in the demo world also carry.
    escort_phones: tuple[str, ...] = ()

    def ground_truth(self) -> dict[str, object]:
        return {
            "venues": {k: vars(t) for k, t in self.truth.items()},
            "adverts": {f"{a.site}/{a.external_id}": a.venue for a in self.adverts},
            "escort_phones": list(self.escort_phones),
        }


# key: (name, [address written on site 1, address in text on site 2], hours, price, phone)
_CONCERN = {
    "lotus": ("Lotus Wellness", "Hovedstaden", "København",
              ["Vesterbrogade 12, 2. tv., 1620 København V", "Vesterbrogd. 12 2tv 1620 Kbh V"],
              "Døgnåbent", 400, "+4520000101"),
    "golden": ("Golden Spa", "Midtjylland", "Aarhus",
               ["Jernbanegade 4B, 1. sal, 8000 Aarhus C", "Jernbanegade 4 B, 1., 8000 Aarhus C"],
               "åben alle dage 10-02", 450, "+4520000102"),
    "sakura": ("Sakura Massage", "Syddanmark", "Odense",
               ["Kongensgade 40, 3. 12, 5000 Odense C", "Kongensgade 40, 3. 12, 5000 Odense"],
               "åbent 24/7", 350, "+4520000103"),
    "asia": ("Asia Spa", "Nordjylland", "Aalborg",
             ["Boulevarden 7 st. th. 9000 Aalborg", "Boulevarden 7, st. th., 9000 Aalborg"],
             "alle dage 10-04", 400, "+4520000101"),  # the same phone as Lotus
}  # fmt: skip
_MOVED_TO = ["Banegårdspladsen 3, 8000 Aarhus C", "Banegårdspladsen 3, 8000 Aarhus C"]
_RENAMED_TO = "Sakura Relax"
_STABLE = {
    "rosa": ("Klinik Rosa", "Hovedstaden", "København",
             ["Nørrebrogade 50, 1. th, 2200 København N", "Nørrebrogade 50 1 th 2200 København N"],
             "man-fre 10-18", 900, "+4530000201"),
    "aarhus": ("Massage Aarhus", "Midtjylland", "Aarhus",
               ["Søndergade 5, 8000 Aarhus C", "Søndergade 5, 8000 Aarhus C"],
               "hverdage 10-20", 850, "+4530000202"),
    "fyn": ("Studio Fyn", "Syddanmark", "Odense",
            ["Vestergade 20, 5000 Odense C", "Vestergade 20, 2. sal, 5000 Odense C"],
            "man-lør 11-19", 800, "+4530000203"),
    "nord": ("Klinik Nord", "Nordjylland", "Aalborg",
             ["Algade 9, 9000 Aalborg", "Algade 9, 9000 Aalborg"], "man-fre 9-17", 900,
             "+4530000204"),
    "roskilde": ("Roskilde Massage", "Sjælland", "Roskilde",
                 ["Algade 9 st, 4000 Roskilde", "Algade 9, st., 4000 Roskilde"],
                 "man-fre 10-18", 850, "+4530000205"),
}  # fmt: skip
_CLOSES_AFTER = {"roskilde": 2}

_FOREIGN = [
    ("Anca", "romanian", ("ro",)), ("Bianca", "romanian", ("ro",)), ("Ioana", "romanian", ("ro",)),
    ("Mali", "thai", ("th",)), ("Nok", "thai", ("th",)), ("Ploy", "thai", ("th",)),
    ("Lan", "chinese", ("zh",)), ("Mei", "chinese", ("zh",)), ("Rada", "bulgarian", ("bg",)),
    ("Vesela", "bulgarian", ("bg",)), ("Joy", "nigerian", ("pidgin",)),
    ("Blessing", "nigerian", ("pidgin",)), ("Sorina", "romanian", ("ro",)),
    ("Daw", "thai", ("th",)), ("Xiu", "chinese", ("zh",)), ("Kalina", "bulgarian", ("bg",)),
]  # fmt: skip
_INDEPENDENT = [
    ("Camilla", 34, "danish", ("da", "en")), ("Louise", 41, "danish", ("da", "en")),
    ("Sanne", 38, "danish", ("da",)), ("Pim", 45, "thai", ("th", "da", "en")),
    ("Maria", 36, "danish", ("da", "en")), ("Lena", 29, "german", ("de", "da", "en")),
    ("Trine", 44, "danish", ("da",)), ("Sofie", 31, "danish", ("da", "en")),
    ("Hanne", 39, "danish", ("da",)), ("Ida", 33, "danish", ("da", "en")),
]  # fmt: skip
_STABLE_ROSTERS = {
    "rosa": (0, 1), "aarhus": (2, 3), "fyn": (3, 4), "nord": (6, 7), "roskilde": (8, 9),
}  # fmt: skip


def _photos(rng: random.Random) -> tuple[str, ...]:
    return tuple(f"{rng.getrandbits(64):016x}" for _ in range(2))


def _concern_text(name: str, roster: tuple[Person, ...], address: str, week: int) -> str:
    names = ", ".join(f"{p.name} ({p.age})" for p in roster)
    return (
        f"{name} - Nye piger hver uge! Vores piger er søde og unge. I dag: {names}. "
        f"Find os på {address}. Ring nu."
        if week % 2 == 0
        else f"{name}: new girls this week. Our girls: {names}. Visit us at {address}."
    )


def _stable_text(name: str, roster: tuple[Person, ...], address: str) -> str:
    names = " og ".join(p.name for p in roster)
    return (
        f"{name}. Vi er {names}, selvstændige massører med mange års erfaring. "
        f"Velkommen på {address}. Ring for tid."
    )


def build_clinic_world(seed: int = 15, weeks: int = WEEKS) -> ClinicWorld:
    rng = random.Random(seed)
    world = ClinicWorld(escort_phones=("+4520000101",))
    foreign = [
        Person(f"f{i}", name, rng.randint(19, 24), nat, langs, _photos(rng))
        for i, (name, nat, langs) in enumerate(_FOREIGN)
    ]
    independent = [
        Person(f"i{i}", name, age, nat, langs, _photos(rng))
        for i, (name, age, nat, langs) in enumerate(_INDEPENDENT)
    ]
    world.persons = {p.key: p for p in (*foreign, *independent)}
    concern_keys = list(_CONCERN)
    for key, (_name, region, municipality, *_rest) in _CONCERN.items():
        world.truth[key] = ClinicTruth(
            key, True, region, municipality,
            moved_week=3 if key == "golden" else None,
            renamed_week=2 if key == "sakura" else None,
            last_week=weeks - 1,
        )  # fmt: skip
    for key, (_name, region, municipality, *_rest) in _STABLE.items():
        world.truth[key] = ClinicTruth(
            key, False, region, municipality, last_week=_CLOSES_AFTER.get(key, weeks - 1)
        )
    for week in range(weeks):
        # Rotation: each week the pool is dealt anew, 3 persons a concern venue, so persons
        # move between venues and cities and most of a roster is new every week.
        dealt = foreign[:]
        random.Random(seed * 100 + week).shuffle(dealt)
        for position, key in enumerate(concern_keys):
            name, _region, _m, written, hours, price, phone = _CONCERN[key]
            if key == "golden" and week >= 3:
                written = _MOVED_TO
            if key == "sakura" and week >= 2:
                name = _RENAMED_TO
            roster = tuple(dealt[position * 3 : position * 3 + 3])
            _add(world, key, week, name, written, hours, price, phone, roster, True)
        for key, (name, _region, _m, written, hours, price, phone) in _STABLE.items():
            if week > _CLOSES_AFTER.get(key, weeks):
                continue
            roster = tuple(independent[i] for i in _STABLE_ROSTERS[key])
            _add(world, key, week, name, written, hours, price, phone, roster, False)
    return world


def _add(
    world: ClinicWorld, key: str, week: int, name: str, written: list[str], hours: str,
    price: int, phone: str, roster: tuple[Person, ...], concern: bool,
) -> None:  # fmt: skip
    for number, site in enumerate(SITES):
        seen_at = START + timedelta(weeks=week, hours=number)
        address = written[number]
        text = (
            _concern_text(name, roster, address, week)
            if concern
            else _stable_text(name, roster, address)
        )
        world.adverts.append(
            ClinicAdvert(
                site=site,
                # One advert per venue per site, kept over the weeks (the page is updated).
                external_id=f"{key}",
                venue=key,
                week=week,
                seen_at=seen_at,
                text=text if number == 0 else f"{text} Åbningstider: {hours}.",
                address_field=address if number == 0 else None,
                hours_field=hours if number == 0 else None,
                name=name,
                phone=phone,
                price=price,
                language="da" if week % 2 == 0 or not concern else "en",
                roster=roster,
            )
        )
