"""Fixtures for the NLP rule tests: a pipeline without optional components; contact stand-ins."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from nlp.pipeline import build_pipeline


@dataclass(frozen=True)
class StandInContact:
    """Same fields as nlp.contacts.ContactMatch, so these tests do not need that package."""

    kind: str
    value: str
    start: int
    end: int
    obscured: str
    country: str | None = None
    number_type: str | None = None


@pytest.fixture(scope="session")
def nlp_da() -> Language:
    return build_pipeline("da", with_optional=False)


@pytest.fixture(scope="session")
def run_with_contacts(nlp_da: Language) -> Callable[[str, list[dict[str, Any]]], Doc]:
    """Run the pipeline on a text with ``Doc._.contacts`` preset to stand-in contacts."""
    # Let the real contacts package register its extension first when it exists.
    with contextlib.suppress(ImportError):
        import nlp.contacts  # noqa: F401
    if not Doc.has_extension("contacts"):
        Doc.set_extension("contacts", default=None)

    def run(text: str, contacts: list[dict[str, Any]]) -> Doc:
        doc = nlp_da.make_doc(text)
        doc._.contacts = [StandInContact(**contact) for contact in contacts]
        for _name, component in nlp_da.pipeline:
            doc = component(doc)
        return doc

    return run
