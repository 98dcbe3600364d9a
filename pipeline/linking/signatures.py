"""Stored template signatures and image hashes: what an incremental run reads instead of texts.

A run signs only the texts of new and changed adverts (and of adverts with no signature under
the current template settings) and reads every other advert's signature as bytes into one
numpy matrix, so neither the sealed texts nor MinHash are touched for unchanged adverts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import Advert, ImageHash, LinkSignature
from pipeline.analysis import combined_text
from pipeline.linking.config import TemplateConfig
from pipeline.linking.images import parse_phash

Signed = tuple[np.ndarray, np.ndarray]  # (n x num_perm uint32, n booleans: long enough)


def config_key(config: TemplateConfig) -> str:
    """12 hex naming the settings a signature depends on (masking, shingles, permutations)."""
    fields = f"{config.shingle_chars}:{config.num_perm}:{config.min_shingles}:v1"
    return hashlib.sha256(fields.encode()).hexdigest()[:12]


def load(session: Session, key: str) -> dict[int, bytes]:
    """Advert id -> stored signature bytes made under `key` (b"" when too short to link)."""
    rows = session.connection().execute(
        select(LinkSignature.advert_id, LinkSignature.signature).where(LinkSignature.config == key)
    )
    return {advert_id: bytes(blob) for advert_id, blob in rows}


def matrix(blobs: list[bytes], num_perm: int) -> Signed:
    """Signature bytes (in record order) as the linker's matrix and validity flags."""
    valid = np.array([len(b) > 0 for b in blobs], dtype=bool)
    out = np.zeros((len(blobs), num_perm), dtype=np.uint32)
    if valid.any():
        joined = b"".join(b for b in blobs if b)
        out[valid] = np.frombuffer(joined, dtype="<u4").reshape(-1, num_perm)
    return out, valid


def save(session: Session, key: str, blobs: dict[int, bytes]) -> None:
    """Replace the stored signatures of these adverts."""
    advert_ids = sorted(blobs)
    for start in range(0, len(advert_ids), 5000):
        session.execute(
            delete(LinkSignature).where(
                LinkSignature.advert_id.in_(advert_ids[start : start + 5000])
            )
        )
    if advert_ids:
        session.execute(
            insert(LinkSignature),
            [{"advert_id": a, "config": key, "signature": blobs[a]} for a in advert_ids],
        )


def to_bytes(signed: Signed) -> list[bytes]:
    """One signature's bytes a row (b"" for a text too short to link on)."""
    values, valid = signed
    little = values.astype("<u4", copy=False)
    return [little[i].tobytes() if ok else b"" for i, ok in enumerate(valid.tolist())]


def texts(session: Session, advert_ids: list[int]) -> dict[int, str]:
    """Unsealed combined texts (through the ORM) of the given adverts only."""
    out: dict[int, str] = {}
    for start in range(0, len(advert_ids), 2000):
        chunk = advert_ids[start : start + 2000]
        for advert in session.scalars(select(Advert).where(Advert.id.in_(chunk))):
            out[advert.id] = combined_text(advert.title, advert.text)
            session.expunge(advert)  # not needed again: keep the identity map small
    return out


def phashes(session: Session) -> dict[int, tuple[int, ...]]:
    """Every advert's image pHashes, sorted (one query of two short columns)."""
    found: dict[int, list[int]] = defaultdict(list)
    for advert_id, phash in session.connection().execute(
        select(ImageHash.advert_id, ImageHash.phash)
    ):
        found[advert_id].append(parse_phash(phash))
    return {advert_id: tuple(sorted(values)) for advert_id, values in found.items()}
