"""Throughput of Scout's fields + indicators components on synthetic ~600-char adverts (one core).

Run: ``make bench BENCH=nlp_rules`` (benchmarks/run.py prints the table and saves
benchmarks/results/nlp_rules.json).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

# the working copy, not an older installed copy of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.fields import extract_fields
from nlp.pipeline import analyse_texts, build_pipeline

WORDS = [
    *[
        "hej",
        "jeg",
        "er",
        "en",
        "sød",
        "glad",
        "pige",
        "som",
        "elsker",
        "at",
        "møde",
        "nye",
        "venner",
        "diskret",
        "hyggelig",
    ],
    *[
        "lejlighed",
        "kom",
        "forbi",
        "ring",
        "eller",
        "skriv",
        "massage",
        "afslapning",
        "weekend",
        "aften",
        "tid",
    ],
    *[
        "sweet",
        "kind",
        "relax",
        "meet",
        "friendly",
        "nice",
        "apartment",
        "evening",
        "call",
        "text",
        "time",
    ],
]
SIGNS = [
    *["hun er", "ny i byen", "2 piger", "young and fresh", "24/7", "kun sms", "Thai"],
    *["ingen grænser", "23 år", "1.500,-", "€150", "Aarhus", "jeg hedder Anna", "200 roses"],
]


def synthetic_adverts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    adverts = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(95)]
        for sign in rng.sample(SIGNS, 4):
            words.insert(rng.randrange(len(words)), sign)
        adverts.append(" ".join(words)[:600])
    return adverts


def rate(label: str, n: int, run: object) -> dict[str, float | str]:
    start = time.process_time()
    run()  # type: ignore[operator]
    seconds = time.process_time() - start
    return {"stage": label, "adverts": n, "cpu_seconds": round(seconds, 3),
            "adverts_per_cpu_s": round(n / seconds, 1)}  # fmt: skip


TITLE = "NLP rules: fields + indicators on synthetic ~600-char adverts (one process, one core)"
ADVERTS = 5000


def run() -> list[dict]:
    """Rows: tokenizer alone (the reference), fields, fields + indicators, the whole chain;
    each with its cost over the blank spaCy tokenizer measured in the same run."""
    adverts = synthetic_adverts(ADVERTS)
    nlp = build_pipeline("da", with_optional=False)
    list(analyse_texts(adverts[:200], with_optional=False))  # warm up caches
    list(nlp.tokenizer.pipe(adverts))  # and the vocabulary, as the rows below find it
    rows = [
        rate("tokenizer only (reference)", ADVERTS, lambda: list(nlp.tokenizer.pipe(adverts))),
        rate("fields (pure functions)", ADVERTS, lambda: [extract_fields(t) for t in adverts]),
        rate(
            "fields + indicators (analyse_texts)",
            ADVERTS,
            lambda: list(analyse_texts(adverts, with_optional=False)),
        ),
    ]
    full = build_pipeline("da")
    if len(full.pipe_names) > 2:
        rows.append(rate("whole chain incl. " + ",".join(full.pipe_names[:-2]), ADVERTS,
                         lambda: list(analyse_texts(adverts))))  # fmt: skip
    for row in rows:
        row["x tokenizer"] = round(row["cpu_seconds"] / rows[0]["cpu_seconds"], 2)
    return rows
