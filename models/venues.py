"""Clinics: venues (places), their roster over time, what happened to them, and visits.

A venue's address can be someone's home (docs/privacy.md): it is sealed; venues are linked
by a keyed hash of the normalised street, number and postcode (`address_key`), and only the
postcode, municipality and region are stored in clear. Every row hangs off the adverts it
was read from (`venue_adverts`), so the retention purge removes a venue with its adverts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, created_at, hmac_hex, int_pk, sealed_text, timestamp

VENUE_EVENT_KINDS = ("opened", "moved", "renamed", "roster_changed", "vanished", "reappeared")
VISIT_OUTCOMES = ("talked", "not_let_in", "closed", "moved", "not_found")


class Venue(Base):
    """A physical place adverts name: sealed address, keyed link hash, area in clear."""

    __tablename__ = "venues"
    __table_args__ = (Index(None, "region", "municipality"), Index(None, "gone_at"))

    id: Mapped[int_pk]
    # Stable id shown to people and kept across merges ("V" + first id), like clusters' ids.
    stable_id: Mapped[str] = mapped_column(String(24), unique=True)
    address: Mapped[sealed_text | None] = mapped_column(default=None)
    address_key: Mapped[hmac_hex | None] = mapped_column(default=None, index=True)
    postcode: Mapped[str | None] = mapped_column(String(4), default=None)
    municipality: Mapped[str | None] = mapped_column(String(64), default=None)
    region: Mapped[str | None] = mapped_column(String(32), default=None)
    # Names the venue trades under (a business's name, as advertised), newest last.
    names: Mapped[list[str]] = mapped_column(Json, default=list)
    name_keys: Mapped[list[str]] = mapped_column(Json, default=list)
    # Contact-point pseudonyms (ContactPoint.pseudonym), never a number.
    phone_keys: Mapped[list[str]] = mapped_column(Json, default=list)
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    languages: Mapped[list[str]] = mapped_column(Json, default=list)
    # Lowest advertised price (DKK) last seen; screening compares it to the regional median.
    price: Mapped[int | None] = mapped_column(Integer, default=None)
    # Signs read from the adverts' text by the venue stage (e.g. "third_person", "new_girls").
    signs: Mapped[list[str]] = mapped_column(Json, default=list)
    first_seen: Mapped[timestamp]
    last_seen: Mapped[timestamp]
    gone_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[created_at]


class VenueAdvert(Base):
    """Which adverts name a venue; the advert's deletion (retention) removes the row."""

    __tablename__ = "venue_adverts"
    __table_args__ = (UniqueConstraint("venue_id", "advert_id"),)

    id: Mapped[int_pk]
    venue_id: Mapped[int] = mapped_column(BigId, ForeignKey("venues.id", ondelete="CASCADE"))
    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), index=True
    )
    first_seen: Mapped[timestamp]
    last_seen: Mapped[timestamp]


class RosterEntry(Base):
    """A person as advertised at a venue on one day: name sealed (keyed hash to link)."""

    __tablename__ = "roster_entries"
    __table_args__ = (
        UniqueConstraint("venue_id", "person_key", "seen_on"),
        Index(None, "person_key"),
    )

    id: Mapped[int_pk]
    venue_id: Mapped[int] = mapped_column(BigId, ForeignKey("venues.id", ondelete="CASCADE"))
    advert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("adverts.id", ondelete="CASCADE"), index=True
    )
    seen_on: Mapped[date] = mapped_column(Date)
    name: Mapped[sealed_text | None] = mapped_column(default=None)
    # Keyed hash of the name as written (case-folded) or, without a name, of the photo set.
    person_key: Mapped[hmac_hex]
    stated_age: Mapped[int | None] = mapped_column(Integer, default=None)
    nationality: Mapped[str | None] = mapped_column(String(32), default=None)
    image_hashes: Mapped[list[str]] = mapped_column(Json, default=list)
    # The escort cluster the person's photos or name were also seen in (linking), if any.
    cluster_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("clusters.id", ondelete="SET NULL"), default=None
    )


class VenueEvent(Base):
    """What happened to a venue; `event_id` is stable (the same run twice writes nothing)."""

    __tablename__ = "venue_events"
    __table_args__ = (Index(None, "venue_id", "at"), Index(None, "at"))

    id: Mapped[int_pk]
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    venue_id: Mapped[int] = mapped_column(BigId, ForeignKey("venues.id", ondelete="CASCADE"))
    at: Mapped[timestamp]
    kind: Mapped[str] = mapped_column(String(24))
    # Areas and counts only, never an address: {"from": {"postcode", "municipality"}, ...}
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class VenueVisit(Base):
    """An outreach team's visit to a venue; the note is sealed; no person's name or number."""

    __tablename__ = "venue_visits"
    __table_args__ = (Index(None, "venue_id", "visited_on"),)

    id: Mapped[int_pk]
    venue_id: Mapped[int] = mapped_column(BigId, ForeignKey("venues.id", ondelete="CASCADE"))
    visited_on: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # VISIT_OUTCOMES
    persons_met: Mapped[int] = mapped_column(Integer, default=0)
    languages: Mapped[list[str]] = mapped_column(Json, default=list)
    materials: Mapped[list[str]] = mapped_column(Json, default=list)
    note: Mapped[sealed_text | None] = mapped_column(default=None)
    follow_up: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[created_at]
