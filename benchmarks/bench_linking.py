"""Linking: time and peak memory for 10⁴, 10⁵ (and with BENCH_LINK_MAX, 10⁶) synthetic adverts.

Each size runs in its own process (peak RSS per size); pHashes are derived from the image
ids (a variant flips 3 bits), since drawing a million JPEGs would measure Pillow. Pairwise
precision and recall are against the generator's persona and controller ids (note: the
scale generator gives different controllers the same stock phrases, which caps precision).
The reference, measured in the same run: datasketch's MinHash signing alone (``MinHash.bulk``,
the linker's num_perm) of the same adverts' shingles, per advert; ``x MinHash`` is a full
run's time per advert over it.

The database rows (``db-sqlite``, ``db-postgresql``; ``BENCH_LINK_DB`` adverts, default 10⁵,
``BENCH_LINK_ENGINES`` to choose) store the adverts through ``store_adverts``, analyse them,
and time ``link_database``: a full run, a run with nothing new, and an incremental run
after 1 % new adverts, all in one process, with the incremental run's share of the full.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import numpy as np

TITLE = "Linking: full run, incremental day (1 % new) and peak memory"
MAX = int(os.environ.get("BENCH_LINK_MAX", "100000"))
SIZES = [n for n in (10_000, 100_000, 1_000_000) if n <= MAX]
DB_SIZE = int(os.environ.get("BENCH_LINK_DB", "100000"))
# The database rows run on these engines (BENCH_LINK_ENGINES=sqlite for SQLite alone).
DB_ENGINES = os.environ.get("BENCH_LINK_ENGINES", "sqlite,postgresql").split(",")
PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
BATCH = 50_000


def measure(n: int) -> dict[str, float]:
    from itertools import islice

    from demo import iter_adverts
    from demo.scale_items import phash
    from pipeline.stages.linking.config import load_linking
    from pipeline.stages.linking.evaluation import pairwise
    from pipeline.stages.linking.linker import Linker, LinkRecord, smallest_in_component

    # Truth as one small code an advert (the harness must not outweigh the linker it measures).
    codes: dict[tuple[str, bool], int] = {}
    truth: list[int] = []

    def records(start: int, adverts: list[dict]) -> list[LinkRecord]:
        for a in adverts:
            label = (a["controller_id"], True) if a["controller_id"] else (a["persona_id"], False)
            truth.append(codes.setdefault(label, len(codes)))
        return [
            LinkRecord(
                i,
                f"{a['title']}\n\n{a['text']}",
                tuple(c["value"] for c in a["contacts"]),
                tuple(phash(x) for x in a["image_ids"]),
            )
            for i, a in enumerate(adverts, start)
        ]

    def ends(links: list) -> np.ndarray:
        """A batch's links as (a, b) pairs: what clustering reads; advert ids are 0..n-1."""
        return np.array([(x.a, x.b) for x in links], dtype=np.int64).reshape(-1, 2)

    config = load_linking().config
    # The stream is consumed in batches, so the generator's dicts never pile up in memory.
    stream = iter_adverts(n + n // 100, seed=11)
    linker, pairs = Linker(config), []
    generated = full = 0.0
    for start in range(0, n, BATCH):
        started = time.perf_counter()
        batch = records(start, list(islice(stream, min(BATCH, n - start))))
        generated += time.perf_counter() - started
        started = time.perf_counter()
        pairs.append(ends(linker.add(batch)))
        full += time.perf_counter() - started
        del batch
    tail = records(n, list(stream))
    started = time.perf_counter()
    pairs.append(ends(linker.add(tail)))
    labels_of = smallest_in_component(n + len(tail), np.concatenate(pairs))
    incremental = time.perf_counter() - started
    boilerplate = linker.boilerplate
    del linker, tail
    names = {code: label for label, code in codes.items()}
    precision, recall = pairwise(
        dict(enumerate(labels_of.tolist())), {i: names[c] for i, c in enumerate(truth)}
    )
    return {
        "adverts": n,
        "generate_s": round(generated, 1),
        "link_full_s": round(full, 1),
        "incremental_1pct_s": round(incremental, 2),
        "links": sum(len(p) for p in pairs),
        "clusters": len(np.unique(labels_of)),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "boilerplate": boilerplate,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


@contextmanager
def _database_url(engine: str) -> Iterator[None]:
    """SCOUT_DATABASE_URL for a fresh database on `engine`: SQLite in the data folder, or a
    PostgreSQL schema of its own (dropped afterwards)."""
    if engine == "sqlite":
        os.environ.pop("SCOUT_DATABASE_URL", None)
        yield
        return
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"scout_bench_{secrets.token_hex(3)}"
    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    os.environ["SCOUT_DATABASE_URL"] = url.render_as_string(hide_password=False)
    try:
        yield
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure_database(n: int, engine: str) -> dict[str, float | str]:
    """`link_database` on `engine`: a full run vs an incremental run after 1 % new adverts,
    both measured in this run."""
    import tempfile
    from datetime import UTC, datetime

    from demo import iter_adverts
    from demo.scale_items import store_scale_adverts
    from pipeline.core import clock
    from pipeline.core.db import open_database
    from pipeline.core.migrations import upgrade
    from pipeline.core.settings import load_settings
    from pipeline.stages.analysis import analyse
    from pipeline.stages.linking.run import link_database

    adverts = list(iter_adverts(n + n // 100, seed=11))
    os.environ["SCOUT_DATA_DIR"] = tempfile.mkdtemp(prefix="bench_link_")
    with _database_url(engine):
        settings = load_settings()
        database = open_database(settings, require_schema=False)
        upgrade(database.engine, settings)
        clock.set_now(datetime(2026, 11, 20, 13, tzinfo=UTC))
        store_scale_adverts(database, adverts[:n], 0)
        analyse(database)
        link_database(database, settings)
        timed: dict[str, float] = {}
        for name, full in (("full", True), ("nothing_new", False)):
            started = time.perf_counter()
            link_database(database, settings, full=full)
            timed[name] = time.perf_counter() - started
        store_scale_adverts(database, adverts[n:], n)
        analyse(database)
        started = time.perf_counter()
        summary = link_database(database, settings)
        timed["incremental"] = time.perf_counter() - started
        database.dispose()
    return {
        "adverts": n,
        "db": engine,
        "link_database_full_s": round(timed["full"], 2),
        "nothing_new_s": round(timed["nothing_new"], 2),
        "incremental_1pct_s": round(timed["incremental"], 2),
        "incremental_share": round(timed["incremental"] / timed["full"], 4),
        "signed": summary.signed,
        "searched": summary.searched,
        "indexed": summary.indexed,
        "rewritten_clusters": summary.rewritten,
        "clusters": summary.clusters,
    }


REFERENCE_ADVERTS = 2_000  # signed by datasketch for the reference: a per-advert rate


def minhash_reference(n: int = REFERENCE_ADVERTS) -> dict[str, float]:
    """datasketch MinHash signing alone of ``n`` adverts' shingles (the linker's own shingles,
    as 8-byte values), milliseconds per advert (wall, like the linking rows)."""
    from datasketch import MinHash

    from demo import iter_adverts
    from pipeline.stages.linking.config import load_linking
    from pipeline.stages.linking.masking import batch_shingles

    template = load_linking().config.links.template
    texts = [f"{a['title']}\n\n{a['text']}" for a in iter_adverts(n, seed=11)]
    hashes, owner, _ = batch_shingles(texts, template.shingle_chars)
    ends = np.searchsorted(owner, np.arange(len(texts) + 1))
    shingles = [[h.tobytes() for h in hashes[a:b]] for a, b in pairwise(ends)]
    started = time.perf_counter()
    MinHash.bulk(shingles, num_perm=template.num_perm)
    return {"adverts": n, "ms_per_advert": 1000 * (time.perf_counter() - started) / n}


def _child(argument: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-P", __file__, argument],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    reference = _child("minhash")
    rows: list[dict] = [{
        "case": f"reference: datasketch MinHash.bulk alone, {reference['adverts']} adverts",
        "adverts": reference["adverts"], "ms_per_advert": round(reference["ms_per_advert"], 3),
    }]  # fmt: skip
    for n in [*SIZES, *(f"db-{engine}" for engine in DB_ENGINES)]:
        row = _child(str(n))
        if isinstance(n, str):
            rows.append(row)
            continue
        row["incremental_share"] = round(row["incremental_1pct_s"] / row["link_full_s"], 3)
        if len(rows) > 1:
            row["growth_vs_previous"] = round(row["link_full_s"] / rows[-1]["link_full_s"], 1)
        row["ms_per_advert"] = round(1000 * row["link_full_s"] / row["adverts"], 3)
        row["x MinHash"] = round(row["ms_per_advert"] / reference["ms_per_advert"], 2)
        rows.append(row)
    return rows


if __name__ == "__main__":
    if sys.argv[1] == "minhash":
        print(json.dumps(minhash_reference()))
    elif sys.argv[1].startswith("db-"):
        print(json.dumps(measure_database(DB_SIZE, sys.argv[1].removeprefix("db-"))))
    else:
        print(json.dumps(measure(int(sys.argv[1]))))
