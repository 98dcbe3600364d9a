"""Linking: time and peak memory for 10⁴, 10⁵ (and with BENCH_LINK_MAX, 10⁶) synthetic adverts.

Each size runs in its own process (peak RSS per size); pHashes are derived from the image
ids (a variant flips 3 bits), since drawing a million JPEGs would measure Pillow. Pairwise
precision and recall are against the generator's persona and controller ids (note: the
scale generator gives different controllers the same stock phrases, which caps precision).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

TITLE = "Linking: full run, incremental day (1 % new) and peak memory"
MAX = int(os.environ.get("BENCH_LINK_MAX", "100000"))
SIZES = [n for n in (10_000, 100_000, 1_000_000) if n <= MAX]
BATCH = 50_000


def _phash(image_id: str) -> int:
    base = image_id[1:].split("s")[0].split("q")[0]
    value = int.from_bytes(hashlib.blake2b(base.encode(), digest_size=8).digest(), "big")
    return value if image_id[1:].isdigit() else value ^ 0b1011


def measure(n: int) -> dict[str, float]:
    from itertools import islice

    from demo import iter_adverts
    from pipeline.linking.config import load_linking
    from pipeline.linking.evaluation import pairwise
    from pipeline.linking.linker import Linker, LinkRecord, components

    labels: dict[int, tuple[str, bool]] = {}

    def records(start: int, adverts: list[dict]) -> list[LinkRecord]:
        for i, a in enumerate(adverts, start):
            labels[i] = (
                (a["controller_id"], True) if a["controller_id"] else (a["persona_id"], False)
            )
        return [
            LinkRecord(
                i,
                f"{a['title']}\n\n{a['text']}",
                tuple(c["value"] for c in a["contacts"]),
                tuple(_phash(x) for x in a["image_ids"]),
            )
            for i, a in enumerate(adverts, start)
        ]

    config = load_linking().config
    # The stream is consumed in batches, so the generator's dicts never pile up in memory.
    stream = iter_adverts(n + n // 100, seed=11)
    linker, links = Linker(config), []
    generated = full = 0.0
    for start in range(0, n, BATCH):
        started = time.perf_counter()
        batch = records(start, list(islice(stream, min(BATCH, n - start))))
        generated += time.perf_counter() - started
        started = time.perf_counter()
        links += linker.add(batch)
        full += time.perf_counter() - started
    tail = records(n, list(stream))
    started = time.perf_counter()
    links += linker.add(tail)
    labels_of = components(range(n + len(tail)), links)
    incremental = time.perf_counter() - started
    precision, recall = pairwise(labels_of, labels)
    return {
        "adverts": n,
        "generate_s": round(generated, 1),
        "link_full_s": round(full, 1),
        "incremental_1pct_s": round(incremental, 2),
        "links": len(links),
        "clusters": len(set(labels_of.values())),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "boilerplate": linker.boilerplate,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run() -> list[dict]:
    rows: list[dict] = []
    for n in SIZES:
        out = subprocess.run(
            [sys.executable, "-P", __file__, str(n)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["incremental_share"] = round(row["incremental_1pct_s"] / row["link_full_s"], 3)
        if rows:
            row["growth_vs_previous"] = round(row["link_full_s"] / rows[-1]["link_full_s"], 1)
        rows.append(row)
    return rows


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
