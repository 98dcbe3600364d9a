"""Adverts, their versions and sightings, and image perceptual hashes (never image bytes)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    case,
    func,
    literal,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, Json, hmac_hex, int_pk, sealed_text, timestamp


class Advert(Base):
    """One advert on one site, keyed by (site, external id); title and text are sealed."""

    __tablename__ = "adverts"
    __table_args__ = (
        UniqueConstraint("site_id", "external_id"),
        Index("ix_adverts_active_region", "gone_at", "region", "last_seen"),
        Index("ix_adverts_kind", "kind", "gone_at"),
        # Regional price medians (linking) read this index, not the (large) advert rows.
        Index("ix_adverts_region_price", "region", "currency", "price"),
    )

    id: Mapped[int_pk]
    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("sites.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    # escort | clinic | job (pipeline/core/kinds.py); from the site file, never from the page
    kind: Mapped[str] = mapped_column(String(16), default="escort", server_default="escort")
    url: Mapped[str] = mapped_column(String(1000))
    first_seen: Mapped[timestamp]
    last_seen: Mapped[timestamp]
    gone_at: Mapped[datetime | None] = mapped_column(default=None)
    # Only a gazetteer city (closed vocabulary) in clear; anything else is sealed in
    # `unknown_city`, because advertisers write phone numbers and e-mails into the field.
    city: Mapped[str | None] = mapped_column(String(100), default=None)
    unknown_city: Mapped[sealed_text | None] = mapped_column(default=None)
    region: Mapped[str | None] = mapped_column(String(100), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    title: Mapped[sealed_text | None] = mapped_column(default=None)
    text: Mapped[sealed_text | None] = mapped_column(default=None)
    stated_age: Mapped[int | None] = mapped_column(Integer, default=None)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    currency: Mapped[str | None] = mapped_column(String(8), default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    content_hash: Mapped[hmac_hex]
    contacts_hash: Mapped[hmac_hex | None] = mapped_column(default=None)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    # A clinic advert's own fields as the page gave them (address, opening_hours,
    # venue_name, roster), one sealed JSON document: an address may be someone's home and
    # the roster names persons (docs/clinics.md). None for other kinds.
    clinic: Mapped[sealed_text | None] = mapped_column(default=None)
    # When the site says the advert was posted, as last read (the page's own date, in UTC).
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
    # Side requests refused at the latest fetch, e.g. ["reveal: HTTP 403"]; None: none.
    side_refused: Mapped[list[str] | None] = mapped_column(Json, default=None)


class AdvertVersion(Base):
    """A new row whenever an advert's text, city or contact points change."""

    __tablename__ = "advert_versions"
    __table_args__ = (
        Index(None, "advert_id", "seen_at"),
        Index(None, "analysed_ruleset"),
    )

    id: Mapped[int_pk]
    advert_id: Mapped[int] = mapped_column(BigId, ForeignKey("adverts.id", ondelete="CASCADE"))
    seen_at: Mapped[timestamp]
    title: Mapped[sealed_text | None] = mapped_column(default=None)
    text: Mapped[sealed_text | None] = mapped_column(default=None)
    city: Mapped[str | None] = mapped_column(String(100), default=None)
    unknown_city: Mapped[sealed_text | None] = mapped_column(default=None)
    region: Mapped[str | None] = mapped_column(String(100), default=None)
    stated_age: Mapped[int | None] = mapped_column(Integer, default=None)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    currency: Mapped[str | None] = mapped_column(String(8), default=None)
    posted_at: Mapped[datetime | None] = mapped_column(default=None)  # the site's posting date
    content_hash: Mapped[hmac_hex]
    contacts_hash: Mapped[hmac_hex | None] = mapped_column(default=None)
    analysed_ruleset: Mapped[str | None] = mapped_column(String(32), default=None)
    analysed_at: Mapped[datetime | None] = mapped_column(default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    # The clinic fields as this version of the page gave them (sealed JSON, see Advert).
    clinic: Mapped[sealed_text | None] = mapped_column(default=None)
    # What the NLP stage read besides contacts and indicators; names only as keyed hashes.
    # {"languages": [{"lang", "share"}], "name_keys": [...], "ages": [...], "nationalities":
    #  [...], "prices": [{"amount", "currency", "euphemism"}], "cities": [...], "truncated"}
    analysis: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    # For a kind whose roster is built from the names the NLP stage reads (clinic): those
    # names as written, sealed JSON {name key: name}, so key rotation can re-make the roster's
    # keys (pipeline/operations/keyrotation.py). None for other kinds.
    names: Mapped[sealed_text | None] = mapped_column(default=None)


class Sighting(Base):
    """That a crawl run saw an advert; complete runs without a sighting lead to `gone`."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("advert_id", "crawl_run_id"),)

    id: Mapped[int_pk]
    advert_id: Mapped[int] = mapped_column(BigId, ForeignKey("adverts.id", ondelete="CASCADE"))
    crawl_run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True
    )
    seen_at: Mapped[timestamp]


class ImageHash(Base):
    """Perceptual hash of an advert image. Personal data: never exported."""

    __tablename__ = "image_hashes"
    __table_args__ = (UniqueConstraint("advert_id", "phash"),)

    id: Mapped[int_pk]
    advert_id: Mapped[int] = mapped_column(BigId, ForeignKey("adverts.id", ondelete="CASCADE"))
    phash: Mapped[str] = mapped_column(String(16), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# How a sealed (unknown) city is shown everywhere: never its text, which may be a number.
UNKNOWN_CITY = "unknown city"


def shown_city(entity: type[Advert] | type[AdvertVersion]) -> ColumnElement[str | None]:
    """The city to show, in SQL: the gazetteer city, else "unknown city" if one was given."""
    unknown = case((entity.unknown_city.is_not(None), literal(UNKNOWN_CITY)), else_=None)
    return func.coalesce(entity.city, unknown)
