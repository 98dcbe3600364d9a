"""Detecting a batch at once (sentences remembered, one numpy pass) answers as one at a time."""

from __future__ import annotations

from nlp import language_batch
from nlp.language import detect_languages, detect_many, get_backend
from nlp.language_batch import _MEMOS

TEXTS = [
    "Hello, I am new in town and waiting for you. Jeg er ny i byen og venter på dig i aften.",
    "Jeg er ny i byen og venter på dig i aften. Ring til mig.",
    "Ich bin neu in der Stadt. www.example.de anna@example.de 20 12 34 56",
    "Привет, я новая в городе и жду тебя",
    "hej",
    "",
    "Jeg er ny i byen og venter på dig i aften. Ring til mig.",  # a repeat: from the memo
]


def test_language_batch_answers_as_one_at_a_time() -> None:
    backend = get_backend("py3langid", ("da", "en", "de", "ru"))
    alone = [detect_languages(text, backend) for text in TEXTS]
    _MEMOS.pop(backend, None)  # cold memo, then warm
    assert detect_many(TEXTS, backend) == alone
    assert detect_many(TEXTS, backend) == alone


def test_language_batch_memo_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(language_batch, "MEMO_LIMIT", 5)
    backend = get_backend("py3langid", ("da", "en"))
    texts = [f"Jeg er ny i byen nummer {n}. Ring til mig i aften." for n in range(40)]
    found = [detect_many([text], backend)[0] for text in texts]
    assert len(_MEMOS[backend]) <= 5 + 2  # cleared when past the limit, then one text added
    assert found == [detect_languages(text, backend) for text in texts]


def test_language_batch_other_backends_classify_each_sentence() -> None:
    text = TEXTS[0]
    result = detect_many([text], "langdetect")[0]
    assert result == detect_languages(text, "langdetect")
    assert {"en", "da"} <= set(result.languages)
