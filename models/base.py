"""The one declarative base and metadata (with a naming convention) and shared column types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import JSON, BigInteger, Integer, MetaData, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, mapped_column

from models.types import Sealed, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL; INTEGER on SQLite so that it stays an auto-incrementing rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")

int_pk = Annotated[int, mapped_column(BigId, primary_key=True)]
timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
sealed_text = Annotated[str, mapped_column(Sealed())]
hmac_hex = Annotated[str, mapped_column(String(64))]
short_str = Annotated[str, mapped_column(String(64))]
name_str = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}
