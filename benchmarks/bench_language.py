"""Language detectors on short advert-like text: accuracy by length bucket and speed.

Run: ``make bench BENCH=language`` (benchmarks/run.py prints the table and saves
``benchmarks/results/language.json``). Sentences are synthetic, generated from the clauses in
``tests/nlp/language/phrases.yaml``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.language import BACKENDS, DEFAULT_LANGUAGES, detect_languages, get_backend  # noqa: E402

PHRASES = ROOT / "tests" / "nlp" / "language" / "phrases.yaml"
BUCKETS = {"1-3": (1, 3), "4-6": (4, 6), "7-12": (7, 12), "13+": (13, 25)}


def labelled_sentences(per_bucket: int = 60, seed: int = 7) -> list[tuple[str, str, str]]:
    """(bucket, language, text) triples: shuffled clauses cut to a word count in the bucket."""
    phrases = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    samples = []
    for lang, clauses in phrases.items():
        for bucket, (lo, hi) in BUCKETS.items():
            for _ in range(per_bucket):
                words = " ".join(rng.sample(clauses, len(clauses))).split()
                samples.append((bucket, lang, " ".join(words[: rng.randint(lo, hi)])))
    return samples


def adverts(count: int = 200, seed: int = 11) -> list[str]:
    """~600-character single-language adverts for the speed measurement."""
    phrases = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    langs = sorted(phrases)
    texts = []
    for i in range(count):
        clauses = phrases[langs[i % len(langs)]]
        text = ""
        while len(text) < 600:
            text += rng.choice(clauses).capitalize() + ". "
        texts.append(text[:600])
    return texts


def accuracy(backend: str, samples: list[tuple[str, str, str]]) -> dict[str, dict[str, float]]:
    """Share of samples whose primary language is right ("und" counts as wrong), per bucket."""
    chosen = get_backend(backend, DEFAULT_LANGUAGES)
    table: dict[str, dict[str, float]] = {}
    for bucket in BUCKETS:
        rows = [(lang, text) for b, lang, text in samples if b == bucket]
        answers = [detect_languages(text, chosen).primary for _, text in rows]
        right = sum(a == lang for a, (lang, _) in zip(answers, rows, strict=True))
        und = sum(a == "und" for a in answers)
        table[bucket] = {"accuracy": round(right / len(rows), 3), "und": round(und / len(rows), 3)}
    return table


def speed(backend: str, texts: list[str]) -> dict[str, float]:
    """Adverts per second: the raw backend on the whole text, and Scout's per-sentence path."""
    chosen = get_backend(backend, DEFAULT_LANGUAGES)
    started = time.perf_counter()
    for text in texts:
        chosen.probabilities(text)
    raw = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in texts:
        detect_languages(text, chosen)
    full = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    get_backend(backend, DEFAULT_LANGUAGES)
    load = time.perf_counter() - started
    return {"raw_docs_per_s": round(raw), "scout_docs_per_s": round(full), "load_s": round(load, 2)}


TITLE = "Language detectors on short advert-like text: accuracy by length (words) and speed"


def run() -> list[dict]:
    """One row per backend: accuracy and "und" share per word-count bucket, adverts per second."""
    samples = labelled_sentences()
    texts = adverts()
    rows = []
    for name in BACKENDS:
        acc = accuracy(name, samples)
        row: dict[str, object] = {"case": name}
        for bucket in BUCKETS:
            row[f"acc {bucket} words"] = acc[bucket]["accuracy"]
            row[f"und {bucket}"] = acc[bucket]["und"]
        row.update(speed(name, texts))
        rows.append(row)
    return rows
