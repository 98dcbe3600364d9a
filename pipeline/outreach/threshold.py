"""The target threshold and cross-advert indicator weights, from a rule folder's linking file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nlp.rules import RULES_DIR

DEFAULT_THRESHOLD = 1.5


@dataclass(frozen=True)
class LinkingView:
    """What outreach and rule evaluation need from the linking rules."""

    threshold: float = DEFAULT_THRESHOLD
    weights: dict[str, float] = field(default_factory=dict)  # cross-advert indicator → weight
    path: Path | None = None


def linking_rule_files(rules_dir: Path | None = None) -> list[Path]:
    """The linking rule files of a rule folder (its `linking/` subfolder), sorted."""
    folder = (rules_dir or RULES_DIR) / "linking"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def linking_view(rules_dir: Path | None = None) -> LinkingView:
    """Read `<rules>/linking/*.yaml` with the linking stage's own validator (ScoutError if bad);
    a folder without one falls back to the bundled file."""
    from pipeline.linking.config import load_linking

    files = linking_rule_files(rules_dir) or linking_rule_files(None)
    if not files:
        return LinkingView()
    rules = load_linking(files[0])
    weights = {rule.id: rule.weight for rule in rules.config.indicators}
    return LinkingView(rules.config.target_threshold, weights, files[0])


def target_threshold(rules_dir: Path | None = None) -> float:
    """The score at or above which an active cluster is a contact target."""
    return linking_view(rules_dir).threshold
