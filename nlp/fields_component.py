"""spaCy component ``scout_fields``: sets ``Doc._.fields`` to the advert's AdvertFields."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.doctext import doc_text
from nlp.fields import extract_fields

if not Doc.has_extension("fields"):
    Doc.set_extension("fields", default=None)


class FieldsComponent:
    """Sets ``Doc._.fields`` to the advert's AdvertFields."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.fields = extract_fields(doc_text(doc))
        return doc


@Language.factory("scout_fields", default_config={})
def make_fields_component(nlp: Language, name: str) -> FieldsComponent:
    return FieldsComponent()
