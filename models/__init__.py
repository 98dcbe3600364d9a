"""Scout's SQLAlchemy models, one table family a module, all on one metadata."""

from models.adverts import Advert, AdvertVersion, ImageHash, Sighting
from models.analysis import Cluster, ClusterMember, IndicatorHit, Score
from models.audit import AuditEntry, AuditLogIsAppendOnly
from models.base import Base
from models.contacts import AdvertContact, ContactPoint, Suppression
from models.sites import CrawlRun, Site

metadata = Base.metadata

__all__ = [
    "Advert",
    "AdvertContact",
    "AdvertVersion",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Base",
    "Cluster",
    "ClusterMember",
    "ContactPoint",
    "CrawlRun",
    "ImageHash",
    "IndicatorHit",
    "Score",
    "Sighting",
    "Site",
    "Suppression",
    "metadata",
]
