"""Throughput of Scout's fields + indicators components on synthetic ~600-char adverts (one core).

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_nlp_rules.py [n_adverts]
Prints a table and writes benchmarks/results/nlp_rules.json.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from pathlib import Path

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
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    return {"stage": label, "adverts": n, "seconds": round(seconds, 3),
            "adverts_per_s": round(n / seconds, 1)}  # fmt: skip


def main(n: int = 5000) -> None:
    adverts = synthetic_adverts(n)
    nlp = build_pipeline("da", with_optional=False)
    list(analyse_texts(adverts[:200], with_optional=False))  # warm up caches
    rows = [
        rate("tokenizer only", n, lambda: list(nlp.tokenizer.pipe(adverts))),
        rate("fields (pure functions)", n, lambda: [extract_fields(t) for t in adverts]),
        rate(
            "fields + indicators (analyse_texts)",
            n,
            lambda: list(analyse_texts(adverts, with_optional=False)),
        ),
    ]
    full = build_pipeline("da")
    if len(full.pipe_names) > 2:
        rows.append(rate("whole chain incl. " + ",".join(full.pipe_names[:-2]), n,
                         lambda: list(analyse_texts(adverts))))  # fmt: skip
    print(f"{'stage':<52}{'adverts':>9}{'seconds':>10}{'adverts/s':>12}")
    for row in rows:
        print(
            f"{row['stage']:<52}{row['adverts']:>9}{row['seconds']:>10}{row['adverts_per_s']:>12}"
        )
    out = Path(__file__).parent / "results" / "nlp_rules.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "mean_chars": sum(map(len, adverts)) / n,
            "note": "one process, one core, synthetic adverts"}  # fmt: skip
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
