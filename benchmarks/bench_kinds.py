"""Analysis of job adverts beside escort adverts (issue 16): adverts a CPU-second through the
whole NLP chain (contacts, language, the kind's fields, the kind's indicators), one process.

Run: ``make bench BENCH=kinds``. Both kinds run on demo adverts in the same process, so the
escort row is the reference for the job row (``x escort`` = job rate / escort rate); the job
chain reads more fields (wages, hours, CVR, industry) and checks them against tables.
``BENCH_KINDS_ADVERTS`` sets how many adverts of each kind (default 3,000).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo import iter_adverts  # noqa: E402
from demo.jobs import build_job_world  # noqa: E402
from nlp.pipeline import analyse_texts  # noqa: E402

TITLE = "NLP analysis of job adverts beside escort adverts (adverts per CPU-second, 1 process)"
ADVERTS = int(os.environ.get("BENCH_KINDS_ADVERTS", "3000"))


def escort_texts(n: int) -> list[str]:
    return [f"{a['title']}\n\n{a['text']}" for a in iter_adverts(n, seed=7)]


def job_texts(n: int) -> list[str]:
    texts: list[str] = []
    seed = 16
    while len(texts) < n:  # each world has ~110 adverts: several seeds for more
        texts += [f"{a.title}\n\n{a.text}" for a in build_job_world(seed=seed).adverts]
        seed += 1
    return texts[:n]


def measure(kind: str, texts: list[str]) -> dict[str, object]:
    list(analyse_texts(texts[:50], kind=kind))  # load models and rules outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    hits = sum(len(result.hits) for result in analyse_texts(texts, kind=kind))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "stage": f"{kind} adverts",
        "adverts": len(texts),
        "mean chars": round(sum(map(len, texts)) / len(texts)),
        "cpu s": round(cpu, 2),
        "wall s": round(wall, 2),
        "adverts/cpu-s": round(len(texts) / cpu, 1),
        "hits": hits,
    }


def run() -> list[dict]:
    escort = measure("escort", escort_texts(ADVERTS))
    job = measure("job", job_texts(ADVERTS))
    rate = {"escort": escort["adverts/cpu-s"], "job": job["adverts/cpu-s"]}
    job["x escort"] = round(float(str(rate["job"])) / float(str(rate["escort"])), 2)
    escort["x escort"] = 1.0
    return [escort, job]
