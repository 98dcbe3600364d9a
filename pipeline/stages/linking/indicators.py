"""Cross-advert indicators of one cluster, each with plain-words reason and evidence.

Evidence names adverts by id and contact points by the first 8 hex digits of their
pseudonym only — never a number, e-mail or handle.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from pipeline.stages.linking.config import IndicatorConfig, LinkingRules
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.linker import Link

Explanation = dict[str, Any]


def _explain(rule: IndicatorConfig, reason: str, evidence: dict[str, Any]) -> Explanation:
    return {"rule_id": rule.id, "weight": rule.weight, "reason": reason, "evidence": evidence}


def by_contact(members: list[AdvertFacts]) -> dict[str, list[AdvertFacts]]:
    """The members' adverts under each contact pseudonym they show."""
    found: dict[str, list[AdvertFacts]] = defaultdict(list)
    for advert in members:
        for pseudonym in advert.contacts:
            found[pseudonym].append(advert)
    return found


def shared_contact_personas(
    rule: IndicatorConfig, members: list[AdvertFacts]
) -> Explanation | None:
    """Several personas on one contact point; one person reposting with her own number is one
    persona (same name, age and nationality) and does not count."""
    best: tuple[int, str, list[AdvertFacts]] | None = None
    for pseudonym, adverts in sorted(by_contact(members).items()):
        names = {a.name_keys for a in adverts if a.name_keys}
        ages = {a.age for a in adverts if a.age is not None}
        nations = {a.nationalities for a in adverts if a.nationalities}
        personas = max(len(names), len(ages), len(nations))
        if (
            len(adverts) >= 2
            and personas >= rule.min_personas
            and (best is None or personas > best[0])
        ):
            best = (personas, pseudonym, adverts)
    if best is None:
        return None
    personas, pseudonym, adverts = best
    name_count = len({a.name_keys for a in adverts if a.name_keys})
    age_count = len({a.age for a in adverts if a.age is not None})
    differences = " and ".join(
        f"{count} different {label}"
        for count, label in ((name_count, "names"), (age_count, "ages"))
        if count > 1
    )
    return _explain(
        rule,
        f"same contact point {pseudonym[:8]} in {len(adverts)} adverts"
        + (f" with {differences}" if differences else " for several personas"),
        {
            "contact": pseudonym[:8],
            "adverts": sorted(a.advert_id for a in adverts),
            "names": name_count,
            "ages": age_count,
        },
    )


def rotation(rule: IndicatorConfig, members: list[AdvertFacts]) -> Explanation | None:
    """≥ min_cities distinct cities within within_days; a single move has two cities only."""
    timeline = sorted({(seen, city) for a in members for seen, city in a.timeline if city})
    window = timedelta(days=rule.within_days)
    best: list[tuple[datetime, str]] = []
    start = 0
    for end in range(len(timeline)):
        while timeline[end][0] - timeline[start][0] > window:
            start += 1
        part = timeline[start : end + 1]
        if len({c for _, c in part}) > len({c for _, c in best}):
            best = part
    cities = len({c for _, c in best})
    if cities < rule.min_cities:
        return None
    sequence = [c for i, (_, c) in enumerate(best) if i == 0 or best[i - 1][1] != c]
    days = (best[-1][0] - best[0][0]).days
    return _explain(
        rule,
        f"{' → '.join(sequence)} in {max(days, 1)} days",
        {
            "cities": sequence,
            "days": days,
            "from": best[0][0].date().isoformat(),
            "to": best[-1][0].date().isoformat(),
        },
    )


def _reuse(
    rule: IndicatorConfig,
    links: list[Link],
    facts: dict[int, AdvertFacts],
    kind: str,
    names_count: bool,
    what: str,
) -> Explanation | None:
    pairs = []
    for link in links:
        a, b = facts.get(link.a), facts.get(link.b)
        if link.kind != kind or a is None or b is None:
            continue
        other_contact = bool(a.contacts and b.contacts and not set(a.contacts) & set(b.contacts))
        other_name = names_count and bool(
            a.name_keys and b.name_keys and a.name_keys != b.name_keys
        )
        if other_contact or other_name:
            pairs.append(link)
    if not pairs:
        return None
    adverts = sorted({x for p in pairs for x in (p.a, p.b)})
    contacts = {c for x in adverts for c in facts[x].contacts}
    return _explain(
        rule,
        f"{what} in {len(adverts)} adverts with {len(contacts)} different "
        "contact points" + (" or names" if names_count else ""),
        {"adverts": adverts, "contact_points": len(contacts), "links": len(pairs)},
    )


def posting_cadence(rule: IndicatorConfig, members: list[AdvertFacts]) -> Explanation | None:
    starts = sorted(a.first_seen for a in members)
    best, start = 0, 0
    for end in range(len(starts)):
        while starts[end] - starts[start] >= timedelta(days=7):
            start += 1
        best = max(best, end - start + 1)
    if best < rule.per_week:
        return None
    return _explain(rule, f"{best} new adverts within one week", {"adverts_per_week": best})


def reappeared_new_details(rule: IndicatorConfig, members: list[AdvertFacts]) -> Explanation | None:
    ended = [a for a in members if a.gone_at is not None]
    for old in sorted(ended, key=lambda a: a.advert_id):
        for new in members:
            gap = new.first_seen - old.gone_at  # type: ignore[operator]
            if new is old or not timedelta(0) <= gap <= timedelta(days=rule.within_days):
                continue
            if set(new.contacts) != set(old.contacts) or new.name_keys != old.name_keys:
                return _explain(
                    rule,
                    f"a new advert {gap.days} days after another ended, with a "
                    "new contact point or name",
                    {"ended": old.advert_id, "new": new.advert_id},
                )
    return None


def cross_indicators(
    rules: LinkingRules, members: list[AdvertFacts], links: list[Link]
) -> list[Explanation]:
    """Every cross-advert indicator the rule file defines that fires for this cluster."""
    facts = {a.advert_id: a for a in members}
    found: list[Explanation | None] = []
    for rule in rules.config.indicators:
        if rule.id == "shared_contact_personas":
            found.append(shared_contact_personas(rule, members))
        elif rule.id == "rotation":
            found.append(rotation(rule, members))
        elif rule.id == "template_reuse":
            found.append(_reuse(rule, links, facts, "template", False, "same template text"))
        elif rule.id == "image_reuse":
            found.append(_reuse(rule, links, facts, "image", True, "same photos"))
        elif rule.id == "posting_cadence":
            found.append(posting_cadence(rule, members))
        elif rule.id == "reappeared_new_details":
            found.append(reappeared_new_details(rule, members))
    return [f for f in found if f is not None]
