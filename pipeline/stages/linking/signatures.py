"""Stored template signatures and image hashes: what an incremental run reads instead of texts.

A run signs only the texts of new and changed adverts (and of adverts with no state under
the current template settings) and reads every other advert's signature and pHashes as bytes,
one row an advert, into numpy arrays, so neither the sealed texts, MinHash nor the
`image_hashes` rows are touched for unchanged adverts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

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


def load(session: Session, key: str) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """Stored state made under `key`: advert id -> signature bytes (b"" when too short to link
    on), and advert id -> packed pHashes; one whole-table read through the driver's cursor."""
    rows = fetch_all(
        session,
        select(
            LinkSignature.advert_id,
            LinkSignature.config,
            LinkSignature.signature,
            LinkSignature.phashes,
        ),
    )
    blobs: dict[int, bytes] = {}
    images: dict[int, bytes] = {}
    for advert_id, config, signature, phashes in rows:
        if config == key:
            blobs[advert_id], images[advert_id] = bytes(signature), bytes(phashes)
    return blobs, images


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


def matrix(blobs: list[bytes], num_perm: int) -> Signed:
    """Signature bytes (in record order) as the linker's matrix and validity flags."""
    valid = np.array([len(b) > 0 for b in blobs], dtype=bool)
    out = np.zeros((len(blobs), num_perm), dtype=np.uint32)
    if valid.any():
        joined = b"".join(b for b in blobs if b)
        out[valid] = np.frombuffer(joined, dtype="<u4").reshape(-1, num_perm)
    return out, valid


def save(session: Session, key: str, blobs: dict[int, bytes], images: dict[int, bytes]) -> None:
    """Replace the stored state of the adverts in `images` (signature b"" where `blobs` has
    none: template links off)."""
    advert_ids = sorted(images)
    for statement in in_batches(delete(LinkSignature), LinkSignature.advert_id, advert_ids):
        session.execute(statement)
    if advert_ids:
        session.execute(
            insert(LinkSignature),
            [
                {
                    "advert_id": a,
                    "config": key,
                    "signature": blobs.get(a, b""),
                    "phashes": images[a],
                }
                for a in advert_ids
            ],
        )


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


def images_of(session: Session, advert_ids: list[int] | None) -> dict[int, bytes]:
    """Packed pHashes (sorted little-endian uint64) of the given adverts (None: every
    advert), read from `image_hashes`; b"" for an advert without images."""
    found: dict[int, list[int]] = defaultdict(list)
    query = select(ImageHash.advert_id, ImageHash.phash)
    for part in in_batches(query, ImageHash.advert_id, advert_ids):
        for advert_id, phash in session.connection().execute(part):
            found[advert_id].append(parse_phash(phash))
    wanted = found if advert_ids is None else advert_ids
    return {a: np.array(sorted(found.get(a, [])), dtype="<u8").tobytes() for a in wanted}


def image_arrays(images: dict[int, bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(advert id per pHash, pHashes as uint64) of packed pHashes."""
    ids = np.fromiter(images, dtype=np.int64, count=len(images))
    counts = np.fromiter((len(b) // 8 for b in images.values()), dtype=np.int64, count=len(ids))
    hashes = np.frombuffer(b"".join(images.values()), dtype="<u8").astype(np.uint64)
    return np.repeat(ids, counts), hashes


def unpack(packed: bytes) -> tuple[int, ...]:
    return tuple(np.frombuffer(packed, dtype="<u8").tolist())
