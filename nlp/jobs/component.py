"""spaCy component ``scout_job_fields``: sets ``Doc._.kind_fields`` to a job advert's JobFields."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.doctext import doc_text
from nlp.jobs.fields import extract_job_fields

if not Doc.has_extension("kind_fields"):
    Doc.set_extension("kind_fields", default=None)


class JobFieldsComponent:
    def __call__(self, doc: Doc) -> Doc:
        doc._.kind_fields = extract_job_fields(doc_text(doc))
        return doc


@Language.factory("scout_job_fields", default_config={})
def make_job_fields(nlp: Language, name: str) -> JobFieldsComponent:
    return JobFieldsComponent()
