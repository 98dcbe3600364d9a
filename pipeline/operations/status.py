"""How many records of each kind the database holds, as `scout status` shows them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AuditEntry,
    Cluster,
    ContactPoint,
    CrawlRun,
    IndicatorHit,
    Site,
    Suppression,
)


def record_counts(session: Session) -> dict[str, int]:
    """Label → count, in the order they are shown."""
    queries = {
        "sites": select(func.count()).select_from(Site),
        "crawl runs": select(func.count()).select_from(CrawlRun),
        "adverts (live)": select(func.count()).where(Advert.gone_at.is_(None)),
        "adverts (gone)": select(func.count()).where(Advert.gone_at.is_not(None)),
        "contact points": select(func.count()).select_from(ContactPoint),
        "indicator hits": select(func.count()).select_from(IndicatorHit),
        "clusters (active)": select(func.count()).where(Cluster.active.is_(True)),
        "suppressed contacts": select(func.count()).where(Suppression.lifted_at.is_(None)),
        "audit entries": select(func.count()).select_from(AuditEntry),
    }
    return {label: session.scalar(query) or 0 for label, query in queries.items()}
