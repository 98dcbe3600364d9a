"""Structured fields against the tables in cases/fields.yaml (ages, prices, names, cities)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language

from nlp.fields import find_ages, find_cities, find_names, find_prices

TABLES = yaml.safe_load((Path(__file__).parent / "cases" / "fields.yaml").read_text("utf-8"))


def _rows(table: str) -> list[Any]:
    return [pytest.param(row["text"], row["expected"], id=row["text"]) for row in TABLES[table]]


@pytest.mark.parametrize(("text", "expected"), _rows("ages"))
def test_fields_ages(text: str, expected: list[int]) -> None:
    assert [age.value for age in find_ages(text)] == expected


@pytest.mark.parametrize(("text", "expected"), _rows("prices"))
def test_fields_prices(text: str, expected: list[list[Any]]) -> None:
    found = [[p.amount, p.currency, p.euphemism] for p in find_prices(text)]
    assert found == [[float(a), c, e] for a, c, e in expected]


@pytest.mark.parametrize(("text", "expected"), _rows("names"))
def test_fields_names(text: str, expected: list[str]) -> None:
    assert [name.name for name in find_names(text)] == expected


@pytest.mark.parametrize(("text", "expected"), _rows("cities"))
def test_fields_cities(text: str, expected: list[list[str]]) -> None:
    assert [[c.city, c.region] for c in find_cities(text)] == expected


@pytest.mark.parametrize(
    ("name", "region"),
    [("Århus", "Midtjylland"), ("aarhus", "Midtjylland"), ("KØBENHAVN", "Hovedstaden"),
     ("Copenhagen", "Hovedstaden"), ("Koebenhavn", "Hovedstaden"), ("Sønderborg", "Syddanmark"),
     ("Ko\u0308ge", None), ("K\u00f8ge", "Sjælland"), ("Paris", None), ("", None)],
)  # fmt: skip
def test_fields_region_of_each_city_spelling(name: str, region: str | None) -> None:
    assert [city.region for city in find_cities(name)] == ([region] if region else [])


def test_fields_offsets_point_at_the_evidence() -> None:
    text = "Anna, 22 år, 1.200 kr, i Odense"
    (age,), (price,), (city,) = find_ages(text), find_prices(text), find_cities(text)
    assert text[age.start : age.end] == "22 år"
    assert text[price.start : price.end] == price.text == "1.200 kr"
    assert text[city.start : city.end] == "Odense"


def test_fields_component_sets_doc_fields(nlp_da: Language) -> None:
    fields = nlp_da("Jeg hedder Sofie, 25 år, 200 roses, Vejle")._.fields
    assert [a.value for a in fields.ages] == [25]
    assert fields.prices[0].euphemism and fields.prices[0].currency == "roses"
    assert [n.name for n in fields.names] == ["Sofie"]
    assert [c.region for c in fields.cities] == ["Syddanmark"]
