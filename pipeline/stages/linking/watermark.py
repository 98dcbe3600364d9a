"""The linking watermark: where the last run stopped, read and written in `link_state`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models import LinkState

ROW_ID = 1  # the table holds one row


def last_run(session: Session) -> LinkState | None:
    """The last run's watermark, or None before the first run."""
    return session.get(LinkState, ROW_ID)


def save_run(
    session: Session,
    at: datetime,
    full: bool,
    ruleset_version: str,
    last_version_id: int,
    last_image_id: int,
) -> None:
    """Record where this run stopped, replacing the previous watermark."""
    state = session.get(LinkState, ROW_ID) or LinkState(id=ROW_ID)
    state.last_run_at, state.full, state.ruleset_version = at, full, ruleset_version
    state.last_version_id, state.last_image_id = last_version_id, last_image_id
    session.add(state)
