"""spaCy component ``scout_language``: sets ``Doc._.language`` (a LanguageResult)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.doctext import doc_text
from nlp.language import DEFAULT_LANGUAGES, detect_languages, get_backend

if not Doc.has_extension("language"):
    Doc.set_extension("language", default=None, force=True)


class LanguageComponent:
    """Detects the advert's languages on ``doc.text``; the backend is loaded once."""

    def __init__(self, backend: str | None, languages: list[str] | None) -> None:
        self.languages = tuple(languages or DEFAULT_LANGUAGES)
        self.backend = get_backend(backend, self.languages)

    def __call__(self, doc: Doc) -> Doc:
        doc._.language = detect_languages(doc_text(doc), self.backend, self.languages)
        return doc


@Language.factory("scout_language", default_config={"backend": None, "languages": None})
def make_language(
    nlp: Language, name: str, backend: str | None, languages: list[str] | None
) -> LanguageComponent:
    """Build the component; ``backend`` is "py3langid" (default) or "langdetect"."""
    return LanguageComponent(backend, languages)
