"""Issue 16: the fields of a job advert — wages and their units, CVR numbers, industry,
place, hours, housing, transport, recruiter and languages."""

from __future__ import annotations

import pytest

from nlp.jobs.fields import (
    classify_industry,
    cvr_valid,
    extract_job_fields,
    find_cvr,
    find_wages,
    hourly_dkk,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency", "unit", "net"),
    [
        ("Løn 130 kr./t", 130, "DKK", "hour", False),
        ("Timeløn kr. 165", 165, "DKK", "hour", False),
        ("Płaca 25 zł/h netto", 25, "PLN", "hour", True),
        ("4 200 zł miesięcznie", 4200, "PLN", "month", False),
        ("Salariu 4000 lei pe lună", 4000, "RON", "month", False),
        ("Plata 60 € net per day", 60, "EUR", "day", True),
        ("€ 55 netto per day", 55, "EUR", "day", True),
        ("Plukning: 1,50 kr. per kg", 1.5, "DKK", "piece", False),
        ("2 kr. pr. stk", 2, "DKK", "piece", False),
        ("3 lei pe bucată", 3, "RON", "piece", False),
        ("3500 лв. на месец", 3500, "BGN", "month", False),
        ("Оплата 800 грн/день", 800, "UAH", "day", False),
        ("12 EUR/val.", 12, "EUR", "hour", False),
    ],
)
def test_wages_with_their_units(
    text: str, amount: float, currency: str, unit: str, net: bool
) -> None:
    (wage,) = find_wages(text)
    assert (wage.amount, wage.currency, wage.unit, wage.net) == (amount, currency, unit, net)


def test_a_wage_without_unit_is_read_but_not_compared() -> None:
    (wage,) = find_wages("Bonus 500 kr. ved start")
    assert wage.unit is None and hourly_dkk(wage) is None


def test_hourly_wage_in_dkk_uses_the_stated_hours_a_day() -> None:
    (wage,) = find_wages("60 € net per day")
    assert hourly_dkk(wage) == pytest.approx(60 * 7.46 / 7.4)
    assert hourly_dkk(wage, hours_per_day=12) == pytest.approx(60 * 7.46 / 12)


@pytest.mark.parametrize("number", ["91234564", "91234572", "93456785", "10000009"])
def test_valid_cvr_numbers(number: str) -> None:
    assert cvr_valid(number)


@pytest.mark.parametrize("number", ["91234565", "12345678", "01234567", "1234567", "9123456a"])
def test_invalid_cvr_numbers(number: str) -> None:
    assert not cvr_valid(number)


@pytest.mark.parametrize(
    ("text", "number", "valid"),
    [
        ("Nordlys ApS, CVR 91234564", "91234564", True),
        ("CVR-nr.: 9123 4572", "91234572", True),
        ("cvr nummer 12345678", "12345678", False),
        ("Ring 12345678", None, None),
    ],
)
def test_cvr_found_in_text(text: str, number: str | None, valid: bool | None) -> None:
    assert find_cvr(text) == (number, valid)


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("Rengøringsassistent til hotelrengøring", "cleaning"),
        ("Zbiór truskawek w szklarni", "agriculture"),
        ("Muncitori pe șantier, zidar și dulgher", "construction"),
        ("Кухня, миене на съдове, ресторант", "hotels_restaurants"),
        ("Vairuotojas, sandėlyje", "transport"),
        ("Робота на автомийці", "car_wash"),
        ("Hyggelig stilling", None),
    ],
)
def test_industry_classified_from_the_text(text: str, industry: str | None) -> None:
    assert classify_industry(text)[0] == industry


def test_all_fields_of_one_advert() -> None:
    fields = extract_job_fields(
        "Rengøringsassistent søges i Odense\n"
        "Nordlys Service ApS (vikarbureau), CVR 91234564. 12 timer om dagen, 6 dage om ugen, "
        "60 timer om ugen. 120 kr./t. Bolig og transport. Dansk og engelsk."
    )
    assert fields.title == "Rengøringsassistent søges i Odense"
    assert fields.industry == "cleaning" and fields.places == ["Odense"]
    assert fields.regions == ["Syddanmark"]
    assert (fields.hours_per_day, fields.days_per_week, fields.hours_per_week) == (12, 6, 60)
    assert fields.accommodation and fields.transport and fields.agency
    assert fields.company == "Nordlys Service ApS" and fields.cvr_valid is True
    assert fields.languages_required == ["da", "en"]
    record = fields.record(lambda purpose, value: f"<{purpose}>")
    assert record["wages"] == [{"amount": 120.0, "currency": "DKK", "unit": "hour", "net": False}]
    # a sole trader's name and CVR number are a person's: only keyed hashes are stored
    assert "Nordlys" not in str(record) and "91234564" not in str(record)
    assert (record["company_key"], record["cvr_key"]) == ("<company>", "<cvr>")


def test_an_employer_is_not_an_agency() -> None:
    fields = extract_job_fields("Gartneri i Vejle søger plukkere. Fjordhave A/S.")
    assert not fields.agency and fields.company == "Fjordhave A/S" and fields.cvr is None
