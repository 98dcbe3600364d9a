"""Sites as stored: their names, and deleting sites with everything they hold."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from models import AdvertContact, ContactPoint, Site


def site_names(session: Session) -> set[str]:
    return set(session.scalars(select(Site.name)))


def delete_sites(session: Session, names: Collection[str]) -> None:
    """Delete the named sites with their adverts and crawl runs (the foreign keys cascade),
    then the contact points no advert links to any more."""
    session.execute(delete(Site).where(Site.name.in_(list(names))))
    unlinked = ~exists().where(AdvertContact.contact_point_id == ContactPoint.id)
    session.execute(delete(ContactPoint).where(unlinked))
