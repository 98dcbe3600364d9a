"""Versions and images committed out of id order (both engines): PostgreSQL hands out a
sequence id when a row is inserted, not when its transaction commits, so a crawl worker's
version can commit below the watermark a link run took meanwhile. The next incremental run
must still search it, and give what a full run gives."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from models import Advert, AdvertLink, AdvertVersion, ClusterMember, ImageHash, LinkState
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.stages.analysis import analyse
from pipeline.stages.linking.run import link_database
from spiders.items import AdvertItem
from spiders.storage.crawlruns import ensure_site
from spiders.storage.ingest import store_adverts

from helpers.linking_world import store_hand_made

DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
PHONES = {"p": "+4520111111", "q": "+4520222222", "r": "+4520333333", "s": "+4520444444"}
# pHashes far apart from each other (no image link unless one is shared)
IMAGES = {"a": "f0f0f0f0f0f0f0f0", "b": "0f0f0f0f0f0f0f0f"}


def _item(ext: str, contacts: list[str], when: datetime) -> AdvertItem:
    return AdvertItem(
        site="classic",
        external_id=ext,
        url=f"http://127.0.0.1/ad/{ext}",
        fetched_at=when,
        title=f"Annonce {ext}",
        text=f"Hej, ny i byen {ext}.",
        city="Odense",
        contacts=contacts,
    )


@contextmanager
def _crawl_batch(database: Database, items: list[AdvertItem]) -> Iterator[Session]:
    """A crawl worker's write transaction: the batch is stored (its ids taken) when the block
    starts and committed when it ends."""
    with database.session() as session:
        site = ensure_site(session, "demo_classic", "http://127.0.0.1").id
        store_adverts(session, database.keyring, site, None, items)
        session.flush()
        yield session


def _links(database: Database) -> tuple[set[tuple[str, str, str]], set[frozenset[str]]]:
    """Links (by external ids) and the cluster partition."""
    with database.session() as session:
        ext = {a: e for a, e in session.execute(select(Advert.id, Advert.external_id))}
        links = {
            (ext[a], ext[b], kind)
            for a, b, kind in session.execute(
                select(AdvertLink.advert_a_id, AdvertLink.advert_b_id, AdvertLink.kind)
            )
        }
        groups: dict[int, set[str]] = {}
        for cluster_id, advert_id in session.execute(
            select(ClusterMember.cluster_id, ClusterMember.advert_id)
        ):
            groups.setdefault(cluster_id, set()).add(ext[advert_id])
    return links, {frozenset(g) for g in groups.values()}


def _stored_gaps(database: Database) -> Any:
    with database.session() as session:
        state = session.get(LinkState, 1)
        assert state is not None
        return state.gaps


def test_linking_searches_a_version_committed_below_the_watermark(
    database: Database, settings: Settings
) -> None:
    """Worker A stores an edit (advert "one" now shows Q's number) and holds its transaction;
    worker B stores and commits an edit with a higher id; a link run starts (its watermark is
    B's id); then A commits. The next incremental run must link "one" with "two" as a full
    run does. SQLite lets one writer at a time, so there A commits before B writes: the
    ordinary path."""
    clock.set_now(DAY0)
    store_hand_made(
        database,
        DAY0,
        [
            ("one", "Odense", [PHONES["p"]], "Hej, ny i byen one.", []),
            ("two", "Odense", [PHONES["q"]], "Hej, ny i byen two.", []),
            ("three", "Odense", [PHONES["r"]], "Hej, ny i byen three.", []),
            ("four", "Odense", [PHONES["s"]], "Hej, ny i byen four.", []),
        ],
    )
    analyse(database)
    link_database(database, settings)
    assert ("one", "two", "contact") not in _links(database)[0]
    later = DAY0 + timedelta(days=1)
    clock.set_now(later)
    postgres = database.engine.dialect.name == "postgresql"
    with ExitStack() as worker_a:  # rolled back, its locks freed, if the test fails inside
        a_session = worker_a.enter_context(
            _crawl_batch(database, [_item("one", [PHONES["p"], PHONES["q"]], later)])
        )
        a_version = a_session.scalar(select(func.max(AdvertVersion.id)))
        if not postgres:
            worker_a.close()  # SQLite: A commits before B can write
        with _crawl_batch(
            database, [_item("three", [PHONES["r"], PHONES["s"]], later)]
        ) as b_session:
            b_version = b_session.scalar(select(func.max(AdvertVersion.id)))
        assert a_version is not None and b_version is not None and a_version < b_version
        analyse(database)
        link_database(database, settings)  # the watermark is B's version
        if postgres:  # A's id was not seen: a gap of the watermark
            assert [gap[:2] for gap in _stored_gaps(database)["versions"]] == [
                [a_version, a_version]
            ]
            assert ("one", "two", "contact") not in _links(database)[0]
    # A commits (on PostgreSQL below the watermark)
    analyse(database)
    caught_up = link_database(database, settings)
    assert not caught_up.full
    incremental = _links(database)
    assert ("one", "two", "contact") in incremental[0]
    assert ("three", "four", "contact") in incremental[0]
    assert _stored_gaps(database) == {"versions": [], "images": []}
    link_database(database, settings, full=True)
    assert _links(database) == incremental


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_linking_searches_an_image_committed_below_the_watermark(
    database: Database, settings: Settings, full: bool
) -> None:
    """The same for image hashes, portably: an image numbered in a hole below the watermark
    (as an image whose transaction commits late on PostgreSQL) is searched by the next run,
    whether the run that left the hole was incremental or full, and however long ago. The
    hole is made by numbering by hand, so both engines take the path PostgreSQL takes."""
    clock.set_now(DAY0)
    store_hand_made(
        database,
        DAY0,
        [
            ("one", "Odense", [PHONES["p"]], "Hej, ny i byen one.", [IMAGES["a"]]),
            ("two", "Odense", [PHONES["q"]], "Hej, ny i byen two.", [IMAGES["b"]]),
            ("three", "Odense", [PHONES["r"]], "Hej, ny i byen three.", []),
        ],
    )
    analyse(database)
    link_database(database, settings)
    with database.session() as session:
        ids = {e: a for e, a in session.execute(select(Advert.external_id, Advert.id))}
        top = session.scalar(select(func.max(ImageHash.id)))
        assert top is not None
        # a later image of "three" committed first, numbered two above the top
        session.execute(
            insert(ImageHash).values(id=top + 2, advert_id=ids["three"], phash="00ff00ff00ff00ff")
        )
    clock.set_now(DAY0 + timedelta(hours=1))
    link_database(database, settings, full=full)
    assert [gap[:2] for gap in _stored_gaps(database)["images"]] == [[top + 1, top + 1]]
    with database.session() as session:  # "one"'s image shown by "three" commits late
        session.execute(
            insert(ImageHash).values(id=top + 1, advert_id=ids["three"], phash=IMAGES["a"])
        )
    # later than link_gap_minutes: a gap is dropped for age only while it is still empty
    clock.set_now(DAY0 + timedelta(hours=1, minutes=settings.link_gap_minutes + 1))
    caught_up = link_database(database, settings)
    assert not caught_up.full and caught_up.searched > 0
    incremental = _links(database)
    assert ("one", "three", "image") in incremental[0]
    assert _stored_gaps(database)["images"] == []
    link_database(database, settings, full=True)
    assert _links(database) == incremental


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_linking_while_three_crawl_workers_store_equals_a_full_run(
    database: Database, settings: Settings
) -> None:
    """Three crawl workers (threads, each its own transactions) store edits, each holding its
    transaction open for a random while after its ids are taken, as link runs go on. Each of
    90 adverts is edited once to also show another advert's number, so an edit a run misses
    is a link only a full run makes. Without the gaps some 20 of the 90 were missed (three
    seeds); the final incremental run must give a full run's clusters."""
    clock.set_now(DAY0)
    phones = [f"+4528{(n * 7919 + 123457) % 1000000:06d}" for n in range(200)]

    with _crawl_batch(database, [_item(f"a{n}", [phones[n]], DAY0) for n in range(200)]):
        pass
    analyse(database)
    link_database(database, settings)
    failures: list[BaseException] = []

    def worker(w: int) -> None:
        rng = random.Random(w)
        adverts = list(range(30 * w, 30 * w + 30))
        rng.shuffle(adverts)
        try:
            for k in range(10):
                when = DAY0 + timedelta(hours=1 + k)
                edits = [
                    _item(f"a{n}", [phones[n], phones[n + 100]], when) for n in adverts[3 * k :][:3]
                ]
                with _crawl_batch(database, edits):
                    time.sleep(rng.uniform(0, 0.3))  # ids taken, not yet committed
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    workers = [threading.Thread(target=worker, args=(w,)) for w in range(3)]
    for thread in workers:
        thread.start()
    while any(thread.is_alive() for thread in workers):
        link_database(database, settings)
    for thread in workers:
        thread.join()
    assert not failures
    analyse(database)
    link_database(database, settings)
    incremental = _links(database)[1]
    assert {frozenset({f"a{n}", f"a{n + 100}"}) for n in range(90)} <= incremental
    link_database(database, settings, full=True)
    assert _links(database)[1] == incremental
