"""Languages to write in for outreach: a table of cases in write_in_cases.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.write_in import country_of_nationality, languages_to_write_in, load_table

CASES = yaml.safe_load((Path(__file__).parent / "write_in_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_write_in_ranking_and_reasons(case: dict) -> None:
    result = languages_to_write_in(
        case["languages"],
        case.get("nationalities", []),
        case.get("phone_countries", []),
        adverts=case.get("adverts"),
    )
    assert [w.lang for w in result] == case["ranking"]
    assert all(reason in result[0].reasons for reason in case["first_reasons"]), result[0]
    assert [w.score for w in result] == sorted((w.score for w in result), reverse=True)


def test_write_in_table_is_consistent() -> None:
    table = load_table()
    for code, languages in table.country_languages.items():
        assert languages and all(lang in table.language_names for lang in languages), code
    assert all(lang in table.language_names for lang in table.fallback)


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("RO", "RO"),
        ("ro", "RO"),
        ("Rumænsk", "RO"),
        ("polsk", "PL"),
        ("thai", "TH"),
        ("exotic", None),
    ],
)
def test_write_in_nationality_words(value: str, country: str | None) -> None:
    assert country_of_nationality(value) == country
