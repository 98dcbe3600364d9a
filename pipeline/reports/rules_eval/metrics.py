"""Precision, recall and F1 from predictions and labels keyed by the same ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Metrics:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def confusion(predicted: Mapping[int, bool], labels: Mapping[int, bool]) -> Metrics:
    """Counts over the labelled ids only; an unlabelled prediction is not evidence."""
    tp = fp = fn = tn = 0
    for key, truth in labels.items():
        guess = predicted.get(key, False)
        tp += guess and truth
        fp += guess and not truth
        fn += truth and not guess
        tn += not guess and not truth
    return Metrics(tp, fp, fn, tn)
