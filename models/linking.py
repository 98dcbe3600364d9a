"""What linking keeps per advert between runs: its text's MinHash signature (no text) and its
image pHashes, one row an advert, so an incremental run reads one short row per advert."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId


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
