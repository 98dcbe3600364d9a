"""spaCy component ``scout_language``: sets ``Doc._.language`` (a LanguageResult)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from nlp.doctext import doc_text
from nlp.language import DEFAULT_LANGUAGES, detect_many, get_backend

if not Doc.has_extension("language"):
    Doc.set_extension("language", default=None, force=True)


class LanguageComponent:
    """Detects the advert's languages on ``doc.text``; the backend is loaded once."""

    def __init__(self, backend: str | None, languages: list[str] | None) -> None:
        self.languages = tuple(languages or DEFAULT_LANGUAGES)
        self.backend = get_backend(backend, self.languages)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        """Detect a batch of documents at once (one numpy pass with py3langid)."""
        for batch in minibatch(docs, size=batch_size):
            found = detect_many([doc_text(doc) for doc in batch], self.backend, self.languages)
            for doc, result in zip(batch, found, strict=True):
                doc._.language = result
                yield doc


@Language.factory("scout_language", default_config={"backend": None, "languages": None})
def make_language(
    nlp: Language, name: str, backend: str | None, languages: list[str] | None
) -> LanguageComponent:
    """Build the component; ``backend`` is "py3langid" (default) or "langdetect"."""
    return LanguageComponent(backend, languages)
