"""A crawl's store batch costs a few round trips, not one an advert (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import Advert, AdvertVersion
from pipeline.core.db import Database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

SEEN = datetime(2026, 11, 2, 12, tzinfo=UTC)


def _items(ids: range) -> list[AdvertItem]:
    return [
        AdvertItem(
            site="demo_classic",
            external_id=f"a{i}",
            url=f"http://127.0.0.1/ad/a{i}",
            fetched_at=SEEN,
            title=f"Ny i byen {i}",
            text=f"Ring {i}",
            contacts=[f"+45201234{i:02d}"],
            image_hashes=[f"{i:016x}"],
        )
        for i in ids
    ]


def test_storage_new_adverts_of_a_batch_are_inserted_together(database: Database) -> None:
    statements: list[str] = []
    flushes: list[int] = []

    def sent(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def flushed(*_: Any) -> None:
        flushes.append(1)

    event.listen(database.engine, "before_cursor_execute", sent)
    event.listen(Session, "after_flush", flushed)
    try:
        with database.session() as session:
            site_id = ensure_site(session, "demo_classic", "http://127.0.0.1:8801").id
            statements.clear()
            flushes.clear()
            counts = store_adverts(session, database.keyring, site_id, None, _items(range(40)))
    finally:
        event.remove(database.engine, "before_cursor_execute", sent)
        event.remove(Session, "after_flush", flushed)
    assert counts.new == 40
    assert len(flushes) <= 3  # was one a new advert
    if database.engine.dialect.name == "postgresql":
        # one INSERT … RETURNING for the batch; SQLite's ORM inserts row by row (it cannot
        # match RETURNING rows to objects without a sentinel column), in-process
        inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO ADVERTS")]
        assert len(inserts) == 1 and len(statements) < 20
    with database.session() as session:
        stored = session.execute(select(Advert.id, Advert.external_id).order_by(Advert.id)).all()
        versions = set(session.scalars(select(AdvertVersion.advert_id)))
    # ids in the batch's order, each advert with its first version
    assert [external_id for _, external_id in stored] == [f"a{i}" for i in range(40)]
    assert versions == {advert_id for advert_id, _ in stored}
