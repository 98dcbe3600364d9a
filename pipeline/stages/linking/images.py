"""Shared images: pHashes within a Hamming distance, found by bit-sampling LSH tables.

An exact pigeonhole search needs short segments and then every bucket is huge at a million
adverts; sampling 32 of the 64 bits per table keeps buckets tiny while a copy within a few
bits still shares at least one table with near certainty. A pHash seen before (the same
photo reposted) links straight to its first owner and is not indexed again, so the tables
hold distinct hashes only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.stages.linking.buckets import BucketTable, members, unique_pairs
from pipeline.stages.linking.config import ImageConfig

TABLES = 24
BITS_PER_TABLE = 32


def parse_phash(value: str) -> int:
    return int(value, 16)


def _popcount(values: np.ndarray) -> np.ndarray:
    return np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)


class ImageIndex:
    """pHashes of records; `add` returns record pairs sharing an image: [a, b, distance]."""

    def __init__(self, config: ImageConfig) -> None:
        self.config = config
        rng = np.random.default_rng(3)
        # A table's key is the hash with all but its sampled bits cleared.
        self._masks = [
            np.uint64(sum(1 << int(bit) for bit in rng.choice(64, BITS_PER_TABLE, replace=False)))
            for _ in range(TABLES)
        ]
        self._tables = [BucketTable() for _ in range(TABLES)]
        self._seen = np.empty(0, dtype=np.uint64)  # distinct hashes, sorted
        self._seen_owner = np.empty(0, dtype=np.int64)  # first record with each of them
        self._slot_hash: list[np.ndarray] = []  # table slot -> hash, slot -> owner
        self._slot_owner: list[np.ndarray] = []
        self._count = 0

    def _keys(self, hashes: np.ndarray, table: int) -> np.ndarray:
        return hashes & self._masks[table]

    def bucket_mates(self, hashes: np.ndarray, sought: np.ndarray) -> np.ndarray:
        """Per hash: is it a sought hash, or in a table bucket with one? Every copy of such a
        hash counts, so a linker holding just their adverts finds the pairs (and first owners)
        it would find holding every advert."""
        out = members(hashes, hashes[sought])
        if sought.any():
            for table in range(TABLES):
                keys = self._keys(hashes, table)
                out |= members(keys, keys[sought])
        return out

    def add(self, first: int, phashes: Sequence[Sequence[int]], search: bool) -> np.ndarray:
        owners = np.array([first + i for i, hs in enumerate(phashes) for _ in hs], dtype=np.int64)
        hashes = np.array([h for hs in phashes for h in hs], dtype=np.uint64)
        exact, hashes, owners = self._split_known(hashes, owners)
        slots = np.arange(self._count, self._count + len(hashes), dtype=np.int64)
        self._count += len(hashes)
        self._slot_hash.append(hashes)
        self._slot_owner.append(owners)
        self._slot_hash = [np.concatenate(self._slot_hash)]
        self._slot_owner = [np.concatenate(self._slot_owner)]
        near = [
            table.add(self._keys(hashes, t), slots, search, 20, self._close)
            for t, table in enumerate(self._tables)
        ]
        out = [exact] if search else []
        pairs = unique_pairs(near)
        if len(pairs):
            all_hashes, all_owners = self._slot_hash[0], self._slot_owner[0]
            distance = _popcount(all_hashes[pairs[:, 0]] ^ all_hashes[pairs[:, 1]])
            out.append(
                np.column_stack([all_owners[pairs[:, 0]], all_owners[pairs[:, 1]], distance])
            )
        return _closest_per_pair(out)

    def _split_known(
        self, hashes: np.ndarray, owners: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact repeats as [first owner, owner, 0] rows; the first copy of each new hash."""
        at = np.minimum(np.searchsorted(self._seen, hashes), max(len(self._seen) - 1, 0))
        known = (self._seen[at] == hashes) if len(self._seen) else np.zeros(len(hashes), bool)
        exact = [
            np.column_stack(
                [self._seen_owner[at[known]], owners[known], np.zeros(known.sum(), dtype=np.int64)]
            )
        ]
        fresh, first_at = np.unique(hashes[~known], return_index=True)
        fresh_owner = owners[~known][first_at]
        repeat = np.ones(int((~known).sum()), dtype=bool)
        repeat[first_at] = False
        position = np.searchsorted(fresh, hashes[~known][repeat])
        exact.append(
            np.column_stack(
                [
                    fresh_owner[position],
                    owners[~known][repeat],
                    np.zeros(repeat.sum(), dtype=np.int64),
                ]
            )
        )
        merged = np.searchsorted(self._seen, fresh)
        self._seen = np.insert(self._seen, merged, fresh)
        self._seen_owner = np.insert(self._seen_owner, merged, fresh_owner)
        return np.concatenate(exact), fresh, fresh_owner

    def _close(self, pairs: np.ndarray) -> np.ndarray:
        all_hashes = self._slot_hash[0]
        distance = _popcount(all_hashes[pairs[:, 0]] ^ all_hashes[pairs[:, 1]])
        return distance <= self.config.max_hamming


def _closest_per_pair(parts: list[np.ndarray]) -> np.ndarray:
    """One row per advert pair (low, high), the closest image pair standing for it."""
    if not parts:
        return np.empty((0, 3), dtype=np.int64)
    out = np.concatenate(parts).astype(np.int64)
    out = np.column_stack(
        [np.minimum(out[:, 0], out[:, 1]), np.maximum(out[:, 0], out[:, 1]), out[:, 2]]
    )
    out = out[out[:, 0] != out[:, 1]]
    if len(out) == 0:
        return out
    out = out[np.lexsort((out[:, 2], out[:, 1], out[:, 0]))]
    first_of = np.ones(len(out), dtype=bool)
    first_of[1:] = (out[1:, :2] != out[:-1, :2]).any(axis=1)
    return out[first_of]
