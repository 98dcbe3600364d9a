"""Stored sites on both engines: their names, and deleting sites with all they hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from models import Advert, AdvertVersion, ContactPoint
from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts
from spiders.storage.sites import delete_sites, site_names

SEEN = datetime(2026, 11, 2, 12, tzinfo=UTC)


def _store(database: Database, site: str, external_id: str, phones: list[str]) -> None:
    item = AdvertItem(site=site, external_id=external_id, url=f"http://127.0.0.1/ad/{external_id}",
                      fetched_at=SEEN, title="Ny i byen", text="Ring", contacts=phones)  # fmt: skip
    with database.session() as session:
        stored = ensure_site(session, site, "http://127.0.0.1:8801")
        store_adverts(session, database.keyring, stored.id, None, [item])


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_storage_delete_sites_takes_their_adverts_and_unshared_contacts(
    database: Database,
) -> None:
    _store(database, "demo_classic", "a1", ["+4520123456", "+4530123456"])
    _store(database, "other", "b1", ["+4530123456"])  # the second number is shared
    assert _count(database, ContactPoint) == 2
    with database.session() as session:
        assert site_names(session) == {"demo_classic", "other"}
        delete_sites(session, ["demo_classic"])
    with database.session() as session:
        assert site_names(session) == {"other"}
        assert list(session.scalars(select(Advert.external_id))) == ["b1"]
    assert _count(database, ContactPoint) == 1  # the shared number stays, linked to b1


def test_storage_advert_carries_the_site_files_kind(database: Database) -> None:
    """The kind comes from the item (the site file), and escort is the default."""
    _store(database, "demo_classic", "a1", [])
    item = AdvertItem(site="jobs", external_id="j1", url="http://127.0.0.1/ad/j1",
                      fetched_at=SEEN, kind="job", title="Rengøring", text="Ring")  # fmt: skip
    with database.session() as session:
        stored = ensure_site(session, "jobs", "http://127.0.0.1:8809")
        store_adverts(session, database.keyring, stored.id, None, [item])
    with database.session() as session:
        kinds = dict(session.execute(select(Advert.external_id, Advert.kind)).all())
    assert kinds == {"a1": "escort", "j1": "job"}


def test_storage_posted_at_on_advert_and_version_and_refusals_as_of_the_latest_fetch(
    database: Database,
) -> None:
    """The site's posting date is kept on the version and the advert (a page that loses it
    keeps the last one read); refused side requests describe the latest fetch only."""
    posted = datetime(2026, 11, 1, 8, 15, tzinfo=UTC)

    def fetch(text: str, posted_at: datetime | None, refused: list[str]) -> None:
        item = AdvertItem(site="demo_market", external_id="mk1", url="http://127.0.0.1/ad/mk1",
                          fetched_at=SEEN, title="Ny i byen", text=text, posted_at=posted_at,
                          refused=refused)  # fmt: skip
        with database.session() as session:
            stored = ensure_site(session, "demo_market", "http://127.0.0.1:8803")
            store_adverts(session, database.keyring, stored.id, None, [item])

    def state() -> tuple[Any, ...]:
        with database.session() as session:
            advert = session.scalars(select(Advert)).one()
            versions = session.scalars(
                select(AdvertVersion.posted_at).order_by(AdvertVersion.id)
            ).all()
            return advert.posted_at, advert.side_refused, versions

    fetch("Ring", posted, ["reveal: HTTP 403"])
    assert state() == (posted, ["reveal: HTTP 403"], [posted])
    fetch("Ring nu", None, [])  # an edit; this time the date was missed and the reveal worked
    assert state() == (posted, None, [posted, None])
    bumped = posted + timedelta(days=2)
    fetch("Ring nu", bumped, ["image: HTTP 404"])  # reposted: a new date, same content
    assert state() == (bumped, ["image: HTTP 404"], [posted, None])
