"""IN-list batches: ids split in order, and queries over more ids than one statement may bind."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from models import Site
from pipeline.core.batches import IN_LIST_BATCH, chunked, in_batches
from pipeline.core.db import Database


def test_chunked_empty_gives_no_batch() -> None:
    assert list(chunked([])) == []


def test_chunked_exact_multiple() -> None:
    assert list(chunked(range(6), 3)) == [[0, 1, 2], [3, 4, 5]]


def test_chunked_remainder_comes_last() -> None:
    assert list(chunked([5, 1, 4, 2, 3, 9, 7], 3)) == [[5, 1, 4], [2, 3, 9], [7]]


def test_chunked_default_size_and_order_kept() -> None:
    ids = list(range(2 * IN_LIST_BATCH + 1, 0, -1))  # descending: order is the caller's
    batches = list(chunked(ids))
    assert [len(b) for b in batches] == [IN_LIST_BATCH, IN_LIST_BATCH, 1]
    assert [i for b in batches for i in b] == ids


def test_chunked_reads_a_stream_lazily() -> None:
    stream = iter(range(10))
    first = next(chunked(stream, 4))
    assert first == [0, 1, 2, 3]
    assert next(stream) == 4  # the rest not consumed yet


def test_in_batches_without_ids_is_the_statement_once() -> None:
    query = select(Site.id)
    assert list(in_batches(query, Site.id, None)) == [query]
    assert list(in_batches(query, Site.id, [])) == []


def _add_sites(database: Database, count: int) -> list[int]:
    with database.session() as session:
        rows = [{"name": f"site{i}", "base_url": "http://127.0.0.1"} for i in range(count)]
        session.execute(insert(Site), rows)
        return list(session.scalars(select(Site.id).order_by(Site.id)))


def test_in_batches_select_and_delete(database: Database) -> None:
    ids = _add_sites(database, 7)
    with database.session() as session:
        parts = in_batches(select(Site.id).order_by(Site.id), Site.id, ids[:5], 2)
        found = [i for part in parts for i in session.scalars(part)]
        assert found == ids[:5]
        for statement in in_batches(delete(Site), Site.id, ids[1:4], 2):
            session.execute(statement)
    with database.session() as session:
        assert list(session.scalars(select(Site.id).order_by(Site.id))) == [ids[0], *ids[4:]]


def test_in_batches_bind_more_ids_than_one_statement_may(database: Database) -> None:
    # 70,000 ids: over SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement
    ids = _add_sites(database, 3)
    wanted = [*range(-70_000, 0), ids[0], ids[2]]
    with database.session() as session:
        query = select(func.count()).select_from(Site)
        counts = [session.scalar(part) for part in in_batches(query, Site.id, wanted)]
    assert len(counts) == 15 and sum(counts) == 2  # 70,002 ids in batches of 5,000
