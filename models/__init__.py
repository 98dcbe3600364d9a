"""Scout's SQLAlchemy models, one table family a module, all on one metadata."""

from models.accounts import LoginThrottle, RecoveryCode, User, WebSession
from models.adverts import UNKNOWN_CITY, Advert, AdvertVersion, ImageHash, Sighting, shown_city
from models.analysis import (
    AdvertLink,
    Cluster,
    ClusterEvent,
    ClusterMember,
    IndicatorHit,
    Score,
)
from models.audit import AuditEntry, AuditLogIsAppendOnly
from models.base import Base
from models.contacts import AdvertContact, ContactPoint, Suppression
from models.keys import KeyRotation, SecretKeyRecord
from models.labels import LABEL_VALUES, ClusterLabel
from models.linking import LinkSignature, LinkState
from models.outreach import ContactLogEntry, ExportRecord, TargetClaim
from models.sites import CrawlRun, Site
from models.venues import (
    VENUE_EVENT_KINDS,
    VISIT_OUTCOMES,
    RosterEntry,
    Venue,
    VenueAdvert,
    VenueEvent,
    VenueVisit,
)

metadata = Base.metadata

__all__ = [
    "LABEL_VALUES",
    "UNKNOWN_CITY",
    "VENUE_EVENT_KINDS",
    "VISIT_OUTCOMES",
    "Advert",
    "AdvertContact",
    "AdvertLink",
    "AdvertVersion",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Base",
    "Cluster",
    "ClusterEvent",
    "ClusterLabel",
    "ClusterMember",
    "ContactLogEntry",
    "ContactPoint",
    "CrawlRun",
    "ExportRecord",
    "ImageHash",
    "IndicatorHit",
    "KeyRotation",
    "LinkSignature",
    "LinkState",
    "LoginThrottle",
    "RecoveryCode",
    "RosterEntry",
    "Score",
    "SecretKeyRecord",
    "Sighting",
    "Site",
    "Suppression",
    "TargetClaim",
    "User",
    "Venue",
    "VenueAdvert",
    "VenueEvent",
    "VenueVisit",
    "WebSession",
    "metadata",
    "shown_city",
]
