"""Reading adverts for linking out of the database: facts for scores, records for the linker."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertLink,
    AdvertVersion,
    ClusterMember,
    ContactPoint,
    IndicatorHit,
    Site,
)
from pipeline.linking.facts import AdvertFacts
from pipeline.linking.linker import Link

_EVIDENCE = ("field", "start", "end", "detail")


def load_facts(session: Session) -> dict[int, AdvertFacts]:
    """Every advert with its contacts, versions (cities over time, analysis) and latest hits."""
    sites = {row[0]: row[1] for row in session.execute(select(Site.id, Site.name))}
    facts: dict[int, AdvertFacts] = {}
    for row in session.execute(
        select(
            Advert.id,
            Advert.site_id,
            Advert.first_seen,
            Advert.last_seen,
            Advert.gone_at,
            Advert.stated_age,
            Advert.price,
            Advert.currency,
            Advert.region,
        ).order_by(Advert.id)
    ):
        facts[row.id] = AdvertFacts(
            row.id,
            sites.get(row.site_id, "?"),
            row.first_seen,
            row.last_seen,
            row.gone_at,
            age=row.stated_age,
            price=float(row.price) if row.price is not None else None,
            currency=row.currency,
            region=row.region,
        )
    contacts: dict[int, list[str]] = defaultdict(list)
    for advert_id, pseudonym in session.execute(
        select(AdvertContact.advert_id, ContactPoint.pseudonym).join(
            ContactPoint, ContactPoint.id == AdvertContact.contact_point_id
        )
    ):
        contacts[advert_id].append(pseudonym)
    latest: dict[int, int] = {}
    for version in session.execute(
        select(
            AdvertVersion.id,
            AdvertVersion.advert_id,
            AdvertVersion.seen_at,
            AdvertVersion.city,
            AdvertVersion.analysis,
        ).order_by(AdvertVersion.id)
    ):
        advert = facts.get(version.advert_id)
        if advert is None:
            continue
        if version.city:
            advert.timeline.append((version.seen_at, version.city))
        if version.analysis:
            latest[advert.advert_id] = version.id
            analysis = version.analysis
            advert.name_keys = frozenset(analysis.get("name_keys", []))
            advert.nationalities = tuple(analysis.get("nationalities", []))
            advert.languages = tuple(x["lang"] for x in analysis.get("languages", []))
    for advert_id, pseudonyms in contacts.items():
        if advert_id in facts:
            facts[advert_id].contacts = tuple(sorted(pseudonyms))
    for advert in facts.values():
        if advert.timeline:  # still there at last sight, in its latest city
            advert.timeline.append((advert.last_seen, advert.timeline[-1][1]))
    _load_hits(session, facts, latest)
    return facts


def _load_hits(session: Session, facts: dict[int, AdvertFacts], latest: dict[int, int]) -> None:
    # Plain columns, not ORM objects: identity-map bookkeeping was most of a run's cost.
    version_ids = list(latest.values())
    for start in range(0, len(version_ids), 5000):
        for advert_id, rule_id, weight, category, ruleset_version, evidence in session.execute(
            select(
                IndicatorHit.advert_id,
                IndicatorHit.rule_id,
                IndicatorHit.weight,
                IndicatorHit.category,
                IndicatorHit.ruleset_version,
                IndicatorHit.evidence,
            )
            .where(IndicatorHit.version_id.in_(version_ids[start : start + 5000]))
            .order_by(IndicatorHit.id)
        ):
            facts[advert_id].hits.setdefault(
                rule_id,
                {
                    "weight": weight,
                    "category": category,
                    "ruleset_version": ruleset_version,
                    "evidence": {k: evidence[k] for k in _EVIDENCE if k in evidence},
                },
            )


def stored_links(session: Session) -> list[Link]:
    # Plain rows, not ORM objects: a run reads every stored link, and identity-map
    # bookkeeping was most of the cost.
    return [
        Link(a, b, kind, strength, evidence)
        for a, b, kind, strength, evidence in session.execute(
            select(
                AdvertLink.advert_a_id,
                AdvertLink.advert_b_id,
                AdvertLink.kind,
                AdvertLink.strength,
                AdvertLink.evidence,
            )
        )
    ]


def memberships(session: Session) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in session.execute(select(ClusterMember.advert_id, ClusterMember.cluster_id))
    }


def max_version_id(session: Session) -> int:
    return session.scalar(select(func.max(AdvertVersion.id))) or 0


def changed_since(session: Session, version_id: int) -> set[int]:
    return set(
        session.scalars(select(AdvertVersion.advert_id).where(AdvertVersion.id > version_id))
    )
