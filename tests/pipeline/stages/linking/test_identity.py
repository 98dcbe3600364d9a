"""Stable cluster ids (identity.assign): clusters that grow, shrink, split and merge, and ties."""

from __future__ import annotations

import pytest

from pipeline.stages.linking.identity import Assignment, assign


def _old(**clusters: list[int]) -> dict[int, int]:
    """Old memberships from keyword arguments such as c10=[1, 2]: advert id -> cluster id."""
    return {advert: int(name[1:]) for name, adverts in clusters.items() for advert in adverts}


CASES = {
    "all new": (
        {0: [1, 2], 1: [3]},
        {},
        Assignment({0: None, 1: None}),
    ),
    "unchanged": (
        {0: [1, 2], 1: [3]},
        _old(c10=[1, 2], c20=[3]),
        Assignment({0: 10, 1: 20}),
    ),
    "grows": (
        {0: [1, 2, 7, 8]},
        _old(c10=[1, 2]),
        Assignment({0: 10}),
    ),
    "shrinks (adverts purged)": (
        {0: [1]},
        _old(c10=[1, 2, 3]),
        Assignment({0: 10}),
    ),
    "all members gone": (
        {0: [5]},
        _old(c10=[1, 2], c20=[5]),
        Assignment({0: 20}, emptied=[10]),
    ),
    "split: the larger part keeps the id": (
        {0: [4, 5], 1: [1, 2, 3]},
        _old(c10=[1, 2, 3, 4, 5]),
        Assignment({0: None, 1: 10}, split_from={0: 10}),
    ),
    "split tie: the smaller label keeps the id": (
        {3: [1, 2], 5: [3, 4]},
        _old(c10=[1, 2, 3, 4]),
        Assignment({3: 10, 5: None}, split_from={5: 10}),
    ),
    "merge: the larger cluster keeps its id": (
        {0: [1, 2, 3, 4, 5]},
        _old(c10=[1, 2], c20=[3, 4, 5]),
        Assignment({0: 20}, merged={20: [10]}),
    ),
    "merge tie: the smaller id is kept": (
        {0: [1, 2, 3, 4]},
        _old(c20=[1, 2], c10=[3, 4]),
        Assignment({0: 10}, merged={10: [20]}),
    ),
    "three-way merge: the others by size, then id": (
        {0: [1, 2, 3, 4, 5, 6, 7]},
        _old(c30=[1], c20=[2, 3], c10=[4], c40=[5, 6, 7]),
        Assignment({0: 40}, merged={40: [20, 10, 30]}),
    ),
    "an advert moves: each cluster stays where most of it is": (
        {0: [1, 2, 3, 4], 1: [5, 6]},
        _old(c10=[1, 2, 3], c20=[4, 5, 6]),
        Assignment({0: 10, 1: 20}),
    ),
    "merge and split at once": (
        {0: [1, 2, 5, 6], 1: [3, 4]},
        _old(c10=[1, 2, 3, 4], c20=[5, 6]),
        Assignment({0: 10, 1: None}, merged={10: [20]}, split_from={1: 10}),
    ),
    "a new part splits from the cluster it took most from": (
        {0: [1, 2, 3], 1: [4, 5, 6], 2: [7, 8, 9]},
        _old(c10=[1, 2, 3, 7], c20=[4, 5, 6, 8, 9]),
        Assignment({0: 10, 1: 20, 2: None}, split_from={2: 20}),
    ),
}


@pytest.mark.parametrize(("components", "old", "expected"), CASES.values(), ids=CASES.keys())
def test_identity_assign(
    components: dict[int, list[int]], old: dict[int, int], expected: Assignment
) -> None:
    assert assign(components, old) == expected


def test_identity_same_input_same_ids_whatever_the_order() -> None:
    components = {0: [1, 2, 5, 6], 1: [3, 4], 2: [9]}
    old = _old(c10=[1, 2, 3, 4], c20=[5, 6], c30=[8])
    reordered = {label: list(reversed(ads)) for label, ads in reversed(components.items())}
    assert assign(reordered, dict(reversed(old.items()))) == assign(components, old)
