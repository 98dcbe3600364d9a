"""What one venue-linking run reads of the stored venues: only what its observations can meet.

Every venue is loaded (any of them may share an address, phone, name or photos with an
observation); of the roster history, only the days a run compares against: each venue's
days from the run's earliest observation on, and its last day before that; of the photos,
only those the run's observations show; of the advert links, only the run's adverts; of the
event ids, only those an event of this run could repeat (from its earliest day on). So a
run's start grows with the number of venues, not with the weeks of history behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models import ImageHash, RosterEntry, Venue, VenueAdvert, VenueEvent
from models.analysis import ClusterMember
from pipeline.core.batches import in_batches
from pipeline.stages.venues.observations import ClinicObservation

MIN_SHARED_PHOTOS = 2
# An event id names the day of the event in the zone of the time it was made from, so a
# stored event an event at `at` could repeat lies at most a day and two zone offsets
# (UTC±14) before `at`.
SAME_DAY_MARGIN = timedelta(days=3)


def stored_event_ids(session: Session, earliest: datetime) -> set[str]:
    """The stored event ids an event at `earliest` or later could have (its day or later)."""
    since = earliest - SAME_DAY_MARGIN
    return set(session.scalars(select(VenueEvent.event_id).where(VenueEvent.at >= since)))


def _rosters(session: Session, since: date | None) -> dict[int, dict[date, set[str]]]:
    """Venue id → day → person keys: the days from `since` on, and each venue's last day
    before `since` (what the first of them is compared with); none for a run of nothing."""
    rosters: dict[int, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    if since is None:
        return rosters
    last = (
        select(RosterEntry.venue_id, func.max(RosterEntry.seen_on).label("day"))
        .where(RosterEntry.seen_on < since)
        .group_by(RosterEntry.venue_id)
        .subquery()
    )
    columns = (RosterEntry.venue_id, RosterEntry.seen_on, RosterEntry.person_key)
    recent = select(*columns).where(RosterEntry.seen_on >= since)
    before = select(*columns).join(
        last, and_(last.c.venue_id == RosterEntry.venue_id, last.c.day == RosterEntry.seen_on)
    )
    for statement in (recent, before):
        for venue_id, seen_on, key in session.execute(statement):
            rosters[venue_id][seen_on].add(key)
    return rosters


def _photos(session: Session, wanted: set[str]) -> dict[str, set[int]]:
    """Photo hash → the venues whose roster ever showed it, for the photos in `wanted`."""
    by_photo: dict[str, set[int]] = defaultdict(set)
    if not wanted:
        return by_photo
    # one row per venue and photo set, however many days a person was on the roster
    rows = session.execute(select(RosterEntry.venue_id, RosterEntry.image_hashes).distinct())
    for venue_id, photos in rows:
        for photo in wanted.intersection(photos or ()):
            by_photo[photo].add(venue_id)
    return by_photo


def _escort_clusters(session: Session, photos: set[str]) -> dict[str, int]:
    """Photo hash → the escort cluster holding an advert with that photo."""
    found: dict[str, int] = {}
    statement = select(ImageHash.phash, ClusterMember.cluster_id).join(
        ClusterMember, ClusterMember.advert_id == ImageHash.advert_id
    )
    for batch in in_batches(statement, ImageHash.phash, sorted(photos)):
        for phash, cluster_id in session.execute(batch):
            found.setdefault(phash, cluster_id)
    return found


def _held(session: Session, advert_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Advert id → (venue advert row id, venue id), for the given adverts (the newest row
    when an advert was linked to two venues)."""
    statement = select(VenueAdvert.id, VenueAdvert.venue_id, VenueAdvert.advert_id).order_by(
        VenueAdvert.id
    )
    held: dict[int, tuple[int, int]] = {}
    for batch in in_batches(statement, VenueAdvert.advert_id, sorted(set(advert_ids))):
        for row_id, venue_id, advert_id in session.execute(batch):
            held[advert_id] = (row_id, venue_id)
    return held


class VenueIndex:
    """The venues by link key for one run, kept current as venues change, and the rows the
    run will write (inserted in bulk at its end)."""

    def __init__(self, session: Session, observations: list[ClinicObservation]) -> None:
        self.by_address: dict[str, Venue] = {}
        self.by_phone: dict[str, Venue] = {}
        self.by_name: dict[str, Venue] = {}
        self.by_id: dict[int, Venue] = {}
        # in id order: the first venue holding a phone or name keeps it in the index, so the
        # result must not depend on the order the database returns rows in (PostgreSQL
        # returns an updated row after the others)
        for venue in session.scalars(select(Venue).order_by(Venue.id)):
            self.add(venue)
        first_day = min((o.seen_at.date() for o in observations), default=None)
        # venue id → day → person keys on the roster that day
        self.rosters = _rosters(session, first_day)
        photos = {p for o in observations for person in o.roster for p in person.image_hashes}
        self.by_photo = _photos(session, photos)
        self.escort_clusters = _escort_clusters(session, photos)
        # advert id → (venue advert row id, venue id)
        self.held = _held(session, (o.advert_id for o in observations))
        self.advert_seen: dict[int, datetime] = {}  # venue advert row id → newest sighting
        # (venue, advert) → the venue advert row this run adds
        self.new_links: dict[tuple[int, int], dict[str, Any]] = {}
        self.new_roster: list[dict[str, Any]] = []  # roster entries this run adds

    def add(self, venue: Venue) -> None:
        self.by_id[venue.id] = venue
        if venue.address_key:
            self.by_address[venue.address_key] = venue
        for key in venue.phone_keys or ():
            self.by_phone.setdefault(key, venue)
        for key in venue.name_keys or ():
            self.by_name.setdefault(key, venue)

    def by_photos(self, photos: list[str]) -> Venue | None:
        counts: dict[int, int] = defaultdict(int)
        for photo in set(photos):
            for venue_id in self.by_photo.get(photo, ()):
                counts[venue_id] += 1
        best = max(counts.items(), key=lambda item: (item[1], -item[0]), default=None)
        return self.by_id[best[0]] if best and best[1] >= MIN_SHARED_PHOTOS else None
