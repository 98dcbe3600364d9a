"""The linking watermark: where the last run stopped, read and written in `link_state`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AdvertVersion, ImageHash, LinkState
from pipeline.stages.linking import gaps
from pipeline.stages.linking.gaps import Gap

ROW_ID = 1  # the table holds one row


class Mark(NamedTuple):
    """Where a run stopped: its highest advert version and image hash ids, and the ids at or
    below them it did not see (not yet committed when it started; see `gaps`)."""

    version_id: int
    image_id: int
    version_gaps: tuple[Gap, ...] = ()
    image_gaps: tuple[Gap, ...] = ()


def last_run(session: Session) -> LinkState | None:
    """The last run's watermark, or None before the first run."""
    return session.get(LinkState, ROW_ID)


def mark_of(state: LinkState | None) -> Mark | None:
    """The watermark `state` holds (None before the first run)."""
    if state is None:
        return None
    held = state.gaps or {}
    return Mark(
        state.last_version_id,
        state.last_image_id,
        tuple(Gap.from_json(row) for row in held.get("versions", [])),
        tuple(Gap.from_json(row) for row in held.get("images", [])),
    )


def take(session: Session, previous: Mark | None, now: datetime, keep: timedelta) -> Mark:
    """The watermark a run starting now leaves to the next: the highest ids committed, and
    the gaps at or below them. Take it before the run reads what changed: what commits
    afterwards lies above the mark or in a gap, so the next run searches it."""
    before = previous or Mark(0, 0)
    marks = []
    for column, old, held in (
        (AdvertVersion.id, before.version_id, before.version_gaps),
        (ImageHash.id, before.image_id, before.image_gaps),
    ):
        top = session.scalar(select(func.max(column))) or 0
        marks.append((top, gaps.track(session, column, old, held, top, now, keep)))
    (version_id, version_gaps), (image_id, image_gaps) = marks
    return Mark(version_id, image_id, version_gaps, image_gaps)


def save_run(session: Session, at: datetime, full: bool, ruleset_version: str, mark: Mark) -> None:
    """Record where this run stopped, replacing the previous watermark."""
    state = session.get(LinkState, ROW_ID) or LinkState(id=ROW_ID)
    state.last_run_at, state.full, state.ruleset_version = at, full, ruleset_version
    state.last_version_id, state.last_image_id = mark.version_id, mark.image_id
    state.gaps = _json(mark)
    session.add(state)


def _json(mark: Mark) -> dict[str, Any]:
    return {
        "versions": [gap.to_json() for gap in mark.version_gaps],
        "images": [gap.to_json() for gap in mark.image_gaps],
    }
