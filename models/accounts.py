"""Web accounts: people with a role, their second factor, recovery codes, sessions, throttles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, created_at, int_pk, sealed_text


class User(Base):
    """One person who signs in to the web app. Secrets are hashed, the TOTP secret sealed."""

    __tablename__ = "users"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # outreach | lead | researcher | analyst | admin
    language: Mapped[str] = mapped_column(String(8), default="da")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # argon2id
    totp_secret: Mapped[sealed_text | None] = mapped_column(default=None)
    # The last accepted TOTP time step: a code of that step or earlier is refused (replay).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # SHA-256 of the one-time enrolment token; the token itself is only ever printed.
    enrol_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[created_at]
    enrolled_at: Mapped[datetime | None] = mapped_column(default=None)


class RecoveryCode(Base):
    """A one-time second factor, stored as an argon2id hash; used_at set when spent."""

    __tablename__ = "recovery_codes"

    id: Mapped[int_pk]
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class WebSession(Base):
    """A server-side session; the id in the cookie is stored only as its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[int_pk]  # a public number for "end this session"; not a secret
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))  # enrol | pending (password ok) | active
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute end, whatever the activity
    second_factor_at: Mapped[datetime | None] = mapped_column(default=None)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class LoginThrottle(Base):
    """Failed sign-ins of one account ("account:<id>") or one client ("address:<ip>")."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
