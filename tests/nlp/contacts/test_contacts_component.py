"""The scout_contacts spaCy component on a blank pipeline."""

from __future__ import annotations

import spacy

import nlp.contacts.component  # noqa: F401  (registers the factory)
from nlp.contacts import ContactMatch


def test_contacts_component_sets_doc_extension() -> None:
    pipeline = spacy.blank("da")
    pipeline.add_pipe("scout_contacts")
    doc = pipeline("Ny i byen! Ring 20 12 34 56 eller skriv anna@example.com")
    assert [(m.kind, m.value) for m in doc._.contacts] == [
        ("phone", "+4520123456"),
        ("email", "anna@example.com"),
    ]
    assert all(isinstance(m, ContactMatch) for m in doc._.contacts)


def test_contacts_component_region_config() -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("scout_contacts", config={"region": "AU"})
    doc = pipeline("call me 0434 100 101")
    assert [m.value for m in doc._.contacts] == ["+61434100101"]
