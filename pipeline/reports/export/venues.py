"""The clinic export's rows (`scout export --kind clinic`, issue 15): one per venue, at
municipality level, with the concern flag the clinic rules give it now; no address, postcode,
name, phone or roster. Venues named by an opted-out (suppressed) advert are never exported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Advert, Venue, VenueAdvert, VenueVisit
from nlp.clinics.rules import load_clinic_rules
from pipeline.reports.clinics.screening import CONCERN_SCORE, venue_reasons
from pipeline.reports.export.rows import Pseudonymiser, Row


def venue_rows(session: Session, pseudonym: Pseudonymiser, now: datetime) -> list[Row]:
    opted_out = select(VenueAdvert.venue_id).join(Advert, Advert.id == VenueAdvert.advert_id)
    opted_out = opted_out.where(Advert.suppressed.is_(True))
    venues = list(
        session.scalars(select(Venue).where(Venue.id.not_in(opted_out)).order_by(Venue.id))
    )
    fired = venue_reasons(session, venues, now, load_clinic_rules())
    visited = set(session.scalars(select(VenueVisit.venue_id).distinct()))
    return [
        {
            "venue": pseudonym("venue", venue.id),
            "region": venue.region or "unknown",
            "municipality": venue.municipality or "unknown",
            "of_concern": max(0.0, sum(r.weight for r in fired[venue.id])) >= CONCERN_SCORE,
            "active": venue.gone_at is None,
            "visited": venue.id in visited,
            "_id": venue.id,
        }
        for venue in venues
    ]
