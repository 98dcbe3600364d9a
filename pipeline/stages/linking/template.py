"""Near-duplicate template text: MinHash signatures of masked texts, banded into LSH tables.

Signatures are one-permutation MinHash (one hash a shingle, the minimum per bin, empty bins
densified) computed for a whole batch at once in numpy: a shingle costs one multiply instead
of one per permutation, which is what makes a million adverts affordable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.stages.linking.buckets import BucketTable, members, unique_pairs
from pipeline.stages.linking.config import TemplateConfig
from pipeline.stages.linking.masking import batch_shingles

_EMPTY = np.uint32(0xFFFFFFFF)


def _densify(matrix: np.ndarray) -> np.ndarray:
    """Fill empty bins from the next filled bin to the right (rotation densification), with
    a per-step offset so that two texts share a filled-in value only by sharing its source."""
    out = matrix.copy()
    source = matrix
    for step in range(1, matrix.shape[1]):
        empty = out == _EMPTY
        if not empty.any():
            break
        source = np.roll(source, -1, axis=1)
        fill = empty & (source != _EMPTY)
        with np.errstate(over="ignore"):
            out[fill] = source[fill] + np.uint32(step * 0x9E3779B1 % 2**32)
    return out


class TemplateIndex:
    """MinHash signatures of masked texts, banded into bucket tables."""

    def __init__(self, config: TemplateConfig) -> None:
        self.config = config
        rng = np.random.default_rng(1)
        self._a = np.uint64(rng.integers(1, 2**63, dtype=np.uint64) | 1)
        self._b = np.uint64(rng.integers(0, 2**63, dtype=np.uint64))
        rows = config.num_perm // config.bands
        self._mix = rng.integers(1, 2**63, size=(config.bands, rows), dtype=np.uint64) | 1
        self._tables = [BucketTable() for _ in range(config.bands)]
        # Signatures in the blocks they were added in (never joined: joining copied every
        # signature held, twice the largest array of a run at its last add).
        self._blocks: list[np.ndarray] = []
        self._starts = np.zeros(1, dtype=np.int64)  # first record of each block, then the end

    def signatures(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(n x num_perm uint32 signatures, n booleans: long enough to link on)."""
        perm = self.config.num_perm
        hashes, owner, distinct = batch_shingles(texts, self.config.shingle_chars)
        valid = distinct >= self.config.min_shingles
        with np.errstate(over="ignore"):
            mixed = hashes * self._a + self._b
        # One permutation hashing: a shingle falls into one of num_perm bins and each bin
        # keeps its minimum, so a shingle costs one hash instead of num_perm.
        bins = (mixed & np.uint64(perm - 1)) if perm & (perm - 1) == 0 else mixed % np.uint64(perm)
        values = (mixed >> np.uint64(32)).astype(np.uint32)
        flat = np.full(len(texts) * perm, _EMPTY, dtype=np.uint32)
        np.minimum.at(flat, owner * perm + bins.astype(np.int64), values)
        out = _densify(flat.reshape(len(texts), perm))
        out[~valid] = 0
        return out, valid

    @property
    def boilerplate(self) -> int:
        """Searched (record, band) entries skipped because the bucket was stock text."""
        return sum(table.crowded for table in self._tables)

    def add(
        self, first: int, matrix: np.ndarray, valid: np.ndarray, search: bool, contacts: np.ndarray
    ) -> np.ndarray:
        """Index signatures of records first, first+1, …; returns verified pairs with their
        similarity as an (n x 3) float array [a, b, jaccard], at most one per record a band.

        `contacts` (one contact group per record) marks stock text: a bucket shared by more
        than max_bucket_contacts contact points is boilerplate many people copy, not one
        controller's template, and links nothing."""
        config = self.config
        self._blocks.append(matrix)
        self._starts = np.append(self._starts, self._starts[-1] + len(matrix))
        index = np.arange(first, first + len(matrix), dtype=np.int64)[valid]
        found = []
        for keys, table in zip(self.band_keys(matrix[valid]), self._tables, strict=True):
            found.append(
                table.add(
                    keys,
                    index,
                    search,
                    config.max_bucket_compare,
                    self._accept,
                    contacts[valid],
                    config.max_bucket_contacts,
                )
            )
        pairs = unique_pairs(found)
        return np.column_stack([pairs, self.similarity(pairs)]) if len(pairs) else np.empty((0, 3))

    def band_keys(self, matrix: np.ndarray) -> list[np.ndarray]:
        """Per band, each signature's bucket key."""
        rows = self.config.num_perm // self.config.bands
        out = []
        for band in range(self.config.bands):
            part = matrix[:, band * rows : (band + 1) * rows].astype(np.uint64)
            with np.errstate(over="ignore"):
                out.append((part * self._mix[band]).sum(axis=1, dtype=np.uint64))
        return out

    def bucket_mates(self, matrix: np.ndarray, valid: np.ndarray, sought: np.ndarray) -> np.ndarray:
        """Per signature: does it share a band bucket with a sought one (itself included)?
        Whole buckets, so a linker holding just these records finds the pairs it would find
        holding every record."""
        out = np.zeros(len(matrix), dtype=bool)
        rows = np.flatnonzero(valid)
        wanted = sought[valid]
        if not wanted.any():
            return out
        for keys in self.band_keys(matrix[valid]):
            out[rows[members(keys, keys[wanted])]] = True
        return out

    def similarity(self, pairs: np.ndarray) -> np.ndarray:
        """Estimated Jaccard similarity of record pairs (share of equal signature slots)."""
        return (self._rows(pairs[:, 0]) == self._rows(pairs[:, 1])).mean(axis=1)

    def _rows(self, records: np.ndarray) -> np.ndarray:
        """The signatures of records (indices into every record added), from their blocks."""
        out = np.empty((len(records), self.config.num_perm), dtype=np.uint32)
        block = np.searchsorted(self._starts, records, side="right") - 1
        for b in np.unique(block).tolist():
            here = block == b
            out[here] = self._blocks[b][records[here] - self._starts[b]]
        return out

    def _accept(self, pairs: np.ndarray) -> np.ndarray:
        return self.similarity(pairs) >= self.config.threshold
