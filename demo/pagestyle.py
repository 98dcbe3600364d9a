"""Switches of the demo world that change how a classic advert page is written, per advert.

A pure function of the advert's id, so the ground truth can name them: some adverts give
their price only as schema.org JSON-LD, and the posting date is written as an ISO stamp or
the ways Danish sites write it (``02.11.2026``, ``2. nov.``, ``i går kl. 10:15``, ``for 3
dage siden``).
"""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from demo.model import Advert

DATE_STYLES = ("iso", "numeric", "month_name", "relative")
MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.",
           "nov.", "dec.")  # fmt: skip
LOCAL = ZoneInfo("Europe/Copenhagen")


def switches(a: Advert) -> dict[str, object]:
    """How this advert's page is written: ``jsonld`` (price in JSON-LD only), date style."""
    mix = zlib.crc32(a.external_id.encode())
    return {"jsonld": mix % 3 == 0, "date_style": DATE_STYLES[(mix // 3) % len(DATE_STYLES)]}


def posted_at(a: Advert, start: date) -> datetime:
    """When the advert was posted (UTC): its first day, at a fixed, varied hour."""
    hour = 8 + sum(map(ord, a.external_id)) % 12
    return datetime.combine(start + timedelta(days=a.first_day), datetime.min.time(), UTC).replace(
        hour=hour, minute=15
    )


def page_truth(a: Advert, start: date) -> dict[str, Any]:
    """The switches of the advert's page and its posting time (UTC, ISO 8601)."""
    return {**switches(a), "posted_at": posted_at(a, start).isoformat()}
