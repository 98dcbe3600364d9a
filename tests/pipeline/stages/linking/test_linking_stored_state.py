"""The stored linking state as arrays: what an incremental run reads for every advert."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.stages.linking.signatures import Stored, signatures_of, to_bytes

PERM = 4


def _state(ids: list[int], base: int) -> Stored:
    """Advert a gets signature [a+base]*PERM (none for multiples of 5) and a pHashes."""
    matrix = np.array([[a + base] * PERM for a in ids], dtype=np.uint32).reshape(-1, PERM)
    valid = np.array([a % 5 != 0 for a in ids], dtype=bool)
    matrix[~valid] = 0
    images = [np.arange(a, 2 * a, dtype="<u8").tobytes() for a in ids]
    return Stored.of(ids, (matrix, valid), images)


def test_linking_stored_state_reads_back_what_it_holds() -> None:
    state = _state([1, 2, 5, 7], base=100)
    matrix, valid = state.signed([7, 1, 5])
    assert matrix[:, 0].tolist() == [107, 101, 0] and valid.tolist() == [True, True, False]
    assert state.phashes([2, 7]) == [(2, 3), tuple(range(7, 14))]
    assert signatures_of(to_bytes(state.signed([1, 2, 5, 7])), PERM)[0].tolist() == (
        state.matrix.tolist()
    )
    with pytest.raises(ValueError, match="without stored linking state"):
        state.signed([3])


def test_linking_stored_state_replaced_takes_the_new_rows_in_id_order() -> None:
    old = _state([1, 2, 5, 7], base=100)
    new = _state([2, 3, 9], base=200)
    merged = old.replaced(new)
    assert merged.ids.tolist() == [1, 2, 3, 5, 7, 9]
    assert merged.matrix[:, 0].tolist() == [101, 202, 203, 0, 107, 209]
    assert merged.phashes([2, 3, 1]) == [(2, 3), (3, 4, 5), (1,)]
    assert merged.owners.tolist() == sorted(merged.owners.tolist())
    assert Stored.empty(PERM).replaced(new).ids.tolist() == [2, 3, 9]


@pytest.mark.parametrize("new_ids", [[8, 9], [7, 8], [0, 9], [3]])
def test_linking_stored_state_replaced_appends_only_what_comes_after(new_ids: list[int]) -> None:
    """A day's new adverts (ids after every stored one) are appended without sorting again;
    any other ids are merged in order: both give the same state as replacing row by row."""
    old = _state([1, 2, 5, 7], base=100)
    new = _state(new_ids, base=200)
    merged = old.replaced(new)
    expected = {**{a: 100 + a for a in [1, 2, 5, 7]}, **{a: 200 + a for a in new_ids}}
    ids = sorted(expected)
    assert merged.ids.tolist() == ids
    matrix, valid = merged.signed(ids)
    assert matrix[:, 0].tolist() == [expected[a] if a % 5 else 0 for a in ids]
    assert valid.tolist() == [a % 5 != 0 for a in ids]
    assert merged.owners.tolist() == sorted(merged.owners.tolist())
    assert merged.phashes(ids) == [tuple(range(a, 2 * a)) for a in ids]
