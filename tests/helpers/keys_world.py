"""Test helper for the key cases: a suppressed target, and a new advert with its number."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from models import Advert, AdvertContact, ClusterMember, ContactPoint
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.reports.outreach.contact_log import suppress_target
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts


def suppress_first_target(database: Database, settings: Settings) -> tuple[int, str]:
    """Put the first cluster with a phone on the opt-out list; its id and one phone number."""
    with database.session() as session:
        cluster_id, number = session.execute(
            select(ClusterMember.cluster_id, ContactPoint.value)
            .join(AdvertContact, AdvertContact.advert_id == ClusterMember.advert_id)
            .join(ContactPoint, ContactPoint.id == AdvertContact.contact_point_id)
            .where(ContactPoint.kind == "phone")
            .order_by(ClusterMember.cluster_id, ContactPoint.id)
            .limit(1)
        ).one()
        suppress_target(session, settings, cluster_id, "asked us not to call")
    return cluster_id, number


def new_advert_with(database: Database, number: str, external_id: str = "optout-new") -> None:
    """Ingest a new advert carrying `number`, as a crawl of the demo site would."""
    item = AdvertItem(
        site="demo_classic",
        external_id=external_id,
        url=f"http://127.0.0.1/ad/{external_id}",
        fetched_at=datetime(2026, 12, 2, 12, tzinfo=UTC),
        title="Ny i byen",
        text=f"Ring til mig på {number}",
        contacts=[f"tel:{number}"],
    )
    with database.session() as session:
        site = ensure_site(session, "demo_classic", "http://127.0.0.1")
        store_adverts(session, database.keyring, site.id, None, [item])


def advert_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Advert)) or 0
