"""Other projects' test cases, used as they are; rules in cases/peer_rules.yaml say where not."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import phonenumbers
import pytest
import yaml

from nlp.contacts import find_contacts
from nlp.contacts.numberwords import available_languages, load_number_words, number_edits
from nlp.contacts.rewrite import Layer

PEER = Path(
    os.environ.get("SCOUT_PEER_TESTDATA")
    or Path(__file__).resolve().parents[3] / ".." / "shared" / "testdata" / "peer"
)
RULES = yaml.safe_load((Path(__file__).parent / "cases" / "peer_rules.yaml").read_text("utf-8"))


def _rows(name: str, file: str = "cases.jsonl") -> list[dict]:
    path = PEER / name / file
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _e164(raw: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _applies(when: str, case: dict) -> bool:
    kind, _, arg = when.partition(" ")
    if kind == "expected_number_invalid":
        return any(_e164(raw, case["_region"]) is None for raw in case["_numbers"])
    if kind == "function_not_in":
        return case.get("function") not in yaml.safe_load(arg)
    if kind == "language_without_numbers_yaml":
        return case.get("lang") is not None and case["lang"] not in available_languages()
    if kind == "input_matches":
        return re.search(yaml.safe_load(arg), case["input"]) is not None
    raise ValueError(f"unknown rule condition {when!r}")


def _params(name: str, cases: list[dict]) -> list:
    if not cases:
        reason = f"peer test data {PEER / name} not found (set SCOUT_PEER_TESTDATA)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="missing")]
    params = []
    for i, case in enumerate(cases):
        marks = []
        for rule in RULES.get(name, []):
            if _applies(rule["when"], case):
                if rule["action"] == "skip":
                    marks = [pytest.mark.skip(reason=rule["reason"])]
                    break
                marks = [pytest.mark.xfail(reason=rule["reason"])]  # strict (xfail_strict)
        params.append(pytest.param(case, marks=marks, id=f"{i}-{case['input'][:30]}"))
    return params


def _phones(text: str, region: str) -> list[str]:
    return [m.value for m in find_contacts(text, region) if m.kind == "phone"]


def _christianrich() -> list[dict]:
    rows = _rows("phone/christianrich_phone-number-extractor")
    return [{**r, "_region": r["region"], "_numbers": r["expected"]} for r in rows]


@pytest.mark.parametrize(
    "case", _params("phone/christianrich_phone-number-extractor", _christianrich())
)
def test_peer_christianrich_phone_extractor(case: dict) -> None:
    expected = [_e164(raw, case["region"]) for raw in case["expected"]]
    assert _phones(case["input"], case["region"]) == expected  # [] for the false positives


def _dareco() -> list[dict]:
    rows = _rows("phone/dasj19_dareco_danish-formats")
    for r in rows:
        r["_region"], r["_numbers"] = (
            "DK",
            [r["expected_national_digits"] or ""][: r["expected_match"]],
        )
    return rows


@pytest.mark.parametrize("case", _params("phone/dasj19_dareco_danish-formats", _dareco()))
def test_peer_dareco_danish_formats(case: dict) -> None:
    expected = ["+45" + case["expected_national_digits"]] if case["expected_match"] else []
    assert _phones(case["input"], "DK") == expected


def _commonregex() -> list[dict]:
    rows = _rows("contact/commonregex")
    for r in rows:
        phone = r["kind"].startswith("phone") and "expected" in r
        r["_region"], r["_numbers"] = "US", r["expected"] if phone else []
    return rows


@pytest.mark.parametrize("case", _params("contact/commonregex", _commonregex()))
def test_peer_commonregex(case: dict) -> None:
    text, kind = case["input"], case["kind"]
    matches = find_contacts(text, "US")
    if "expected_not" in case:
        assert all(text[m.start : m.end] not in case["expected_not"] for m in matches)
    elif kind.startswith("phone"):
        assert [m.value for m in matches if m.kind == "phone"] == [_e164(case["expected"][0], "US")]
    elif kind == "email":
        assert [m.value for m in matches if m.kind == "email"] == [case["expected"][0].lower()]
    elif kind == "link":
        assert [m.value for m in matches if m.kind == "url"] == case["expected"]
    else:  # prices: whatever else they are, they are not phones
        assert [m for m in matches if m.kind == "phone"] == []


@pytest.mark.parametrize(
    "case",
    _params(
        "contact/jenkinsci_jira-plugin_unmask-mail",
        _rows("contact/jenkinsci_jira-plugin_unmask-mail"),
    ),
)
def test_peer_jira_unmask_mail(case: dict) -> None:
    assert [m.value for m in find_contacts(case["input"]) if m.kind == "email"] == [
        case["expected"]
    ]


@pytest.mark.parametrize(
    "case",
    _params("contact/gchq_cyberchef_extract-email", _rows("contact/gchq_cyberchef_extract-email")),
)
def test_peer_cyberchef_extract_email(case: dict) -> None:
    import unicodedata

    expected = list(
        dict.fromkeys(unicodedata.normalize("NFC", e).lower() for e in case["expected"])
    )
    assert [m.value for m in find_contacts(case["input"]) if m.kind == "email"] == expected


def _number_parser() -> list[dict]:
    tables = _rows("numbers/scrapinghub_number-parser", "word_tables.jsonl")
    tables = [{**r, "function": "parse_number"} for r in tables]
    return _rows("numbers/scrapinghub_number-parser") + tables


def _words_to_digits(text: str, languages: tuple[str, ...] | None) -> str:
    """Each spelled number as digits ("eight cows" -> "8 cows"), the edits deobfuscation makes."""
    return Layer(text, number_edits(text, load_number_words(languages))).text


@pytest.mark.parametrize("case", _params("numbers/scrapinghub_number-parser", _number_parser()))
def test_peer_number_parser_words_to_digits(case: dict) -> None:
    languages = (case["lang"],) if case.get("lang") else None
    out = _words_to_digits(case["input"], languages)
    if case["function"] == "parse":
        assert out == case["expected"]
    else:
        stripped = out.strip()
        assert (int(stripped) if stripped.isdigit() else None) == case["expected"]
