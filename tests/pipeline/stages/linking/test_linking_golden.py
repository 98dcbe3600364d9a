"""Issue 19: the linker's memory work must not change a single link.

The golden file was written by the linker before its memory was cut (main at ea38515): the
links of 6,000 seeded scale adverts added in two calls and then searched like a 1 % day,
each link with its kind, strength and evidence, and the clusters they give. Rewrite it
(run this file as a script, with the repository on PYTHONPATH) only for a change meant to
change links.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from itertools import islice
from pathlib import Path

import pytest

from demo import iter_adverts
from pipeline.stages.linking.config import load_linking
from pipeline.stages.linking.linker import Link, Linker, LinkRecord, components

GOLDEN = Path(__file__).with_name("linking_golden.json")
ADVERTS, FIRST, TAIL = 6000, 2500, 60


def _phash(image_id: str) -> int:
    """A pHash per image id; the generator's variants (resized, recompressed) flip 3 bits."""
    base = image_id[1:].split("s")[0].split("q")[0]
    value = int.from_bytes(hashlib.blake2b(base.encode(), digest_size=8).digest(), "big")
    return value if image_id[1:].isdigit() else value ^ 0b1011


def _records() -> list[LinkRecord]:
    return [
        LinkRecord(
            i,
            f"{a['title']}\n\n{a['text']}",
            tuple(c["value"] for c in a["contacts"]),
            tuple(_phash(x) for x in a["image_ids"]),
        )
        for i, a in enumerate(islice(iter_adverts(ADVERTS, seed=11), ADVERTS))
    ]


def _digest(rows: list[object]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def _snapshot() -> dict[str, object]:
    records = _records()
    linker = Linker(load_linking().config)
    links: list[Link] = []
    cut = len(records) - TAIL
    for part in (records[:FIRST], records[FIRST:cut], records[cut:]):
        links += linker.add(part)
    rows = [[x.a, x.b, x.kind, x.strength, x.evidence] for x in links]
    labels = components(range(len(records)), links)
    return {
        "adverts": len(records),
        "links": len(links),
        "by_kind": dict(sorted(Counter(x.kind for x in links).items())),
        "clusters": len(set(labels.values())),
        "boilerplate": linker.boilerplate,
        "links_sha256": _digest(rows),
        "clusters_sha256": _digest(sorted(labels.items())),
    }


@pytest.mark.slow
def test_linking_gives_the_golden_links_and_clusters() -> None:
    found = _snapshot()
    golden = json.loads(GOLDEN.read_text())
    assert found == golden
    assert set(golden["by_kind"]) == {"contact", "template", "image"}  # not an empty world
    assert golden["clusters"] < golden["adverts"] // 2


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(_snapshot(), indent=2) + "\n")
