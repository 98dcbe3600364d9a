"""detect_languages: und for too little text, scripts, mixed adverts, backends, accuracy floors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import spacy

import nlp.language_component  # noqa: F401  (registers the factory)
from nlp.language import LanguageResult, detect_languages

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_language.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_language", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("text", ["", "   ", "hej", "ring 20 12 34 56", "😀😀😀 www.example.dk"])
def test_language_und_for_too_little_text(text: str) -> None:
    result = detect_languages(text)
    assert result.primary == "und"
    assert result.languages == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("สวัสดีค่ะ ยินดีต้อนรับ", "th"),
        ("Привет, я новая в городе и жду тебя", "ru"),
        ("Привіт, я нова в місті і чекаю на тебе", "uk"),
        ("Γεια σου, είμαι καινούργια στην πόλη", "el"),
    ],
)
def test_language_script_decides_non_latin(text: str, lang: str) -> None:
    assert detect_languages(text).primary == lang


@pytest.mark.parametrize("backend", ["py3langid", "langdetect"])
def test_language_mixed_advert_lists_both(backend: str) -> None:
    text = (
        "Hello, I am new in town and waiting for you tonight. "
        "Jeg er ny i byen og venter på dig i aften, ring til mig."
    )
    result = detect_languages(text, backend)
    assert {"en", "da"} <= set(result.languages)
    spans = {lang: (start, end) for start, end, lang, _ in result.by_sentence}
    assert spans["en"][0] < spans["da"][0]
    assert isinstance(result, LanguageResult) and result.probabilities


def test_language_strips_noise_before_detection() -> None:
    text = "Jeg er ny i byen 😀 ring 20 12 34 56 eller www.example.dk og anna@example.dk i aften"
    assert detect_languages(text).primary == "da"


def test_language_langdetect_is_deterministic() -> None:
    text = "jeg er ny i byen"
    first = detect_languages(text, "langdetect")
    assert all(detect_languages(text, "langdetect") == first for _ in range(5))


def test_language_unknown_backend() -> None:
    with pytest.raises(ValueError, match="unknown language backend"):
        detect_languages("jeg er ny i byen og venter", "nope")


def test_language_component_sets_doc_extension() -> None:
    pipeline = spacy.blank("xx")
    pipeline.add_pipe("scout_language")
    doc = pipeline("Ich bin neu in der Stadt und warte auf dich heute Abend.")
    assert doc._.language.primary == "de"


@pytest.fixture(scope="module")
def samples() -> list[tuple[str, str, str]]:
    return _bench().labelled_sentences(per_bucket=30)


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "bucket", "floor"), [
    ("py3langid", "13+", 0.95),
    ("py3langid", "7-12", 0.9),
    ("langdetect", "13+", 0.9),
])  # fmt: skip
def test_language_accuracy_floor(samples, backend: str, bucket: str, floor: float) -> None:
    table = _bench().accuracy(backend, samples)
    print(backend, table)  # the per-bucket numbers show with -s
    assert table[bucket]["accuracy"] >= floor
