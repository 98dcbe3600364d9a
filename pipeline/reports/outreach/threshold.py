"""The target threshold and cross-advert indicator weights, from a rule folder's linking file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nlp.rules import linking_rule_file
from pipeline.stages.linking.config import load_linking


@dataclass(frozen=True)
class LinkingView:
    """What outreach and rule evaluation need from the linking rules."""

    threshold: float
    path: Path
    weights: dict[str, float] = field(default_factory=dict)  # cross-advert indicator → weight


def linking_view(rules_dir: Path | None = None) -> LinkingView:
    """Read a rule folder's linking file with the linking stage's own validator (ScoutError if
    broken); a folder without one falls back to the bundled file."""
    path = linking_rule_file(rules_dir)
    rules = load_linking(path)
    weights = {rule.id: rule.weight for rule in rules.config.indicators}
    return LinkingView(rules.config.target_threshold, path, weights)
