"""TOTP second factor (RFC 6238 via pyotp): new secrets, their QR code, and replay-safe checks.

pyotp accepts a code for every step in its window, so the same code works twice; Scout
stores the last accepted time step and accepts only later steps, with an UPDATE that
only one of two concurrent sign-ins can win.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from models import User
from pipeline.core.db import changed_rows

ISSUER = "Scout"
DRIFT_STEPS = 1  # one step (30 s) either side for phone clocks that are a little off


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, user_name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user_name, issuer_name=ISSUER)


def qr_svg_data_uri(secret: str, user_name: str) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI, drawn here (no third party)."""
    code = segno.make(provisioning_uri(secret, user_name), error="m")
    return code.svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code this is (within the drift window, later than `after`)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Check a code and record its step; a code of an already used step is refused."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, now, user.totp_last_step)
    return step is not None and claim_step(session, user, step)


def claim_step(session: Session, user: User, step: int, secret: str | None = None) -> bool:
    """Record `step` as the last used one (and a new secret with it), unless this step or a
    later one was used meanwhile: of two concurrent uses of one code only one wins."""
    values: dict[str, object] = {"totp_last_step": step}
    if secret is not None:
        values["totp_secret"] = secret
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed_rows(claimed) != 1:
        return False  # a concurrent use of this step came first
    user.totp_last_step = step
    if secret is not None:
        user.totp_secret = secret
    return True
