"""Contact points per writing style on the demo world: precision, recall and time per advert.

Run: ``make bench BENCH=contacts`` (benchmarks/run.py prints the table and saves
benchmarks/results/contacts.json). Each style is one row, so a regression in one style shows
even when the totals barely move; the "all" row times ``find_contacts`` over every advert
version (title, text, link targets and revealed numbers), the reference being the same
texts searched by one plain phone regex.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

# the working copy, not an older installed copy of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo import build_world
from nlp.evaluation import contact_accuracy, predicted_contacts, seen_versions

TITLE = "Contact points per style on the demo world (seeds 7, 3, 11)"
SEEDS = (7, 3, 11)
_PLAIN_PHONE = re.compile(r"\+?[0-9][0-9 .-]{6,16}[0-9]")


def per_style(seeds: tuple[int, ...] = SEEDS) -> list[dict]:
    """One row a style: contact points, precision and recall summed over the worlds."""
    count: Counter[str] = Counter()
    found: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for seed in seeds:
        result = contact_accuracy(build_world(seed=seed))
        count.update(result["count_by_style"])
        found.update(result["found_by_style"])
        wrong.update(result["wrong_by_style"])
    return [
        {
            "case": style,
            "contacts": count[style],
            "precision": round(found[style] / (found[style] + wrong[style]), 4)
            if found[style] + wrong[style]
            else None,
            "recall": round(found[style] / count[style], 4),
        }
        for style in sorted(count)
    ]


def speed(seed: int = 7) -> dict:
    """Milliseconds per advert version for ``find_contacts`` and for one plain regex."""
    seen = list(seen_versions(build_world(seed=seed)))
    started = time.process_time()
    for version in seen:
        predicted_contacts(version)
    scout = time.process_time() - started
    started = time.process_time()
    for version in seen:
        for source in (version.text, *version.fields, version.title):
            _PLAIN_PHONE.findall(source)
    reference = time.process_time() - started
    return {
        "case": "all (time)",
        "contacts": len(seen),
        "ms_per_version": round(1000 * scout / len(seen), 3),
        "reference_ms": round(1000 * reference / len(seen), 4),
        "x reference": round(scout / reference, 1) if reference else None,
    }


def run() -> list[dict]:
    return [*per_style(), speed()]
