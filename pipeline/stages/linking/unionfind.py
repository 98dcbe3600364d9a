"""Union-find over record indices, in flat arrays (path halving, union by size).

Parents and sizes are `array("q")`s: 8 bytes an element instead of a list's pointer to an
int object (up to 36 bytes), which mattered with a forest per link kind at 10⁶ adverts.
"""

from __future__ import annotations

from array import array

import numpy as np


class UnionFind:
    def __init__(self, size: int = 0) -> None:
        self.parent = array("q")
        self.size = array("q")
        self.grow(size)

    def grow(self, size: int) -> None:
        start = len(self.parent)
        if size > start:
            self.parent.extend(range(start, size))
            self.size.extend(array("q", [1]) * (size - start))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the groups of a and b; False when they were one group already."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def labels(self) -> np.ndarray:
        """Component label per element: the smallest index in its component."""
        roots = np.array([self.find(i) for i in range(len(self.parent))], dtype=np.int64)
        smallest = np.full(len(roots), len(roots), dtype=np.int64)
        np.minimum.at(smallest, roots, np.arange(len(roots)))
        return smallest[roots]
