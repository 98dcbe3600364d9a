"""The whole NLP stage on 10,000 demo adverts: adverts/s, peak memory, time per component.

Run: ``make bench BENCH=nlp``. The full chain runs in a fresh child process (one process, one
core), so its peak RSS (``ru_maxrss`` of that process) is the NLP stage's alone; the split of
time between components is measured in this process by calling each component in turn.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the working copy, not an older installed copy of the package

TITLE = "NLP stage (analyse_texts) on 10,000 demo adverts, one process"
ADVERTS = 10_000
TARGET = 1_000  # adverts/s per core for the full per-advert analysis


def demo_texts(n: int = ADVERTS, seed: int = 7) -> list[str]:
    """Title and text of each advert's first version, as ``scout analyse`` reads them."""
    from demo import iter_adverts

    return [f"{a['title']}\n\n{a['text']}" for a in iter_adverts(n, seed=seed)]


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(n: int) -> dict:
    """Run in a fresh process: the full chain over ``n`` adverts, timed, with peak RSS."""
    from nlp.pipeline import analyse_texts

    texts = demo_texts(n)
    list(analyse_texts(texts[:50]))  # load models and rules outside the timing
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    found = sum(len(result.contacts) for result in analyse_texts(texts))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"adverts": n, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "contacts": found, "rss_before_mb": before, "peak_rss_mb": _rss_mb()}  # fmt: skip


def component_split(texts: list[str]) -> list[dict]:
    """CPU time of the tokenizer and of each pipeline component, called one after another."""
    from nlp.pipeline import build_pipeline, prepare_text

    nlp = build_pipeline()
    spent = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    for text in texts:
        clean, _ = prepare_text(text)
        started = time.process_time()
        doc = nlp.make_doc(clean)
        spent["tokenizer"] += time.process_time() - started
        for name, component in nlp.pipeline:
            started = time.process_time()
            doc = component(doc)
            spent[name] += time.process_time() - started
    total = sum(spent.values())
    return [
        {"stage": f"  {name}", "adverts": len(texts), "cpu_seconds": round(seconds, 2),
         "ms_per_advert": round(1000 * seconds / len(texts), 3),
         "share_pct": round(100 * seconds / total, 1)}
        for name, seconds in spent.items()
    ]  # fmt: skip


def run() -> list[dict]:
    """The full-chain row (from a child process), then one row per component."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--child", str(ADVERTS)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    full = json.loads(out.strip().splitlines()[-1])
    rows = [{
        "stage": "full chain (contacts, language, fields, indicators)",
        "adverts": full["adverts"], "seconds": full["seconds"], "cpu_seconds": full["cpu_seconds"],
        "adverts_per_s": round(full["adverts"] / full["seconds"]),
        "adverts_per_cpu_s": round(full["adverts"] / full["cpu_seconds"]),
        "target_per_s": TARGET, "peak_rss_mb": full["peak_rss_mb"],
        "rss_before_mb": full["rss_before_mb"],
    }]  # fmt: skip
    rows += component_split(demo_texts())
    return rows


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(child(int(sys.argv[2]))))
