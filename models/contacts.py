"""Contact points (sealed, found by keyed pseudonym), advert links to them, and opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, created_at, hmac_hex, int_pk, sealed_text


class ContactPoint(Base):
    """A normalised phone (E.164), e-mail or handle; value sealed, unique per kind+value."""

    __tablename__ = "contact_points"
    __table_args__ = (UniqueConstraint("kind", "pseudonym"),)

    id: Mapped[int_pk]
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[sealed_text]
    pseudonym: Mapped[hmac_hex]  # HMAC-SHA256 of "kind:value" under the pseudonym key
    key_id: Mapped[str] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    number_type: Mapped[str | None] = mapped_column(String(24), default=None)
    first_seen: Mapped[created_at]


class AdvertContact(Base):
    """An advert names a contact point; evidence is a span in the advert text, not a copy."""

    __tablename__ = "advert_contacts"

    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), primary_key=True
    )
    contact_point_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contact_points.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    source: Mapped[str] = mapped_column(String(16), default="text")  # text | field | link
    obscured: Mapped[str] = mapped_column(String(16), default="plain")
    evidence_start: Mapped[int | None] = mapped_column(Integer, default=None)
    evidence_end: Mapped[int | None] = mapped_column(Integer, default=None)
    first_seen: Mapped[created_at]


class Suppression(Base):
    """Opt-out list: a contact pseudonym here is never shown or revealed again."""

    __tablename__ = "suppressions"

    id: Mapped[int_pk]
    pseudonym: Mapped[hmac_hex] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The normalised value, sealed: lets `scout keys rotate` re-pseudonymise an opt-out whose
    # contact point retention has purged, so no opt-out is lost to a key change.
    value: Mapped[sealed_text | None] = mapped_column(default=None)
    created_at: Mapped[created_at]
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    lifted_at: Mapped[datetime | None] = mapped_column(default=None)
