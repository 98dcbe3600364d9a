"""Candidate pairs from hash buckets, with sorted arrays instead of per-document LSH objects.

Each table (an LSH band, or a sample of pHash bits) is a sorted array of (key, record index).
A record added with `search=True` is paired with the nearest earlier record in its bucket
that `accept` approves, looking back at most `limit` records. Union-find needs only a
spanning set of links, so one accepted peer per table is enough: a bucket of near-copies
becomes a chain, not n²/2 pairs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Accept = Callable[[np.ndarray], np.ndarray]  # (n x 2 pairs) -> n booleans


class BucketTable:
    """One table of keys; new records (higher indices) are merged into the sorted arrays."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.index = np.empty(0, dtype=np.int64)
        self.groups = np.empty(0, dtype=np.int64)
        self.crowded = 0  # searched records left unpaired because their bucket is crowded

    def add(
        self,
        keys: np.ndarray,
        index: np.ndarray,
        search: bool,
        limit: int,
        accept: Accept | None = None,
        groups: np.ndarray | None = None,
        max_groups: int | None = None,
    ) -> np.ndarray:
        """Insert keys for records `index` (all above those already held); returns accepted
        pairs (n x 2: earlier, new). With `groups` (e.g. a contact point per record), a
        bucket holding more than `max_groups` distinct groups gives no pairs."""
        order = np.lexsort((index, keys))
        keys, index = keys[order], index[order]
        # side="right": equal keys already held come first, so (key, index) stays sorted.
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.index = np.insert(self.index, at, index)
        self.groups = np.insert(
            self.groups,
            at,
            groups[order] if groups is not None else np.zeros(len(keys), dtype=np.int64),
        )
        if not search or len(index) == 0:
            return np.empty((0, 2), dtype=np.int64)
        pending = at + np.arange(len(at))
        if max_groups is not None:
            open_ = ~self._crowded(max_groups)[pending]
            self.crowded += int((~open_).sum())
            pending = pending[open_]
        return _nearest_accepted(self.keys, self.index, pending, limit, accept)

    def _crowded(self, max_groups: int) -> np.ndarray:
        """Per table position: does its bucket hold more than max_groups distinct groups?"""
        run = np.cumsum(np.r_[True, self.keys[1:] != self.keys[:-1]]) - 1
        codes = np.unique((run << 32) | (self.groups & 0xFFFFFFFF))
        return np.bincount(codes >> 32, minlength=int(run[-1]) + 1)[run] > max_groups


def _nearest_accepted(
    keys: np.ndarray, index: np.ndarray, pending: np.ndarray, limit: int, accept: Accept | None
) -> np.ndarray:
    found = []
    for offset in range(1, limit + 1):
        earlier = pending - offset
        ok = earlier >= 0
        ok[ok] = keys[earlier[ok]] == keys[pending[ok]]
        pending, earlier = pending[ok], earlier[ok]
        if len(pending) == 0:
            break
        pairs = np.stack([index[earlier], index[pending]], axis=1)
        good = accept(pairs) if accept is not None else np.ones(len(pairs), dtype=bool)
        found.append(pairs[good])
        pending = pending[~good]
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(found)


def unique_pairs(pairs: list[np.ndarray]) -> np.ndarray:
    """Distinct (low, high) pairs from several tables (encoded as one int64 for speed)."""
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    both = np.sort(np.concatenate(pairs), axis=1)
    both = both[both[:, 0] != both[:, 1]]
    codes = np.unique((both[:, 0] << 32) | both[:, 1])
    return np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SLOT_BITS = 20


def _slots(values: np.ndarray) -> np.ndarray:
    """A multiplicative hash of 64-bit values into 2**_SLOT_BITS slots."""
    with np.errstate(over="ignore"):
        return ((values.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - _SLOT_BITS)).astype(np.intp)


def members(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Per value: is it one of `wanted`? A bit table of hashed slots rules most values out
    (about 3× faster than a sorted search of them all); the rest are checked exactly."""
    wanted = np.unique(wanted)
    if len(wanted) == 0:
        return np.zeros(len(values), dtype=bool)
    table = np.zeros(1 << _SLOT_BITS, dtype=bool)
    table[_slots(wanted)] = True
    out = table[_slots(values)]
    maybe = np.flatnonzero(out)
    at = np.minimum(np.searchsorted(wanted, values[maybe]), len(wanted) - 1)
    out[maybe] = wanted[at] == values[maybe]
    return out
