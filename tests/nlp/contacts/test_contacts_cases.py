"""Table-driven tests of find_contacts: add a case to cases/*.yaml, not code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.contacts import ContactMatch, find_contacts

CASES = Path(__file__).resolve().parent / "cases"


def _load(name: str):
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def _phones(matches: list[ContactMatch]) -> list[ContactMatch]:
    return [m for m in matches if m.kind == "phone"]


@pytest.mark.parametrize("case", _load("phones_obscured.yaml"), ids=lambda c: c["text"][:40])
def test_contacts_finds_obscured_phone(case: dict) -> None:
    matches = find_contacts(case["text"], case.get("region", "DK"))
    phones = _phones(matches)
    assert [m.value for m in phones] == case["phones"]
    assert phones[0].obscured == case["obscured"]
    assert phones[0].country and phones[0].number_type
    assert 0 <= phones[0].start < phones[0].end <= len(case["text"])


_FALSE = [
    (kind, text) for kind, texts in _load("phones_false_positives.yaml").items() for text in texts
]


@pytest.mark.parametrize(("kind", "text"), _FALSE, ids=[f"{k}:{t[:30]}" for k, t in _FALSE])
def test_contacts_no_phone_in(kind: str, text: str) -> None:
    assert _phones(find_contacts(text)) == []


@pytest.mark.parametrize("case", _load("emails_handles.yaml"), ids=lambda c: c["text"][:40])
def test_contacts_finds_email_and_handle(case: dict) -> None:
    found = [m for m in find_contacts(case["text"]) if m.kind == case["kind"]]
    if case["value"] is None:
        assert found == []
        return
    assert [m.value for m in found] == [case["value"]]
    assert found[0].obscured == case["obscured"]


def test_contacts_evidence_span_points_at_obscured_text() -> None:
    text = "Hej! ring tyve tolv fireogtredive seksoghalvtreds nu"
    (phone,) = find_contacts(text)
    assert text[phone.start : phone.end] == "tyve tolv fireogtredive seksoghalvtreds"


def test_contacts_dedup_keeps_first_and_sorts_by_start() -> None:
    text = "anna@example.com ring 20 12 34 56 eller +45 20123456, anna@example.com"
    matches = find_contacts(text)
    assert [(m.kind, m.value) for m in matches] == [
        ("email", "anna@example.com"),
        ("phone", "+4520123456"),
    ]
    assert matches[1].start == text.index("20 12")


def test_contacts_number_in_link_is_not_also_a_url_or_second_phone() -> None:
    matches = find_contacts("https://wa.me/4520123456")
    assert sorted(m.kind for m in matches) == ["phone", "whatsapp"]


def test_contacts_split_needs_nothing_better() -> None:
    # a whole number elsewhere wins: the loose pieces are not joined
    matches = find_contacts("30 12 34 56. 20 12 ring efter kl 18 34 56")
    assert [m.value for m in matches] == ["+4530123456"]
