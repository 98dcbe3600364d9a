"""Scores under a given rule folder, computed in memory: production scores are never touched.

As `scout link` scores: per-advert hits come from re-running the NLP stage on each advert's
latest version; a cluster's score is the sum of the distinct rules its adverts hit, plus the
cross-advert parts of its stored explanation (linking indicators and the regional price
rule), re-weighted by the rule folder under test. Clusters are taken as stored; without any,
every advert is a target of its own ("A<id>").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AdvertVersion, Cluster, ClusterMember
from nlp import pipeline as nlp_pipeline
from nlp.pipeline import analyse_texts, build_pipeline
from nlp.rules import load_rules
from pipeline.reports.outreach import facts
from pipeline.reports.outreach.threshold import linking_view
from pipeline.stages.analysis import combined_text


@dataclass(frozen=True)
class Versions:
    """The stored advert texts, read once so several rule sets can be run over them."""

    advert_ids: list[int]
    texts: list[str]


@dataclass
class RuleSetScores:
    ruleset_version: str
    threshold: float
    advert_rules: dict[int, dict[str, float]]  # advert → rule id → weight
    targets: dict[str, float] = field(default_factory=dict)  # target id → score
    contributions: dict[str, dict[str, float]] = field(default_factory=dict)
    members: dict[str, list[int]] = field(default_factory=dict)

    def listed(self) -> set[str]:
        return {target for target, score in self.targets.items() if score >= self.threshold}


def read_versions(session: Session) -> Versions:
    rows = session.execute(
        select(AdvertVersion.advert_id, AdvertVersion.title, AdvertVersion.text).order_by(
            AdvertVersion.id
        )
    )
    ids, texts = [], []
    for advert_id, title, text in rows:
        ids.append(advert_id)
        texts.append(combined_text(title, text))
    return Versions(ids, texts)


def _fresh_pipeline(rules_dir: Path | None, version: str) -> None:
    """nlp caches one pipeline per rule folder; a folder edited since must be read again."""
    if nlp_pipeline.ruleset_version(build_pipeline("da", rules_dir)) != version:
        nlp_pipeline._build.cache_clear()


def advert_rules(versions: Versions, rules_dir: Path | None) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = defaultdict(dict)
    for advert_id, result in zip(
        versions.advert_ids, analyse_texts(versions.texts, rules_dir=rules_dir), strict=True
    ):
        for hit in result.hits:
            found[advert_id][hit.rule_id] = hit.weight
    return found


def _groups(session: Session, advert_ids: set[int]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    rows = session.execute(
        select(ClusterMember.cluster_id, ClusterMember.advert_id)
        .join(Cluster, Cluster.id == ClusterMember.cluster_id)
        .where(Cluster.merged_into_id.is_(None))
    )
    clustered = set()
    for cluster_id, advert_id in rows:
        groups[f"C{cluster_id}"].append(advert_id)
        clustered.add(advert_id)
    for advert_id in sorted(advert_ids - clustered):
        groups[f"A{advert_id}"].append(advert_id)
    return groups


def score_rules(session: Session, versions: Versions, rules_dir: Path | None) -> RuleSetScores:
    """Every target's score under the rules in `rules_dir` (None: the bundled rules)."""
    ruleset = load_rules(rules_dir)
    linking = linking_view(rules_dir)
    _fresh_pipeline(rules_dir, ruleset.version)
    per_advert = advert_rules(versions, rules_dir)
    # parts a per-advert analysis cannot produce: carried from the stored score, re-weighted
    carried = {r.id: r.weight for r in ruleset.by_kind("price_below_median")} | linking.weights
    groups = _groups(session, set(versions.advert_ids))
    stored = facts.latest_scores(session, [int(t[1:]) for t in groups if t.startswith("C")])
    result = RuleSetScores(ruleset.version, linking.threshold, per_advert)
    for target, members in groups.items():
        parts: dict[str, float] = {}
        for advert_id in members:
            parts.update(per_advert.get(advert_id, {}))
        score = stored.get(int(target[1:])) if target.startswith("C") else None
        for item in score.explanation if score is not None else []:
            rule_id = str(item.get("rule_id"))
            if rule_id in carried and rule_id not in parts:
                parts[rule_id] = carried[rule_id]
        result.targets[target] = round(sum(parts.values()), 6)
        result.contributions[target] = parts
        result.members[target] = members
    return result
