"""What linking keeps per advert between runs: its text's MinHash signature (no text)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId


class LinkSignature(Base):
    """One advert's template signature, so an incremental run reads and signs only new texts.

    `signature` is num_perm little-endian uint32 values (256 bytes at the default 64), empty
    when the text is too short to link on; `config` names the template settings it was made
    under, and a signature under other settings is never used."""

    __tablename__ = "link_signatures"

    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), primary_key=True
    )
    config: Mapped[str] = mapped_column(String(16))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
