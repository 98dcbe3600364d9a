"""Reading adverts for linking out of the database: facts for scores, records for the linker."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Float, cast, func, select
from sqlalchemy.engine import Connection
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
_PART = 5000  # ids per IN list


def _core(session: Session) -> Connection:
    """Bulk reads go through Core, not the ORM: ORM row loading was most of their cost."""
    return session.connection()


def _parts(advert_ids: list[int] | None) -> list[list[int] | None]:
    """The ids in IN-list sized parts; [None] (no filter) for every advert."""
    if advert_ids is None:
        return [None]
    return [advert_ids[i : i + _PART] for i in range(0, len(advert_ids), _PART)]


def load_facts(
    session: Session, contacts: dict[int, tuple[str, ...]], advert_ids: list[int] | None = None
) -> dict[int, AdvertFacts]:
    """Adverts (every one, or `advert_ids`) with contacts, versions (cities over time,
    analysis) and latest hits."""
    sites = {row[0]: row[1] for row in _core(session).execute(select(Site.id, Site.name))}
    facts: dict[int, AdvertFacts] = {}
    columns = select(
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
    rows = [
        row
        for part in _parts(advert_ids)
        for row in _core(session).execute(
            columns if part is None else columns.where(Advert.id.in_(part))
        )
    ]
    for row in rows:
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
            contacts=contacts.get(row.id, ()),
        )
    latest: dict[int, int] = {}
    versions = select(
        AdvertVersion.id,
        AdvertVersion.advert_id,
        AdvertVersion.seen_at,
        AdvertVersion.city,
        AdvertVersion.analysis,
    ).order_by(AdvertVersion.id)
    for version in [
        row
        for part in _parts(advert_ids)
        for row in _core(session).execute(
            versions if part is None else versions.where(AdvertVersion.advert_id.in_(part))
        )
    ]:
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
    for advert in facts.values():
        if advert.timeline:  # still there at last sight, in its latest city
            advert.timeline.append((advert.last_seen, advert.timeline[-1][1]))
    _load_hits(session, facts, latest)
    return facts


def _load_hits(session: Session, facts: dict[int, AdvertFacts], latest: dict[int, int]) -> None:
    # Plain columns, not ORM objects: identity-map bookkeeping was most of a run's cost.
    version_ids = list(latest.values())
    connection = _core(session)
    for start in range(0, len(version_ids), _PART):
        for advert_id, rule_id, weight, category, ruleset_version, evidence in connection.execute(
            select(
                IndicatorHit.advert_id,
                IndicatorHit.rule_id,
                IndicatorHit.weight,
                IndicatorHit.category,
                IndicatorHit.ruleset_version,
                IndicatorHit.evidence,
            )
            .where(IndicatorHit.version_id.in_(version_ids[start : start + _PART]))
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


def contacts(session: Session) -> dict[int, tuple[str, ...]]:
    """Every advert's contact pseudonyms, sorted (the linker indexes all of them)."""
    found: dict[int, list[str]] = defaultdict(list)
    for advert_id, pseudonym in _core(session).execute(
        select(AdvertContact.advert_id, ContactPoint.pseudonym).join(
            ContactPoint, ContactPoint.id == AdvertContact.contact_point_id
        )
    ):
        found[advert_id].append(pseudonym)
    return {advert_id: tuple(sorted(values)) for advert_id, values in found.items()}


def advert_ids(session: Session) -> list[int]:
    return list(_core(session).scalars(select(Advert.id).order_by(Advert.id)))


def prices(session: Session) -> list[tuple[str | None, str | None, float | None]]:
    """(region, currency, price) of every advert, for the regional medians."""
    return [
        (region, currency, float(price) if price is not None else None)
        for region, currency, price in _core(session).execute(
            select(Advert.region, Advert.currency, cast(Advert.price, Float))
        )
    ]


def stored_links(session: Session) -> list[Link]:
    """Every stored link without its evidence (scores read kinds and ends only, and decoding
    every evidence JSON was most of an incremental run's cost)."""
    return [
        Link(*row)
        for row in _core(session).execute(
            select(
                AdvertLink.advert_a_id,
                AdvertLink.advert_b_id,
                AdvertLink.kind,
                AdvertLink.strength,
            )
        )
    ]


def memberships(session: Session) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in _core(session).execute(select(ClusterMember.advert_id, ClusterMember.cluster_id))
    }


def max_version_id(session: Session) -> int:
    return session.scalar(select(func.max(AdvertVersion.id))) or 0


def changed_since(session: Session, version_id: int) -> set[int]:
    return set(
        _core(session).scalars(select(AdvertVersion.advert_id).where(AdvertVersion.id > version_id))
    )
