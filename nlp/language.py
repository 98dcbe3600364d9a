"""Which languages an advert is written in, per sentence (pluggable detector backends)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable


@runtime_checkable
class Backend(Protocol):
    """Anything that gives language probabilities for a cleaned text."""

    name: str

    def probabilities(self, text: str) -> dict[str, float]: ...


class LangDetectBackend:
    """langdetect with its own factory loaded once, seeded, and limited to ``languages``."""

    name = "langdetect"

    def __init__(self, languages: tuple[str, ...]) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        profiles = [
            (Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8")
            for code in languages
            if (Path(PROFILES_DIRECTORY) / code).is_file()
        ]
        self._factory.load_json_profile(profiles)
        self._factory.seed = 0  # deterministic: langdetect samples n-grams at random

    def probabilities(self, text: str) -> dict[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            return {lang.lang: lang.prob for lang in detector.get_probabilities()}
        except LangDetectException:
            return {}


class Py3LangIdBackend:
    """py3langid (naive Bayes over byte n-grams) restricted to ``languages``."""

    name = "py3langid"

    def __init__(self, languages: tuple[str, ...]) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        known = set(self._identifier.labels)
        self._identifier.set_languages([code for code in languages if code in known])

    def probabilities(self, text: str) -> dict[str, float]:
        return {lang: prob for lang, prob in self._identifier.rank(text)[:5]}


BACKENDS = {"langdetect": LangDetectBackend, "py3langid": Py3LangIdBackend}
DEFAULT_BACKEND = "py3langid"  # more accurate on short adverts and ~10x faster (benchmarks)


def get_backend(name: str | None, languages: tuple[str, ...]) -> Backend:
    """Build the backend called ``name`` (default ``DEFAULT_BACKEND``)."""
    try:
        return BACKENDS[name or DEFAULT_BACKEND](languages)
    except KeyError:
        raise ValueError(f"unknown language backend {name!r}; known: {sorted(BACKENDS)}") from None


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
    letters = len(_LETTER.findall(text))
    if not letters or text.isascii():
        return None
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(text)) * 2 >= letters:
            return "uk" if code == "ru" and _UKRAINIAN.search(text) else code
    return None


def _classify(text: str, backend: Backend) -> tuple[str, float, dict[str, float]]:
    cleaned = clean_for_detection(text)
    scripted = script_language(cleaned)
    if scripted and len(_LETTER.findall(cleaned)) >= MIN_SCRIPT_LETTERS:
        return scripted, 1.0, {scripted: 1.0}  # Thai and CJK do not separate words by spaces
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return "und", 0.0, {}
    probabilities = backend.probabilities(cleaned)
    if not probabilities:
        return "und", 0.0, {}
    lang, prob = max(probabilities.items(), key=lambda item: item[1])
    return (lang if prob >= MIN_PROBABILITY else "und"), prob, probabilities


@lru_cache(maxsize=8)
def _default_backend(name: str | None, languages: tuple[str, ...]) -> Backend:
    return get_backend(name, languages)


def detect_languages(
    text: str, backend: str | Backend | None = None, languages: tuple[str, ...] = DEFAULT_LANGUAGES
) -> LanguageResult:
    """Detect the languages of ``text``: whole text first, then sentence by sentence."""
    chosen = backend if isinstance(backend, Backend) else _default_backend(backend, languages)
    primary, _, probabilities = _classify(text, chosen)
    by_sentence: list[tuple[int, int, str, float]] = []
    shares: dict[str, int] = {}
    for m in _SENTENCE.finditer(text):
        lang, prob, _ = _classify(m.group(), chosen)
        if lang == "und":
            continue
        by_sentence.append((m.start(), m.end(), lang, round(prob, 4)))
        shares[lang] = shares.get(lang, 0) + len(_LETTER.findall(m.group()))
    total = sum(shares.values())
    present = sorted((s for s in shares if shares[s] >= MIN_SHARE * total), key=shares.get)[::-1]
    if primary == "und" and present:
        primary = present[0]
    if primary != "und" and primary not in present:
        present.insert(0, primary)
    rounded = {lang: round(p, 4) for lang, p in probabilities.items() if p >= 0.01}
    return LanguageResult(primary, rounded, by_sentence, present)
