"""Danish cities (name, ascii slug, region, a post code) that the demo world's adverts live in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    """One city a demo advert can be placed in."""

    slug: str
    name: str
    region: str
    postcode: str
    weight: int  # how often adverts land here; big cities attract more


CITIES: tuple[City, ...] = (
    City("koebenhavn", "København", "Hovedstaden", "2100", 10),
    City("aarhus", "Aarhus", "Midtjylland", "8000", 6),
    City("odense", "Odense", "Syddanmark", "5000", 4),
    City("aalborg", "Aalborg", "Nordjylland", "9000", 4),
    City("esbjerg", "Esbjerg", "Syddanmark", "6700", 2),
    City("randers", "Randers", "Midtjylland", "8900", 2),
    City("kolding", "Kolding", "Syddanmark", "6000", 2),
    City("vejle", "Vejle", "Syddanmark", "7100", 2),
    City("roskilde", "Roskilde", "Sjælland", "4000", 2),
    City("herning", "Herning", "Midtjylland", "7400", 2),
    City("helsingoer", "Helsingør", "Hovedstaden", "3000", 1),
    City("naestved", "Næstved", "Sjælland", "4700", 1),
)

CITY_BY_SLUG: dict[str, City] = {c.slug: c for c in CITIES}
CITY_SLUGS: tuple[str, ...] = tuple(c.slug for c in CITIES)
CITY_WEIGHTS: tuple[int, ...] = tuple(c.weight for c in CITIES)
