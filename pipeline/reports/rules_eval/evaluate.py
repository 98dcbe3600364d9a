"""`scout rules eval` and `scout rules diff`: measure rule sets, and compare two of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pipeline.reports.rules_eval.metrics import Metrics, confusion
from pipeline.reports.rules_eval.outcomes import Labels
from pipeline.reports.rules_eval.scoring import RuleSetScores, Versions, read_versions, score_rules


@dataclass
class Evaluation:
    ruleset_version: str
    threshold: float
    labelled: int
    positives: int
    indicators: dict[str, Metrics]
    targets: Metrics
    unit: str = "adverts"  # what is labelled: adverts, or venues (`--visits`)
    listing: str = "target list"  # what `targets` measures: the list the rules make

    def as_dict(self) -> dict[str, Any]:
        return {
            "ruleset_version": self.ruleset_version,
            "threshold": self.threshold,
            f"labelled_{self.unit}": self.labelled,
            f"positive_{self.unit}": self.positives,
            self.listing.replace(" ", "_"): self.targets.as_dict(),
            "indicators": {rule: m.as_dict() for rule, m in sorted(self.indicators.items())},
        }


def evaluate(session: Session, labels: Labels, rules_dir: Path | None = None) -> Evaluation:
    """Per indicator and for the target list, per labelled advert, under `rules_dir`."""
    scores = score_rules(session, read_versions(session), rules_dir)
    rule_ids = sorted({rule for hits in scores.advert_rules.values() for rule in hits})
    indicators = {
        rule: confusion({a: rule in hits for a, hits in scores.advert_rules.items()}, labels)
        for rule in rule_ids
    }
    listed = scores.listed()
    on_list = {advert: True for target in listed for advert in scores.members[target]}
    return Evaluation(
        scores.ruleset_version,
        scores.threshold,
        len(labels),
        sum(labels.values()),
        indicators,
        confusion(on_list, labels),
    )


@dataclass
class TargetChange:
    target: str
    old_score: float
    new_score: float
    why: list[str]


@dataclass
class RuleDiff:
    old_version: str
    new_version: str
    entering: list[TargetChange] = field(default_factory=list)
    leaving: list[TargetChange] = field(default_factory=list)
    indicator_counts: dict[str, tuple[int, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "entering": [c.__dict__ for c in self.entering],
            "leaving": [c.__dict__ for c in self.leaving],
            "indicator_counts": {
                rule: {"old": old, "new": new}
                for rule, (old, new) in sorted(self.indicator_counts.items())
            },
        }


def _why(old: RuleSetScores, new: RuleSetScores, target: str) -> list[str]:
    before, after = old.contributions.get(target, {}), new.contributions.get(target, {})
    reasons = []
    for rule in sorted(set(before) | set(after)):
        was, now = before.get(rule), after.get(rule)
        if was == now:
            continue
        if was is None:
            reasons.append(f"{rule} now fires (+{now:g})")
        elif now is None:
            reasons.append(f"{rule} no longer fires (-{was:g})")
        else:
            reasons.append(f"{rule} weight {was:g} → {now:g}")
    if old.threshold != new.threshold:
        reasons.append(f"threshold {old.threshold:g} → {new.threshold:g}")
    return reasons


def _counts(scores: RuleSetScores) -> Counter[str]:
    return Counter(rule for hits in scores.advert_rules.values() for rule in hits)


def diff_rules(session: Session, old_dir: Path, new_dir: Path) -> RuleDiff:
    """Which targets enter or leave the list between two rule folders, and why."""
    versions: Versions = read_versions(session)
    old, new = score_rules(session, versions, old_dir), score_rules(session, versions, new_dir)
    result = RuleDiff(old.ruleset_version, new.ruleset_version)
    before, after = old.listed(), new.listed()
    for target in sorted(after - before):
        result.entering.append(
            TargetChange(
                target, old.targets.get(target, 0.0), new.targets[target], _why(old, new, target)
            )
        )
    for target in sorted(before - after):
        result.leaving.append(
            TargetChange(
                target, old.targets[target], new.targets.get(target, 0.0), _why(old, new, target)
            )
        )
    old_counts, new_counts = _counts(old), _counts(new)
    for rule in set(old_counts) | set(new_counts):
        if old_counts[rule] != new_counts[rule]:
            result.indicator_counts[rule] = (old_counts[rule], new_counts[rule])
    return result
