"""spaCy component ``scout_contacts``: sets ``Doc._.contacts`` from the document text."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.contacts import find_contacts
from nlp.doctext import doc_text

if not Doc.has_extension("contacts"):
    Doc.set_extension("contacts", default=None, force=True)


class ContactsComponent:
    """Finds contact points on ``doc.text``; needs no model, so it fits ``spacy.blank(lang)``."""

    def __init__(self, region: str) -> None:
        self.region = region

    def __call__(self, doc: Doc) -> Doc:
        doc._.contacts = find_contacts(doc_text(doc), self.region)
        return doc


@Language.factory("scout_contacts", default_config={"region": "DK"})
def make_contacts(nlp: Language, name: str, region: str) -> ContactsComponent:
    """Build the component; ``region`` is the country assumed for numbers without a prefix."""
    return ContactsComponent(region)
