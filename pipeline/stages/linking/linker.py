"""The core linker: plain advert records in, links (contact, template, image) out.

Records are added in advert-id order; `search=False` only indexes them (adverts already
linked in an earlier run), so an incremental run searches links for new and changed
adverts alone, and gives the same pairs a full run gives.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from pipeline.core.batches import chunked
from pipeline.stages.linking.config import LinkingConfig
from pipeline.stages.linking.images import ImageIndex
from pipeline.stages.linking.template import TemplateIndex
from pipeline.stages.linking.unionfind import UnionFind

CHUNK = 5000  # records signed at a time: bounds the texts held in memory


class LinkRecord(NamedTuple):
    """What linking needs of one advert: its text, contact pseudonyms and image pHashes
    (a tuple: a run builds one per advert)."""

    advert_id: int
    text: str
    contacts: tuple[str, ...] = ()
    phashes: tuple[int, ...] = ()


class Link(NamedTuple):
    """Why two adverts belong together (a tuple: a run builds one per link, millions at 10⁶
    adverts, so the evidence is made from the strength when asked for, not held)."""

    a: int  # advert ids, a < b
    b: int
    kind: str
    strength: float  # template: estimated Jaccard similarity; image: 1 - Hamming distance / 64
    labels: tuple[str, ...] = ()  # contact links: the shared contact points' 8-hex labels

    @property
    def evidence(self) -> dict[str, Any]:
        """What the link rests on, as stored with it."""
        if self.kind == "contact":
            return {"contacts": list(self.labels)}
        if self.kind == "image":
            return {"hamming": round((1 - self.strength) * 64)}
        return {"similarity": self.strength}


class Linker:
    """Holds the indexes over every record added so far (ids, signatures, hashes).

    Links are a spanning forest per kind: a pair is returned only when it joins two groups
    that this linker's earlier links of the same kind had not joined. Components stay the
    same as with every pair, and each kind keeps its own forest, so a template link between
    two adverts with different numbers survives even when a contact link joined them too.
    """

    def __init__(self, config: LinkingConfig) -> None:
        self.enabled = set(config.links.enabled)
        self.ids = array("q")  # advert id per record index (8 bytes each)
        self._contact_first: dict[str, int] = {}
        self._template = TemplateIndex(config.links.template)
        self._images = ImageIndex(config.links.image)
        self._forests = {kind: UnionFind() for kind in ("contact", "template", "image")}
        self._known: list[tuple[int, int, str]] = []

    @property
    def boilerplate(self) -> int:
        """Searched (record, band) entries left unlinked because their text is stock text."""
        return self._template.boilerplate

    def sign(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Template signatures of texts (what `add` computes itself when not given them)."""
        return self._template.signatures(texts)

    def add(
        self,
        records: Iterable[LinkRecord],
        search: bool = True,
        signed: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[Link]:
        """Index records (streamed in chunks, texts dropped after signing); returns new links.

        `signed` gives the records' signatures (in record order) made earlier: their texts
        are then not read."""
        first = len(self.ids)
        links: list[Link] = []
        signatures, valid, phashes, groups = [], [], [], []
        contact_pairs: list[tuple[int, int, list[str]]] = []
        for chunk in chunked(records, CHUNK):
            for record in chunk:
                self.ids.append(record.advert_id)
                contact_pairs += self._contact_pairs(record, search)
                groups.append(self._contact_group(record))
            if "template" in self.enabled:
                done = len(self.ids) - first - len(chunk)
                matrix, ok = (
                    (signed[0][done : done + len(chunk)], signed[1][done : done + len(chunk)])
                    if signed is not None
                    else self._template.signatures([r.text for r in chunk])
                )
                signatures.append(matrix)
                valid.append(ok)
            phashes += [r.phashes for r in chunk]
        for forest in self._forests.values():
            forest.grow(len(self.ids))
        self._apply_known()
        contacts = self._forests["contact"]
        links += [
            self._link(a, b, "contact", 1.0, tuple(labels))
            for a, b, labels in contact_pairs
            if contacts.union(a, b)
        ]
        if "template" in self.enabled and signatures:
            pairs = self._template.add(
                first,
                np.concatenate(signatures),
                np.concatenate(valid),
                search,
                np.array(groups, dtype=np.int64),
            )
            links += [
                self._link(int(a), int(b), "template", round(float(j), 3))
                for a, b, j in self._spanning("template", pairs)
            ]
        if "image" in self.enabled and phashes:
            pairs = self._images.add(first, phashes, search)
            links += [
                self._link(int(a), int(b), "image", round(1 - int(d) / 64, 3))
                for a, b, d in self._spanning("image", pairs)
            ]
        return links

    def _spanning(self, kind: str, pairs: np.ndarray) -> list[tuple[float, float, float]]:
        """The pairs (in new-record order) that join two groups of this kind's forest."""
        forest = self._forests[kind]
        pairs = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))] if len(pairs) else pairs
        return [(a, b, x) for a, b, x in pairs.tolist() if forest.union(int(a), int(b))]

    def _contact_group(self, record: LinkRecord) -> int:
        """The record's contact point as a number (its first record); one of its own without."""
        known = [self._contact_first[p] for p in record.contacts if p in self._contact_first]
        return min(known) if known else -len(self.ids)

    def _contact_pairs(self, record: LinkRecord, search: bool) -> list[tuple[int, int, list[str]]]:
        if "contact" not in self.enabled:
            return []
        index = len(self.ids) - 1
        shared: dict[int, list[str]] = {}
        for pseudonym in record.contacts:
            earlier = self._contact_first.setdefault(pseudonym, index)
            if search and earlier != index:
                # A star on the first advert with the contact point: same components as
                # all pairs, with n-1 links instead of n²/2.
                shared.setdefault(earlier, []).append(pseudonym[:8])
        return [(earlier, index, labels) for earlier, labels in shared.items()]

    def connect(self, links: Iterable[Link]) -> None:
        """Links kept from an earlier run: new links are returned only where these do not
        already join the adverts (applied once both adverts have been added)."""
        self._known += [(x.a, x.b, x.kind) for x in links if x.kind in self._forests]

    def _apply_known(self) -> None:
        if not self._known:
            return
        position = {advert_id: i for i, advert_id in enumerate(self.ids)}
        waiting = []
        for a, b, kind in self._known:
            if a in position and b in position:
                self._forests[kind].union(position[a], position[b])
            else:
                waiting.append((a, b, kind))
        self._known = waiting

    def _link(
        self, i: int, j: int, kind: str, strength: float, labels: tuple[str, ...] = ()
    ) -> Link:
        a, b = sorted((self.ids[i], self.ids[j]))
        return Link(a, b, kind, strength, labels)


def components(advert_ids: Iterable[int], links: Iterable[Link]) -> dict[int, int]:
    """Advert id -> the smallest advert id of its cluster (every advert in exactly one)."""
    ids = np.unique(np.fromiter(advert_ids, dtype=np.int64))
    ends = np.array([(x.a, x.b) for x in links], dtype=np.int64).reshape(-1, 2)
    at = np.minimum(np.searchsorted(ids, ends), max(len(ids) - 1, 0))
    held = (ids[at] == ends).all(axis=1) if len(ids) else np.zeros(len(ends), dtype=bool)
    labels = smallest_in_component(len(ids), at[held])
    return dict(zip(ids.tolist(), ids[labels].tolist(), strict=True))


def smallest_in_component(n: int, edges: np.ndarray) -> np.ndarray:
    """Per element 0..n-1, the smallest element of its connected component under `edges`
    (m x 2): roots hook onto the smaller root across each edge, then paths are halved until
    every element points at its root (no Python loop over the edges)."""
    parent = np.arange(n, dtype=np.int64)
    while len(edges):
        low = np.minimum(parent[edges[:, 0]], parent[edges[:, 1]])
        high = np.maximum(parent[edges[:, 0]], parent[edges[:, 1]])
        apart = low != high
        if not apart.any():
            break
        edges = edges[apart]  # an edge inside one component stays inside it
        np.minimum.at(parent, high[apart], low[apart])
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent
