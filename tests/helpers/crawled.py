"""What a test crawl stored: a site's live adverts, an advert's field contacts, the last run."""

from __future__ import annotations

from sqlalchemy import select

from models import Advert, AdvertContact, ContactPoint, CrawlRun, Site
from pipeline.core.db import Database


def live_adverts(database: Database, site: str) -> dict[str, Advert]:
    """The site's adverts not marked gone, by external id."""
    with database.session() as session:
        site_id = session.scalar(select(Site.id).where(Site.name == site))
        return {
            a.external_id: a
            for a in session.scalars(
                select(Advert).where(Advert.site_id == site_id, Advert.gone_at.is_(None))
            )
        }


def all_contacts(database: Database, advert_id: int, source: str | None = None) -> set[str]:
    """Every contact point stored for the advert (text, title, fields), or from one source."""
    query = select(ContactPoint.value).join(AdvertContact)
    query = query.where(AdvertContact.advert_id == advert_id)
    if source is not None:
        query = query.where(AdvertContact.source == source)
    with database.session() as session:
        return set(session.scalars(query))


def field_contacts(database: Database, advert_id: int) -> set[str]:
    """Contact points the crawl read from the advert's fields (the revealed number too)."""
    return all_contacts(database, advert_id, "field")


def last_run(database: Database) -> CrawlRun:
    """The newest crawl run, detached from its session."""
    with database.session() as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None
        session.expunge(run)
        return run
