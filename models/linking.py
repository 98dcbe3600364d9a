"""What linking keeps between runs: per advert its text's MinHash signature (no text) and its
image pHashes, one row an advert, so an incremental run reads one short row per advert; and
the watermark of the last run, so it knows which adverts are new."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json


class LinkSignature(Base):
    """One advert's linking state, so an incremental run reads and signs only new texts.

    `signature` is num_perm little-endian uint32 values (256 bytes at the default 64), empty
    when the text is too short to link on or template links are off; `config` names the
    template settings it was made under, and a signature under other settings is never used.
    `phashes` is the advert's image pHashes (a copy of `image_hashes`), sorted little-endian
    uint64 values, 8 bytes an image."""

    __tablename__ = "link_signatures"

    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), primary_key=True
    )
    config: Mapped[str] = mapped_column(String(16))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    phashes: Mapped[bytes] = mapped_column(LargeBinary)


class LinkState(Base):
    """Where the last linking run stopped: the watermark an incremental run starts from.

    One row (id 1), rewritten by every run. `ruleset_version` is the combined version of the
    nlp rules and `linking.yaml` the run used (a run under another one is full by itself);
    `last_version_id` and `last_image_id` are the highest advert-version and image-hash ids
    it saw, so the next run searches only what came after them. `gaps` holds the ids at or
    below them it did not see (handed out to a transaction not yet committed), so the next
    run searches those too once they appear: {"versions": [[first, last, since], ...],
    "images": [...]}, `since` an ISO time (see `pipeline/stages/linking/gaps.py`); None
    before migration 0019's first run."""

    __tablename__ = "link_state"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_run_at: Mapped[datetime]
    full: Mapped[bool]
    ruleset_version: Mapped[str] = mapped_column(String(32))
    last_version_id: Mapped[int] = mapped_column(BigInteger)
    last_image_id: Mapped[int] = mapped_column(BigInteger)
    gaps: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
