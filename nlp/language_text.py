"""What language detection reads: sentences, text cleaned of noise, and the answers that need no
statistics (a script that names its language, too few words)."""

from __future__ import annotations

import re
import unicodedata

MIN_WORDS = 3  # fewer letter words than this is too little to tell
MIN_SCRIPT_LETTERS = 4  # enough letters of a telling script (Thai, Greek ...) to name it
MIN_PROBABILITY = 0.5  # below this the answer is "und"

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
# One character class (not an alternation of ten), which re scans for in C.
_ANY_SCRIPT = re.compile("[" + "".join(pattern.pattern[1:-1] for _, pattern in _SCRIPTS) + "]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+|[^\w\s'’.,!?-]+")
# The same without the e-mail alternative, for texts without "@": that alternative tries the
# rest of the word at every character, which costs most in scripts without spaces (Thai).
_NOISE_NO_AT = re.compile(r"https?://\S+|www\.\S+|[\d_]+|[^\w\s'’.,!?-]+")
# Only these alternatives of _NOISE can remove letters; each needs its marker in the token.
_LETTER_NOISE_MARKERS = ("://", "www.", "@")
SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]*")
_TOKEN = re.compile(r"\S+")  # what str.split() splits out (both use Unicode whitespace)

Answer = tuple[str, float, dict[str, float]]  # (language or "und", probability, probabilities)


def clean_for_detection(text: str) -> str:
    """Text without URLs, e-mails, numbers and emoji, which only confuse a detector."""
    text = unicodedata.normalize("NFC", text)
    return " ".join((_NOISE if "@" in text else _NOISE_NO_AT).sub(" ", text).split())


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many times ``pattern`` matches (like ``len(findall)``, without making the list)."""
    return pattern.subn("", text)[1]


def script_language(text: str) -> str | None:
    """The language a non-Latin script names, when most letters are in that script."""
    if text.isascii() or not _ANY_SCRIPT.search(text):
        return None
    letters = _count(LETTER, text)
    for code, pattern in _SCRIPTS:
        if _count(pattern, text) * 2 >= letters:
            return "uk" if code == "ru" and _UKRAINIAN.search(text) else code
    return None


def without_backend(cleaned: str) -> Answer | None:
    """The answer when no statistics are needed (a telling script, or too few words)."""
    scripted = script_language(cleaned)
    if scripted and _count(LETTER, cleaned) >= MIN_SCRIPT_LETTERS:
        return scripted, 1.0, {scripted: 1.0}  # Thai and CJK do not separate words by spaces
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return "und", 0.0, {}
    return None


def _plainly_worded(text: str) -> bool:
    """True when ``text`` surely needs statistics: no telling script and MIN_WORDS words that
    cleaning keeps. Cleaning swaps non-letters for spaces, so a word survives it unless its
    whitespace-separated token holds a URL or an e-mail; NFC text only, as cleaning makes it."""
    if not unicodedata.is_normalized("NFC", text) or _ANY_SCRIPT.search(text):
        return False
    words = 0
    for found in _TOKEN.finditer(text):  # text.split() lazily: the first few tokens decide
        token = found.group()
        if not any(marker in token for marker in _LETTER_NOISE_MARKERS):
            words += len(_WORD.findall(token))
            if words >= MIN_WORDS:
                return True
    return False


def whole_without_backend(text: str) -> Answer | None:
    """``without_backend`` of the cleaned whole text, without cleaning it in the common case."""
    return None if _plainly_worded(text) else without_backend(clean_for_detection(text))


def decide(probabilities: dict[str, float]) -> Answer:
    """The most probable language, or "und" when it is not probable enough."""
    if not probabilities:
        return "und", 0.0, {}
    lang, prob = max(probabilities.items(), key=lambda item: item[1])
    return (lang if prob >= MIN_PROBABILITY else "und"), prob, probabilities
