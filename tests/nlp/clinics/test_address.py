"""Danish address parsing on a table of synthetic addresses in real formats (issue 15)."""

from __future__ import annotations

import pytest

from nlp.clinics.address import find_addresses, find_place, parse_address, street_key
from nlp.clinics.postcodes import lookup, municipalities, regions

# written -> (display, building key, municipality, region); all synthetic.
FIELD_CASES = [
    ("Vesterbrogade 12, 2. tv., 1620 København V",
     "Vesterbrogade 12, 2. tv, 1620 København V", "vesterbrogade|12|1620", "København",
     "Hovedstaden"),
    ("Vesterbrogade 12 2tv 1620 Kbh V",
     "Vesterbrogade 12, 2. tv, 1620 København V", "vesterbrogade|12|1620", "København",
     "Hovedstaden"),
    ("Vesterbrogd. 12, 2 tv, DK-1620 København V",
     "Vesterbrogade 12, 2. tv, 1620 København V", "vesterbrogade|12|1620", "København",
     "Hovedstaden"),
    ("vesterbrogade 12, 2. th",
     "Vesterbrogade 12, 2. th", "vesterbrogade|12|", None, None),
    ("Boulevarden 7 st. th. 9000 Aalborg",
     "Boulevarden 7, st th, 9000 Aalborg", "boulevarden|7|9000", "Aalborg", "Nordjylland"),
    ("Jernbanegade 4B, 1. sal, 8000 Aarhus C",
     "Jernbanegade 4B, 1., 8000 Aarhus C", "jernbanegade|4b|8000", "Aarhus", "Midtjylland"),
    ("H.C. Andersens Boulevard 3, kl., 1553 København V",
     "H.C. Andersens Boulevard 3, kl, 1553 København V", "hcandersensboulevard|3|1553",
     "København", "Hovedstaden"),
    ("Strandvej 101, 9000 Aalborg",
     "Strandvej 101, 9000 Aalborg", "strandvej|101|9000", "Aalborg", "Nordjylland"),
    ("Kongensgade 40, 3. 12, 5000 Odense C",
     "Kongensgade 40, 3. 12, 5000 Odense C", "kongensgade|40|5000", "Odense", "Syddanmark"),
    ("Algade 9 st, 4000 Roskilde",
     "Algade 9, st, 4000 Roskilde", "algade|9|4000", "Roskilde", "Sjælland"),
    ("Nørregade 3", "Nørregade 3", "nørregade|3|", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("written", "display", "key", "municipality", "region"), FIELD_CASES)
def test_field_addresses(written, display, key, municipality, region):
    address = parse_address(written)
    assert address is not None
    assert address.display() == display
    assert address.building_key == key
    assert address.municipality == municipality
    assert address.region == region


@pytest.mark.parametrize("written", ["", "ring for adresse", "12345678", "Kbh V"])
def test_not_addresses(written):
    assert parse_address(written) is None


def test_spellings_of_one_street_share_a_key():
    assert street_key("Gl. Kongevej") == street_key("gl kongevej")
    assert street_key("Vesterbrogd.") == street_key("Vesterbrogade")
    assert street_key("H. C. Andersens Boulevard") == street_key("H.C. Andersens Boulevard")


def test_addresses_in_free_text():
    text = (
        "Velkommen! Ny adresse: Boulevarden 7 st. th. 9000 Aalborg. Vi har 3 piger i dag, "
        "ring 12 34 56 78. Tidligere på Gammel Kongevej 5B, 1620 København V."
    )
    found = find_addresses(text)
    assert [a.display() for a in found] == [
        "Boulevarden 7, st th, 9000 Aalborg",
        "Gammel Kongevej 5B, 1620 København V",
    ]


@pytest.mark.parametrize(
    "text", ["vi har 3 piger, vejen er lang 12 timer", "åben 10-22 alle dage", "Pris 500 kr"]
)
def test_no_address_in_ordinary_text(text):
    assert find_addresses(text) == []


def test_postcode_and_town_in_text():
    place = find_place("Klinik midt i 9000 Aalborg, tæt på stationen")
    assert place is not None and (place.town, place.municipality, place.region) == (
        "Aalborg",
        "Aalborg",
        "Nordjylland",
    )
    assert find_place("ring 1234 5678") is None  # not a postcode the table knows


def test_postcode_table():
    assert lookup("2100").town == "København Ø"
    assert lookup(1050).municipality == "København"
    assert lookup("9999") is None and lookup(None) is None and lookup("x") is None
    assert regions() == ["Hovedstaden", "Midtjylland", "Nordjylland", "Sjælland", "Syddanmark"]
    assert "Aalborg" in municipalities("Nordjylland")
    assert "Aalborg" not in municipalities("Hovedstaden")


# postcode -> (town, municipality, region): real-format postcodes in every region, from the
# generated table (scripts/postcodes_table.py); None where the postcode reaches several
# municipalities and none is named like its town (and no region when they are in two).
POSTCODE_CASES = [
    ("1620", "København V", "København", "Hovedstaden"),
    ("3700", "Rønne", "Bornholm", "Hovedstaden"),
    ("2800", "Kongens Lyngby", "Lyngby-Taarbæk", "Hovedstaden"),  # several: hand-checked
    ("1212", "København K", "København", "Hovedstaden"),  # inside a block's range
    ("4700", "Næstved", "Næstved", "Sjælland"),
    ("4800", "Nykøbing F", "Guldborgsund", "Sjælland"),
    ("6000", "Kolding", "Kolding", "Syddanmark"),
    ("6400", "Sønderborg", "Sønderborg", "Syddanmark"),
    ("8900", "Randers C", "Randers", "Midtjylland"),
    ("7800", "Skive", "Skive", "Midtjylland"),
    ("8450", "Hammel", "Favrskov", "Midtjylland"),  # several: hand-checked
    ("8700", "Horsens", "Horsens", "Midtjylland"),
    ("9400", "Nørresundby", "Aalborg", "Nordjylland"),
    ("7700", "Thisted", "Thisted", "Nordjylland"),
    ("7323", "Give", None, None),  # Vejle (Syddanmark) and Ikast-Brande (Midtjylland)
]


@pytest.mark.parametrize(("postcode", "town", "municipality", "region"), POSTCODE_CASES)
def test_postcode_table_case(postcode, town, municipality, region):
    place = lookup(postcode)
    assert place is not None
    assert (place.town, place.municipality, place.region) == (town, municipality, region)


def test_postcode_table_is_whole_and_consistent():
    """Every region; a municipality has one code and lies in one region; post centres
    (below 1000) are not places."""
    assert lookup("0800") is None and lookup("0900") is None
    places = [lookup(n) for n in range(1000, 10000)]
    known = [p for p in places if p is not None]
    assert len(known) >= 1_111  # every postcode the source has from 1000 up (and gaps in ranges)
    regions_of: dict[str, set[str | None]] = {}
    codes_of: dict[str, set[str | None]] = {}
    for place in known:
        if place.municipality:
            regions_of.setdefault(place.municipality, set()).add(place.region)
            codes_of.setdefault(place.municipality, set()).add(place.municipality_code)
    assert len(regions_of) >= 98  # Denmark's 98 municipalities
    assert all(len(found) == 1 and None not in found for found in regions_of.values())
    assert all(len(found) == 1 for found in codes_of.values())
