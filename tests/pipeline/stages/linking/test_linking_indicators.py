"""Cross-advert indicators and the regional price rule, each with its false-positive guard."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nlp.rules import load_rules
from pipeline.stages.linking.config import load_linking
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.indicators import cross_indicators
from pipeline.stages.linking.linker import Link
from pipeline.stages.linking.scoring import advert_explanations, grouped_medians

RULES = load_linking()
DAY0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def _ad(
    i: int,
    contact: str = "c1",
    name: str = "k1",
    first: int = 0,
    gone: int | None = None,
    price: float | None = None,
) -> AdvertFacts:
    seen = DAY0 + timedelta(days=first)
    return AdvertFacts(
        i,
        "classic",
        seen,
        seen + timedelta(days=1),
        DAY0 + timedelta(days=gone) if gone is not None else None,
        contacts=(contact,),
        name_keys=frozenset({name}),
        price=price,
        currency="DKK" if price else None,
        region="Hovedstaden" if price else None,
    )


def _fired(members: list[AdvertFacts], links: list[Link]) -> dict[str, dict[str, Any]]:
    return {e["rule_id"]: e for e in cross_indicators(RULES, members, links)}


# (rule, members, links, fires): each rule once where it should fire and once where an
# innocent pattern looks a little like it.
CASES = [
    ("template_reuse", [_ad(1, "c1"), _ad(2, "c2")], [Link(1, 2, "template", 0.95)], True),
    # One woman reposting her own text with her own number is not a template in reuse.
    ("template_reuse", [_ad(1, "c1"), _ad(2, "c1")], [Link(1, 2, "template", 0.95)], False),
    ("image_reuse", [_ad(1, "c1", "k1"), _ad(2, "c1", "k2")], [Link(1, 2, "image", 1.0)], True),
    # Her own photos on her own reposts (same name, same number).
    ("image_reuse", [_ad(1, "c1", "k1"), _ad(2, "c1", "k1")], [Link(1, 2, "image", 1.0)], False),
    ("posting_cadence", [_ad(i, first=i) for i in range(6)], [], True),
    # Six adverts spread over three weeks are a normal pace.
    ("posting_cadence", [_ad(i, first=4 * i) for i in range(6)], [], False),
    ("reappeared_new_details", [_ad(1, "c1", first=0, gone=3), _ad(2, "c2", first=4)], [], True),
    # Her own repost right after the old one ended, same number and name.
    ("reappeared_new_details", [_ad(1, "c1", first=0, gone=3), _ad(2, "c1", first=4)], [], False),
    # A new number, but two weeks later: a new phone, not a quick swap.
    ("reappeared_new_details", [_ad(1, "c1", first=0, gone=3), _ad(2, "c2", first=17)], [], False),
]


@pytest.mark.parametrize(("rule_id", "members", "links", "fires"), CASES)
def test_linking_cross_indicator_fires_only_when_it_should(
    rule_id: str, members: list[AdvertFacts], links: list[Link], fires: bool
) -> None:
    found = _fired(members, links)
    assert (rule_id in found) is fires
    if fires:
        explanation = found[rule_id]
        assert explanation["weight"] == RULES.indicator(rule_id).weight  # type: ignore[union-attr]
        assert explanation["reason"] and explanation["evidence"]


def test_linking_reasons_never_carry_contact_values() -> None:
    members = [_ad(1, "a" * 64), _ad(2, "b" * 64)]
    found = _fired(members, [Link(1, 2, "template", 0.95)])
    assert "a" * 9 not in str(found) and "b" * 9 not in str(found)


def _medians(adverts: list[AdvertFacts]) -> dict[tuple[str, str], float]:
    prices: dict[tuple[str, str], list[float]] = defaultdict(list)
    for advert in adverts:
        assert advert.region and advert.currency and advert.price
        prices[(advert.region, advert.currency)].append(advert.price)
    return grouped_medians(prices)


def test_linking_price_far_below_the_regional_median_counts() -> None:
    ruleset = load_rules()
    market = [_ad(i, price=1500.0 + 100 * i) for i in range(8)]
    cheap, normal = _ad(20, price=500.0), _ad(21, price=1400.0)
    medians = _medians([*market, cheap, normal])
    rule_ids = {e["rule_id"] for e in advert_explanations(cheap, medians, ruleset)}
    assert "price_below_median" in rule_ids
    assert advert_explanations(normal, medians, ruleset) == []


def test_linking_price_rule_needs_a_market_to_compare_with() -> None:
    # Fewer than five prices in a region give no median, so no advert is called cheap.
    few = [_ad(1, price=1500.0), _ad(2, price=1600.0), _ad(3, price=300.0)]
    medians = _medians(few)
    assert medians == {}
    assert advert_explanations(few[2], medians, load_rules()) == []
