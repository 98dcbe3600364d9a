"""Which languages an advert is written in, as a whole and sentence by sentence."""

from __future__ import annotations

import re
import unicodedata
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

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_LANGUAGES",
    "Backend",
    "LangDetectBackend",
    "LanguageResult",
    "Py3LangIdBackend",
    "detect_languages",
    "get_backend",
]


# Languages seen in Danish adverts; restricting the candidates cuts look-alike confusions.
DEFAULT_LANGUAGES = (
    "da", "en", "de", "sv", "no", "pl", "ro", "es", "it", "fr", "pt", "nl", "ru", "uk", "bg",
    "hu", "lt", "cs",
)  # fmt: skip
MIN_WORDS = 3  # fewer letter words than this is too little to tell
MIN_SCRIPT_LETTERS = 4  # enough letters of a telling script (Thai, Greek ...) to name it
MIN_PROBABILITY = 0.5  # below this the answer is "und"
MIN_SHARE = 0.15  # a language must carry this share of the letters to be listed as present

# Scripts that name their language outright: no statistics needed.
_SCRIPTS = [
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
]
# Any letter of those scripts: most adverts have none, and then the scripts need no counting.
_ANY_SCRIPT = re.compile("|".join(pattern.pattern for _, pattern in _SCRIPTS))
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+|[^\w\s'’.,!?-]+")
_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """Primary language (ISO 639-1 or "und"), probabilities, per-sentence spans, all present."""

    primary: str
    probabilities: dict[str, float] = field(default_factory=dict)
    by_sentence: list[tuple[int, int, str, float]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def clean_for_detection(text: str) -> str:
    """Text without URLs, e-mails, numbers and emoji, which only confuse a detector."""
    return " ".join(_NOISE.sub(" ", unicodedata.normalize("NFC", text)).split())


def script_language(text: str) -> str | None:
    """The language a non-Latin script names, when most letters are in that script."""
    if text.isascii() or not _ANY_SCRIPT.search(text):
        return None
    letters = len(_LETTER.findall(text))
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(text)) * 2 >= letters:
            return "uk" if code == "ru" and _UKRAINIAN.search(text) else code
    return None


def _without_backend(cleaned: str) -> tuple[str, float, dict[str, float]] | None:
    """The answer when no statistics are needed (a telling script, or too few words)."""
    scripted = script_language(cleaned)
    if scripted and len(_LETTER.findall(cleaned)) >= MIN_SCRIPT_LETTERS:
        return scripted, 1.0, {scripted: 1.0}  # Thai and CJK do not separate words by spaces
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return "und", 0.0, {}
    return None


def _decide(probabilities: dict[str, float]) -> tuple[str, float, dict[str, float]]:
    if not probabilities:
        return "und", 0.0, {}
    lang, prob = max(probabilities.items(), key=lambda item: item[1])
    return (lang if prob >= MIN_PROBABILITY else "und"), prob, probabilities


def _classify_parts(
    whole: str, parts: list[str], backend: Backend
) -> tuple[tuple[str, float, dict[str, float]], list[tuple[str, float, dict[str, float]]]]:
    """Classify the whole text and each of its parts (sentences), each cleaned first."""
    cleaned = [clean_for_detection(part) for part in parts]
    fixed = [_without_backend(part) for part in cleaned]
    whole_fixed = _without_backend(clean_for_detection(whole))
    if isinstance(backend, Py3LangIdBackend):
        each, together = backend.probabilities_of_parts(cleaned, [f is None for f in fixed])
    else:
        each = [
            backend.probabilities(c) if f is None else {}
            for c, f in zip(cleaned, fixed, strict=True)
        ]
        together = {} if whole_fixed else backend.probabilities(clean_for_detection(whole))
    results = [f if f is not None else _decide(p) for f, p in zip(fixed, each, strict=True)]
    return whole_fixed or _decide(together), results


@lru_cache(maxsize=8)
def _default_backend(name: str | None, languages: tuple[str, ...]) -> Backend:
    return get_backend(name, languages)


def detect_languages(
    text: str, backend: str | Backend | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> LanguageResult:
    """Detect the languages of ``text``: the whole text and each sentence."""
    # a str/None check first: isinstance against a runtime Protocol is slow per call
    if backend is None or isinstance(backend, str):
        chosen = _default_backend(backend, languages)
    else:
        chosen = backend
    sentences = list(_SENTENCE.finditer(text))
    (primary, _, probabilities), results = _classify_parts(
        text, [m.group() for m in sentences], chosen
    )
    by_sentence: list[tuple[int, int, str, float]] = []
    shares: dict[str, int] = {}
    for m, (lang, prob, _) in zip(sentences, results, strict=True):
        if lang == "und":
            continue
        by_sentence.append((m.start(), m.end(), lang, round(prob, 4)))
        shares[lang] = shares.get(lang, 0) + len(_LETTER.findall(m.group()))
    total = sum(shares.values())
    present = sorted((s for s in shares if shares[s] >= MIN_SHARE * total), key=shares.__getitem__)[
        ::-1
    ]
    if primary == "und" and present:
        primary = present[0]
    if primary != "und" and primary not in present:
        present.insert(0, primary)
    rounded = {lang: round(p, 4) for lang, p in probabilities.items() if p >= 0.01}
    return LanguageResult(primary, rounded, by_sentence, present)
