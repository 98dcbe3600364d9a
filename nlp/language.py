"""Which languages an advert is written in, as a whole and sentence by sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.language_backends import (
    BACKENDS,
    DEFAULT_BACKEND,
    Backend,
    LangDetectBackend,
    Py3LangIdBackend,
    get_backend,
)
from nlp.language_batch import Sentences, detect_batch
from nlp.language_text import (
    LETTER,
    SENTENCE,
    Answer,
    clean_for_detection,
    decide,
    script_language,
    without_backend,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_LANGUAGES",
    "Backend",
    "LangDetectBackend",
    "LanguageResult",
    "Py3LangIdBackend",
    "clean_for_detection",
    "detect_languages",
    "detect_many",
    "get_backend",
    "script_language",
]


# Languages seen in Danish adverts; restricting the candidates cuts look-alike confusions.
DEFAULT_LANGUAGES = (
    "da", "en", "de", "sv", "no", "pl", "ro", "es", "it", "fr", "pt", "nl", "ru", "uk", "bg",
    "hu", "lt", "cs",
)  # fmt: skip
MIN_SHARE = 0.15  # a language must carry this share of the letters to be listed as present


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """Primary language (ISO 639-1 or "und"), probabilities, per-sentence spans, all present."""

    primary: str
    probabilities: dict[str, float] = field(default_factory=dict)
    by_sentence: list[tuple[int, int, str, float]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _each_sentence(text: str, backend: Backend) -> tuple[Answer, Sentences]:
    """Any backend: the whole text and each sentence classified on its own, cleaned first."""
    found: Sentences = []
    for m in SENTENCE.finditer(text):
        cleaned = clean_for_detection(m.group())
        lang, prob, _ = without_backend(cleaned) or decide(backend.probabilities(cleaned))
        if lang != "und":
            found.append((m.start(), m.end(), lang, prob, len(LETTER.findall(m.group()))))
    cleaned = clean_for_detection(text)
    return without_backend(cleaned) or decide(backend.probabilities(cleaned)), found


def _result(whole: Answer, sentences: Sentences) -> LanguageResult:
    """The LanguageResult from the whole text's answer and the sentences with a language."""
    primary, _, probabilities = whole
    shares: dict[str, int] = {}
    for _, _, lang, _, letters in sentences:
        shares[lang] = shares.get(lang, 0) + letters
    total = sum(shares.values())
    present = sorted((s for s in shares if shares[s] >= MIN_SHARE * total), key=shares.__getitem__)[
        ::-1
    ]
    if primary == "und" and present:
        primary = present[0]
    if primary != "und" and primary not in present:
        present.insert(0, primary)
    rounded = {lang: round(p, 4) for lang, p in probabilities.items() if p >= 0.01}
    by_sentence = [(start, end, lang, round(prob, 4)) for start, end, lang, prob, _ in sentences]
    return LanguageResult(primary, rounded, by_sentence, present)


@lru_cache(maxsize=8)
def _default_backend(name: str | None, languages: tuple[str, ...]) -> Backend:
    return get_backend(name, languages)


def detect_many(
    texts: Sequence[str],
    backend: str | Backend | None = None,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
) -> list[LanguageResult]:
    """``detect_languages`` for each text; py3langid scores the whole batch at once."""
    # a str/None check first: isinstance against a runtime Protocol is slow per call
    if backend is None or isinstance(backend, str):
        chosen = _default_backend(backend, languages)
    else:
        chosen = backend
    if isinstance(chosen, Py3LangIdBackend):
        return [_result(whole, found) for whole, found in detect_batch(texts, chosen)]
    return [_result(*_each_sentence(text, chosen)) for text in texts]


def detect_languages(
    text: str, backend: str | Backend | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> LanguageResult:
    """Detect the languages of ``text``: the whole text and each sentence."""
    return detect_many([text], backend, languages)[0]
