"""Stored template signatures and image hashes: what an incremental run reads instead of texts.

A run signs only the texts of new and changed adverts (and of adverts with no state under
the current template settings) and reads every other advert's signature and pHashes as bytes,
one row an advert, into numpy arrays, so neither the sealed texts, MinHash nor the
`image_hashes` rows are touched for unchanged adverts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import NamedTuple

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models import Advert, ImageHash, LinkSignature
from pipeline.core.batches import in_batches
from pipeline.stages.analysis import combined_text
from pipeline.stages.linking.config import TemplateConfig
from pipeline.stages.linking.images import parse_phash
from pipeline.stages.linking.store import fetch_all

Signed = tuple[np.ndarray, np.ndarray]  # (n x num_perm uint32, n booleans: long enough)


def config_key(config: TemplateConfig) -> str:
    """12 hex naming the settings a signature depends on (masking, shingles, permutations)."""
    fields = f"{config.shingle_chars}:{config.num_perm}:{config.min_shingles}:v1"
    return hashlib.sha256(fields.encode()).hexdigest()[:12]


class Stored(NamedTuple):
    """Adverts' linking state as arrays (no Python object an advert): what an incremental run
    reads for every advert of the store."""

    ids: np.ndarray  # advert ids, ascending (int64)
    matrix: np.ndarray  # their signatures (n x num_perm uint32; zeros where not valid)
    valid: np.ndarray  # long enough to link on (and template links on)
    owners: np.ndarray  # the advert of each pHash, ascending (int64)
    hashes: np.ndarray  # pHashes (uint64)

    @classmethod
    def empty(cls, num_perm: int) -> Stored:
        ids = np.empty(0, dtype=np.int64)
        matrix = np.empty((0, num_perm), dtype=np.uint32)
        return cls(ids, matrix, np.empty(0, dtype=bool), ids, np.empty(0, dtype=np.uint64))

    @classmethod
    def of(cls, ids: list[int], signed: Signed, images: list[bytes]) -> Stored:
        """From adverts `ids` (ascending), their signatures and packed pHashes (in order)."""
        advert_ids = np.array(ids, dtype=np.int64)
        return cls(advert_ids, *signed, *_unpacked(advert_ids, images))

    def replaced(self, other: Stored) -> Stored:
        """This state with `other`'s adverts taken from `other`."""
        if not len(self.ids) or not len(other.ids) or other.ids[0] > self.ids[-1]:
            # A day's new adverts come after every stored one: appending keeps the order,
            # without sorting every stored signature again.
            return Stored(*(np.concatenate(pair) for pair in zip(self, other, strict=True)))
        keep, keep_images = ~np.isin(self.ids, other.ids), ~np.isin(self.owners, other.ids)
        ids = np.concatenate([self.ids[keep], other.ids])
        order = np.argsort(ids, kind="stable")
        owners = np.concatenate([self.owners[keep_images], other.owners])
        by_owner = np.argsort(owners, kind="stable")
        return Stored(
            ids[order],
            np.concatenate([self.matrix[keep], other.matrix])[order],
            np.concatenate([self.valid[keep], other.valid])[order],
            owners[by_owner],
            np.concatenate([self.hashes[keep_images], other.hashes])[by_owner],
        )

    def held(self, advert_ids: set[int]) -> set[int]:
        """Those of `advert_ids` this state holds (a few thousand looked up in arrays of up
        to millions, without making a Python int of each stored id)."""
        wanted = np.fromiter(advert_ids, dtype=np.int64, count=len(advert_ids))
        return set(wanted[np.isin(wanted, self.ids, assume_unique=True)].tolist())

    def signed(self, advert_ids: list[int]) -> Signed:
        """The signatures of `advert_ids` (every one held), in their order."""
        wanted = np.array(advert_ids, dtype=np.int64)
        if np.array_equal(wanted, self.ids):  # every advert (a full run): no copy
            return self.matrix, self.valid
        at = np.minimum(np.searchsorted(self.ids, wanted), max(len(self.ids) - 1, 0))
        if len(wanted) and not (len(self.ids) and (self.ids[at] == wanted).all()):
            raise ValueError("an advert without stored linking state")
        return self.matrix[at], self.valid[at]

    def phashes(self, advert_ids: list[int]) -> list[tuple[int, ...]]:
        """The pHashes of `advert_ids`, in their order (none for an advert without)."""
        wanted = np.array(advert_ids, dtype=np.int64)
        starts = np.searchsorted(self.owners, wanted, side="left")
        counts = np.searchsorted(self.owners, wanted, side="right") - starts
        # only the wanted adverts' pHashes become Python ints
        picked = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        values = self.hashes[picked].tolist()
        ends = np.cumsum(counts).tolist()
        return [tuple(values[b - n : b]) for b, n in zip(ends, counts.tolist(), strict=True)]


def _unpacked(ids: np.ndarray, images: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(advert id per pHash, pHashes) of packed pHash bytes, one entry per advert."""
    counts = np.fromiter(map(len, images), dtype=np.int64, count=len(images)) // 8
    hashes = np.frombuffer(b"".join(images), dtype="<u8").astype(np.uint64)
    return np.repeat(ids, counts), hashes


def load(session: Session, key: str, num_perm: int) -> Stored:
    """Every advert's state stored under `key`: one whole-table read through the driver's
    cursor, turned into arrays without a Python object an advert."""
    rows = fetch_all(
        session,
        select(
            LinkSignature.advert_id,
            LinkSignature.config,
            LinkSignature.signature,
            LinkSignature.phashes,
        ).order_by(LinkSignature.advert_id),
    )
    if any(row[1] != key for row in rows):  # another setting's rows: never used
        rows = [row for row in rows if row[1] == key]
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    matrix, valid = signatures_of([row[2] for row in rows], num_perm)
    owners, hashes = _unpacked(ids, [row[3] for row in rows])
    return Stored(ids, matrix, valid, owners, hashes)


def count(session: Session, key: str, advert_ids: list[int] | None = None) -> int:
    """Stored states under `key` (of every advert, or of `advert_ids`)."""
    query = select(func.count()).select_from(LinkSignature).where(LinkSignature.config == key)
    return sum(
        session.connection().scalar(part) or 0
        for part in in_batches(query, LinkSignature.advert_id, advert_ids)
    )


def unsigned(session: Session, key: str) -> set[int]:
    """Adverts with no state stored under `key`."""
    signed = select(LinkSignature.advert_id).where(
        LinkSignature.advert_id == Advert.id, LinkSignature.config == key
    )
    return set(session.connection().scalars(select(Advert.id).where(~signed.exists())))


def signatures_of(blobs: list[bytes], num_perm: int) -> Signed:
    """Signature bytes (in record order) as the linker's matrix and validity flags."""
    valid = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) > 0
    out = np.zeros((len(blobs), num_perm), dtype=np.uint32)
    if valid.any():
        out[valid] = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(-1, num_perm)
    return out, valid


def save(session: Session, key: str, state: Stored) -> None:
    """Replace the stored state of the adverts in `state` (signature b"" where it is not
    valid: too short, or template links off)."""
    advert_ids = state.ids.tolist()
    for statement in in_batches(delete(LinkSignature), LinkSignature.advert_id, advert_ids):
        session.execute(statement)
    if not advert_ids:
        return
    blobs = to_bytes((state.matrix, state.valid))
    images = _packed(state, advert_ids)
    session.execute(
        insert(LinkSignature),
        [
            {"advert_id": a, "config": key, "signature": blob, "phashes": packed}
            for a, blob, packed in zip(advert_ids, blobs, images, strict=True)
        ],
    )


def _packed(state: Stored, advert_ids: list[int]) -> list[bytes]:
    """Each advert's pHashes as sorted little-endian uint64 bytes."""
    return [np.array(sorted(x), dtype="<u8").tobytes() for x in state.phashes(advert_ids)]


def to_bytes(signed: Signed) -> list[bytes]:
    """One signature's bytes a row (b"" for a text too short to link on)."""
    values, valid = signed
    little = values.astype("<u4", copy=False)
    return [little[i].tobytes() if ok else b"" for i, ok in enumerate(valid.tolist())]


def texts(session: Session, advert_ids: list[int]) -> dict[int, str]:
    """Unsealed combined texts (through the ORM) of the given adverts only."""
    out: dict[int, str] = {}
    for query in in_batches(select(Advert), Advert.id, advert_ids):
        for advert in session.scalars(query):
            out[advert.id] = combined_text(advert.title, advert.text)
            session.expunge(advert)  # not needed again: keep the identity map small
    return out


def images_of(session: Session, advert_ids: list[int]) -> list[bytes]:
    """Packed pHashes (sorted little-endian uint64) of the given adverts, in their order,
    read from `image_hashes`; b"" for an advert without images."""
    found: dict[int, list[int]] = defaultdict(list)
    query = select(ImageHash.advert_id, ImageHash.phash)
    for part in in_batches(query, ImageHash.advert_id, advert_ids):
        for advert_id, phash in session.connection().execute(part):
            found[advert_id].append(parse_phash(phash))
    return [np.array(sorted(found.get(a, [])), dtype="<u8").tobytes() for a in advert_ids]
