"""Analyse batches of advert texts in worker processes, so a big `scout analyse` uses every core."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from nlp.pipeline import AdvertAnalysis, analyse_texts, build_pipeline
from pipeline.core.kinds import DEFAULT_KIND

T = TypeVar("T")
BATCH = 500  # texts a task: big enough that pickling and scheduling are a small share
_rules_dir: Path | None = None  # set in each worker by _start
_kind = DEFAULT_KIND


def _start(rules_dir: Path | None, kind: str = DEFAULT_KIND) -> None:
    """Worker initializer: build the spaCy pipeline (rules, language model) once per worker."""
    global _rules_dir, _kind
    _rules_dir, _kind = rules_dir, kind
    build_pipeline(rules_dir=rules_dir, kind=kind)


def _analyse(texts: Sequence[str | None]) -> list[AdvertAnalysis]:
    return list(analyse_texts(texts, rules_dir=_rules_dir, kind=_kind))


def analyse_batches(
    batches: Iterable[tuple[T, Sequence[str | None]]],
    workers: int = 1,
    rules_dir: Path | None = None,
    kind: str = DEFAULT_KIND,
) -> Iterator[tuple[T, list[AdvertAnalysis]]]:
    """(payload, results) for each (payload, texts) batch, in order; payloads stay here.

    With ``workers`` > 1 the batches go to a pool of spawned processes, a few at a time so the
    caller's reading and writing overlap with the analysis; with 1 they run in this process.
    The results are the same either way: each text is analysed on its own.
    """
    if workers <= 1:
        for payload, texts in batches:
            yield payload, list(analyse_texts(texts, rules_dir=rules_dir, kind=kind))
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    with ProcessPoolExecutor(workers, context, _start, (rules_dir, kind)) as pool:
        pending: deque[tuple[T, Future[list[AdvertAnalysis]]]] = deque()
        for payload, texts in batches:
            pending.append((payload, pool.submit(_analyse, list(texts))))
            if len(pending) > workers:  # one batch queued per worker beyond the running ones
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()


def analyse_texts_parallel(
    texts: Sequence[str | None], workers: int = 1, rules_dir: Path | None = None
) -> Iterator[AdvertAnalysis]:
    """``analyse_texts`` over ``texts`` in batches of ``BATCH``, on ``workers`` processes."""
    batches = ((None, texts[start : start + BATCH]) for start in range(0, len(texts), BATCH))
    for _, results in analyse_batches(batches, workers, rules_dir):
        yield from results
