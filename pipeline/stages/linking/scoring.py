"""Scores with explanations: per-advert rule hits plus cross-advert indicators.

A rule counts once per subject (as nlp's scorer does): a cluster gets a per-advert rule's
weight when any member shows it, so size alone does not add up weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from statistics import median
from typing import Any

from nlp.indicators import price_below_median
from nlp.rules import RuleSet
from pipeline.stages.linking.facts import AdvertFacts

Explanation = dict[str, Any]
_PLAIN = {"youth": "youthful wording", "voice": "written about her, not by her"}


def grouped_medians(
    prices: Mapping[tuple[str, str], Sequence[float]],
) -> dict[tuple[str, str], float]:
    """Median price per (region, currency) with ≥ 5 prices."""
    return {key: median(values) for key, values in prices.items() if len(values) >= 5}


def price_explanation(
    advert: AdvertFacts, medians: dict[tuple[str, str], float], ruleset: RuleSet
) -> Explanation | None:
    if not (advert.price and advert.region and advert.currency):
        return None
    local = medians.get((advert.region, advert.currency))
    for rule in ruleset.by_kind("price_below_median"):
        if local and rule.ratio is not None and price_below_median(advert.price, local, rule.ratio):
            return {
                "rule_id": rule.id,
                "weight": rule.weight,
                "ruleset_version": ruleset.version,
                "reason": f"price {advert.price:.0f} {advert.currency} is far below the "
                f"{advert.region} median of {local:.0f}",
                "evidence": {
                    "advert": advert.advert_id,
                    "price": advert.price,
                    "median": local,
                    "region": advert.region,
                },
            }
    return None


def advert_explanations(
    advert: AdvertFacts, medians: dict[tuple[str, str], float], ruleset: RuleSet
) -> list[Explanation]:
    """The advert's own rule hits (latest version) and its price against the local market."""
    found = [
        {
            "rule_id": rule_id,
            "weight": hit["weight"],
            "ruleset_version": hit["ruleset_version"],
            "reason": f"{_PLAIN.get(hit['category'], hit['category'])}: rule {rule_id}",
            "evidence": {"advert": advert.advert_id, **hit["evidence"]},
        }
        for rule_id, hit in sorted(advert.hits.items())
    ]
    price = price_explanation(advert, medians, ruleset)
    return found + ([price] if price else [])


def merge_member_explanations(per_advert: list[list[Explanation]]) -> list[Explanation]:
    """One entry per rule for a cluster, naming how many members show it."""
    by_rule: dict[str, list[Explanation]] = defaultdict(list)
    for explanations in per_advert:
        for item in explanations:
            by_rule[item["rule_id"]].append(item)
    merged = []
    for _, items in sorted(by_rule.items()):
        first = items[0]
        adverts = sorted({i["evidence"].get("advert") for i in items} - {None})
        merged.append(
            {
                **first,
                "reason": f"{first['reason']} (in {len(adverts)} adverts)",
                "evidence": {**first["evidence"], "adverts": adverts},
            }
        )
    return merged


def total(explanations: list[Explanation]) -> float:
    return round(sum(float(e["weight"]) for e in explanations), 3)
