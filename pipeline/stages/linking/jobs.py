"""Cross-advert indicators of a cluster of job adverts (issue 16): one contact point or one
template text behind several "employers". Evidence names adverts by id and contact points
and companies by the first 8 hex digits of their keyed hashes only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.stages.linking.config import LinkingRules
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.indicators import by_contact
from pipeline.stages.linking.linker import Link

Explanation = dict[str, Any]


@dataclass(frozen=True)
class JobClusterRule:
    id: str
    weight: float
    source: str


ONE_CONTACT_MANY_EMPLOYERS = JobClusterRule(
    "one_contact_many_employers",
    0.8,
    "CMM indicators of labour trafficking; Danish practice (one recruiter behind several "
    "company names); ILO Indicators of Forced Labour (2012), deception",
)
ONE_TEMPLATE_MANY_EMPLOYERS = JobClusterRule(
    "one_template_many_employers",
    0.6,
    "Danish practice (the same advert text posted for several 'employers')",
)

CLUSTER_RULES = (ONE_CONTACT_MANY_EMPLOYERS, ONE_TEMPLATE_MANY_EMPLOYERS)


def employer(advert: AdvertFacts) -> str | None:
    """Who the advert says employs (keyed hash of the CVR number, else of the company name)."""
    record = advert.kind_record
    return record.get("cvr_key") or record.get("company_key")


def _explain(rule: JobClusterRule, reason: str, evidence: dict[str, Any]) -> Explanation:
    return {"rule_id": rule.id, "weight": rule.weight, "reason": reason, "evidence": evidence}


def one_contact_many_employers(members: list[AdvertFacts]) -> Explanation | None:
    best: tuple[int, str, list[AdvertFacts]] | None = None
    for pseudonym, adverts in sorted(by_contact(members).items()):
        employers = {employer(a) or f"none:{a.advert_id}" for a in adverts}
        named = {e for e in employers if not e.startswith("none:")}
        count = len(named) + (len(employers) > len(named))  # unnamed adverts count as one
        if len(adverts) >= 2 and count >= 2 and (best is None or count > best[0]):
            best = (count, pseudonym, adverts)
    if best is None:
        return None
    count, pseudonym, adverts = best
    return _explain(
        ONE_CONTACT_MANY_EMPLOYERS,
        f"same contact point {pseudonym[:8]} in {len(adverts)} adverts for {count} different "
        "employers (or none named)",
        {"contact": pseudonym[:8], "adverts": sorted(a.advert_id for a in adverts)},
    )


def one_template_many_employers(
    members: list[AdvertFacts], links: list[Link]
) -> Explanation | None:
    facts = {a.advert_id: a for a in members}
    pairs = [
        link
        for link in links
        if link.kind == "template"
        and link.a in facts
        and link.b in facts
        and employer(facts[link.a]) != employer(facts[link.b])
    ]
    if not pairs:
        return None
    adverts = sorted({x for p in pairs for x in (p.a, p.b)})
    employers = {employer(facts[a]) for a in adverts}
    return _explain(
        ONE_TEMPLATE_MANY_EMPLOYERS,
        f"same advert text in {len(adverts)} adverts for {len(employers)} different employers",
        {"adverts": adverts, "employers": len(employers)},
    )


def job_cross_indicators(
    rules: LinkingRules, members: list[AdvertFacts], links: list[Link]
) -> list[Explanation]:
    """The cross-advert indicators of a job cluster (the escort ones do not apply)."""
    found = [one_contact_many_employers(members), one_template_many_employers(members, links)]
    return [f for f in found if f is not None]
