"""Which clusters an incremental run rewrites (incremental.dirty_labels), case by case."""

from __future__ import annotations

import pytest

from pipeline.stages.linking.incremental import dirty_labels

# Stored before the run: cluster 10 holds adverts 1-3, cluster 20 holds 4-5.
OLD = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20}
SIZES = {10: 3, 20: 2}

CASES = {
    "nothing changed": ({0: [1, 2, 3], 1: [4, 5]}, OLD, SIZES, set(), set()),
    "an advert has a new version": ({0: [1, 2, 3], 1: [4, 5]}, OLD, SIZES, {5}, {1}),
    "a new advert joins (listed last)": ({0: [1, 2, 3, 9], 1: [4, 5]}, OLD, SIZES, set(), {0}),
    "a new advert joins (listed first)": ({0: [9, 1, 2, 3], 1: [4, 5]}, OLD, SIZES, set(), {0}),
    "a new advert on its own": ({0: [1, 2, 3], 1: [4, 5], 2: [9]}, OLD, SIZES, set(), {2}),
    "an advert left its cluster": ({0: [1, 2], 1: [4, 5], 2: [3]}, OLD, SIZES, set(), {0, 2}),
    "two clusters merge": ({0: [1, 2, 3, 4, 5]}, OLD, SIZES, set(), {0}),
    "a cluster splits": ({0: [1], 1: [2, 3], 2: [4, 5]}, OLD, SIZES, set(), {0, 1}),
    "an advert moves between clusters": ({0: [1, 2, 3, 4], 1: [5]}, OLD, SIZES, set(), {0, 1}),
    # adverts purged since the last run: the stored size still counts them
    "stored size differs": ({0: [1, 2, 3], 1: [4, 5]}, OLD, {10: 4, 20: 2}, set(), {0}),
    "stored size unknown": ({0: [1, 2, 3], 1: [4, 5]}, OLD, {20: 2}, set(), {0}),
    "no stored clusters": ({0: [1, 2]}, {}, {}, set(), {0}),
}


@pytest.mark.parametrize(
    ("groups", "old", "sizes", "changed", "dirty"), CASES.values(), ids=CASES.keys()
)
def test_dirty_labels(
    groups: dict[int, list[int]],
    old: dict[int, int],
    sizes: dict[int, int],
    changed: set[int],
    dirty: set[int],
) -> None:
    assert dirty_labels(groups, old, sizes, changed) == dirty


def test_dirty_labels_member_order_does_not_matter() -> None:
    groups = {0: [3, 1, 2], 1: [5, 4]}
    assert dirty_labels(groups, OLD, SIZES, set()) == set()
