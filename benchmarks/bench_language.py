"""Language detectors on short advert-like text: accuracy by length bucket and speed.

Run: ``make bench BENCH=language`` (benchmarks/run.py prints the table and saves
``benchmarks/results/language.json``). Sentences are synthetic, generated from the clauses in
``tests/nlp/language/phrases.yaml``. Speed has its reference in the same run: the bare
backend on the whole text; ``scout x raw`` is what Scout's per-sentence detection costs
over it.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.language import (  # noqa: E402
    BACKENDS,
    DEFAULT_LANGUAGES,
    detect_languages,
    detect_many,
    get_backend,
)

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
    """Adverts per CPU-second: the bare backend on the whole text (the reference), and Scout's
    per-sentence detection of the same texts as the pipeline runs it (in batches)."""
    chosen = get_backend(backend, DEFAULT_LANGUAGES)
    started = time.process_time()
    for text in texts:
        chosen.probabilities(text)
    raw = len(texts) / (time.process_time() - started)
    started = time.process_time()
    detect_many(texts, chosen)
    full = len(texts) / (time.process_time() - started)
    started = time.perf_counter()
    get_backend(backend, DEFAULT_LANGUAGES)
    load = time.perf_counter() - started
    return {"raw_docs_per_cpu_s": round(raw), "scout_docs_per_cpu_s": round(full),
            "scout x raw": round(raw / full, 2), "load_s": round(load, 2)}  # fmt: skip


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
