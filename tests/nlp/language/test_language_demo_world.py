"""Language accuracy on the demo world, reported by length bucket of the advert text."""

from __future__ import annotations

import pytest

from demo import build_world
from nlp.evaluation import BUCKETS, bucket_of, language_accuracy


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 3, 11])
def test_language_demo_world_accuracy_by_bucket(seed: int) -> None:
    result = language_accuracy(build_world(seed=seed))
    for name, row in result.items():
        print(f"seed {seed} {name:>10}: {row}")
    assert result["overall"]["adverts"] > 500
    assert result["overall"]["accuracy"] >= 0.95
    # titles alone are short: "und" is allowed there, a wrong language rarely
    title = result["title only"]
    assert title["accuracy"] + title["und"] >= 0.9


@pytest.mark.parametrize(
    ("length", "bucket"),
    [(0, "<100"), (99, "<100"), (100, "100-300"), (599, "300-600"), (600, "600+")],
)
def test_language_bucket_edges(length: int, bucket: str) -> None:
    assert bucket_of(length) == bucket
    assert bucket in {name for _, _, name in BUCKETS}
