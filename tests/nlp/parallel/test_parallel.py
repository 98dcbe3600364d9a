"""Batches analysed in worker processes come back in order, the same as in one process."""

from __future__ import annotations

import pytest

from nlp import parallel
from nlp.parallel import analyse_batches, analyse_texts_parallel
from nlp.pipeline import analyse_texts

TEXTS = [
    "Ny i byen! Ring 20 12 34 56, kun sms. 23 år, 1.500 kr.",
    "Hello, I am Anna, 24 years old. WhatsApp +48 601 234 567.",
    "",
    "Vi er 2 piger i Aarhus. anna (at) example (dot) dk",
    "Ich bin neu in der Stadt, ruf an: null eins sieben null 1234567",
] * 4


@pytest.mark.subprocess  # a pool of two spawned processes
def test_parallel_two_workers_match_one_process(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "BATCH", 3)  # several batches in flight at once
    assert list(analyse_texts_parallel(TEXTS, workers=2)) == list(analyse_texts(TEXTS))


@pytest.mark.subprocess  # a pool of two spawned processes
def test_parallel_batches_keep_their_payloads_in_order() -> None:
    batches = [(k, TEXTS[k : k + 2]) for k in range(0, 8, 2)]
    found = list(analyse_batches(iter(batches), workers=2))
    assert [payload for payload, _ in found] == [0, 2, 4, 6]
    assert [len(results) for _, results in found] == [2, 2, 2, 2]
    assert found[1][1] == list(analyse_texts(TEXTS[2:4]))
