"""Language detection for a batch of texts with py3langid: each sentence read once and remembered
by its text (adverts repeat their sentences), every text of the batch scored in one numpy pass."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from weakref import WeakKeyDictionary

from nlp.language_backends import Py3LangIdBackend
from nlp.language_text import (
    LETTER,
    MIN_PROBABILITY,
    SENTENCE,
    Answer,
    clean_for_detection,
    decide,
    whole_without_backend,
    without_backend,
)

MEMO_LIMIT = 50_000  # sentences remembered per backend (~25 MB); cleared when it grows past this

# (start, end, language, probability, letters) of each sentence in a language
Sentences = list[tuple[int, int, str, float, int]]


class _Sentence:
    """What one sentence contributes, whatever advert it is in."""

    __slots__ = ("features", "fixed", "letters", "size", "verdict")

    def __init__(self, text: str, backend: Py3LangIdBackend) -> None:
        cleaned = clean_for_detection(text)
        self.features, self.size = backend.features(cleaned)
        self.fixed = without_backend(cleaned)  # a script, or too few words: no statistics
        self.letters = len(LETTER.findall(text))
        # the sentence's own (language, probability): from `fixed`, or scored with its batch
        self.verdict: tuple[str, float] | None = self.fixed[:2] if self.fixed else None
        if self.verdict is None and not self.features:
            self.verdict = ("und", 0.0)


_MEMOS: WeakKeyDictionary[Py3LangIdBackend, dict[str, _Sentence]] = WeakKeyDictionary()


def _sentences(text: str, backend: Py3LangIdBackend) -> list[tuple[int, int, _Sentence]]:
    memo = _MEMOS.setdefault(backend, {})
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    found = []
    for m in SENTENCE.finditer(text):
        sentence = memo.get(m.group())
        if sentence is None:
            sentence = memo[m.group()] = _Sentence(m.group(), backend)
        found.append((m.start(), m.end(), sentence))
    return found


def _score(
    unscored: list[_Sentence], wholes: dict[int, list[_Sentence]], backend: Py3LangIdBackend
) -> dict[int, Answer]:
    """Give each unscored sentence its verdict; return the answer for each whole text."""
    # A whole text's counts are its sentences' counts joined, in text order.
    joined = {k: list(chain.from_iterable(s.features for s in wholes[k])) for k in wholes}
    joined = {k: features for k, features in joined.items() if features}
    visits = [Counter(s.features) for s in unscored] + [Counter(f) for f in joined.values()]
    if not visits:
        return {}
    sizes = [s.size for s in unscored] + [sum(s.size for s in wholes[k]) for k in joined]
    scores = backend.scores(visits, sizes)
    verdicts = backend.best(scores[: len(unscored)])
    for sentence, (lang, prob) in zip(unscored, verdicts, strict=True):
        sentence.verdict = (lang if prob >= MIN_PROBABILITY else "und", prob)
    top = backend.top(scores[len(unscored) :])
    return {k: decide(probabilities) for k, probabilities in zip(joined, top, strict=True)}


def detect_batch(texts: Sequence[str], backend: Py3LangIdBackend) -> list[tuple[Answer, Sentences]]:
    """Per text: the whole text's answer and the sentences that have a language."""
    split = [_sentences(text, backend) for text in texts]
    fixed = [whole_without_backend(text) for text in texts]
    unscored = {id(s): s for spans in split for _, _, s in spans if s.verdict is None}
    wholes = {k: [s for _, _, s in spans] for k, spans in enumerate(split) if fixed[k] is None}
    answers = _score(list(unscored.values()), wholes, backend)
    results = []
    for k, spans in enumerate(split):
        found: Sentences = []
        for start, end, sentence in spans:
            lang, prob = sentence.verdict or ("und", 0.0)  # every verdict is set by now
            if lang != "und":
                found.append((start, end, lang, prob, sentence.letters))
        results.append((fixed[k] or answers.get(k) or decide({}), found))
    return results
