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
