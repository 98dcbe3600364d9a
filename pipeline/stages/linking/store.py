"""Reading adverts for linking out of the database: facts for scores, records for the linker."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    AdvertLink,
    AdvertVersion,
    Cluster,
    ClusterMember,
    ContactPoint,
    ImageHash,
    IndicatorHit,
    Site,
)
from pipeline.core.batches import chunked, in_batches
from pipeline.core.kinds import DEFAULT_KIND, KINDS
from pipeline.stages.linking.facts import AdvertFacts
from pipeline.stages.linking.gaps import Gap, within
from pipeline.stages.linking.linker import Link

_EVIDENCE = ("field", "start", "end", "detail")


def _core(session: Session) -> Connection:
    """Bulk reads go through Core, not the ORM: ORM row loading was most of their cost."""
    return session.connection()


def fetch_all(session: Session, statement: Select) -> Sequence[tuple]:
    """All rows of a parameterless select as plain tuples from the driver's cursor: for the
    few whole-table reads of an incremental run (signatures, image hashes), where building
    SQLAlchemy rows cost more than the query."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    if compiled.params:
        raise ValueError("fetch_all takes a select without parameters")
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()


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
        Advert.kind,
    ).order_by(Advert.id)
    rows = [
        row
        for query in in_batches(columns, Advert.id, advert_ids)
        for row in _core(session).execute(query)
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
            kind=row.kind,
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
        for query in in_batches(versions, AdvertVersion.advert_id, advert_ids)
        for row in _core(session).execute(query)
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
            advert.kind_record = analysis.get(advert.kind) or {}
    for advert in facts.values():
        if advert.timeline:  # still there at last sight, in its latest city
            advert.timeline.append((advert.last_seen, advert.timeline[-1][1]))
    _load_hits(session, facts, latest)
    return facts


def _load_hits(session: Session, facts: dict[int, AdvertFacts], latest: dict[int, int]) -> None:
    # Plain columns, not ORM objects: identity-map bookkeeping was most of a run's cost.
    query = select(
        IndicatorHit.advert_id,
        IndicatorHit.rule_id,
        IndicatorHit.weight,
        IndicatorHit.category,
        IndicatorHit.ruleset_version,
        IndicatorHit.evidence,
    ).order_by(IndicatorHit.id)
    connection = _core(session)
    for part in in_batches(query, IndicatorHit.version_id, list(latest.values())):
        for advert_id, rule_id, weight, category, ruleset_version, evidence in connection.execute(
            part
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


def contacts(session: Session, advert_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Adverts' contact pseudonyms, sorted (every advert's, or those of `advert_ids`)."""
    query = select(AdvertContact.advert_id, ContactPoint.pseudonym).join(
        ContactPoint, ContactPoint.id == AdvertContact.contact_point_id
    )
    found: dict[int, list[str]] = defaultdict(list)
    for part in in_batches(query, AdvertContact.advert_id, advert_ids):
        for advert_id, pseudonym in _core(session).execute(part):
            found[advert_id].append(pseudonym)
    return {advert_id: tuple(sorted(values)) for advert_id, values in found.items()}


def contact_mates(session: Session, advert_ids: list[int]) -> set[int]:
    """Adverts sharing a contact point with one of `advert_ids` (themselves included)."""
    found: set[int] = set()
    for part in chunked(advert_ids):
        shared = select(AdvertContact.contact_point_id).where(AdvertContact.advert_id.in_(part))
        found.update(
            _core(session).scalars(
                select(AdvertContact.advert_id).where(AdvertContact.contact_point_id.in_(shared))
            )
        )
    return found


def cluster_closure(session: Session, advert_ids: list[int]) -> dict[int, int]:
    """Every member (advert id -> cluster id) of the clusters holding one of `advert_ids`."""
    found: dict[int, int] = {}
    for part in chunked(advert_ids):
        holding = select(ClusterMember.cluster_id).where(ClusterMember.advert_id.in_(part))
        found.update(
            (advert_id, cluster_id)
            for advert_id, cluster_id in _core(session).execute(
                select(ClusterMember.advert_id, ClusterMember.cluster_id).where(
                    ClusterMember.cluster_id.in_(holding)
                )
            )
        )
    return found


class Tally(NamedTuple):
    """Counts that tell an incremental run whether whole-table checks are needed."""

    adverts: int
    members: int  # cluster memberships stored
    sized: int  # sum of stored cluster sizes: more than `members` after a purge


def tally(session: Session) -> Tally:
    connection = _core(session)
    return Tally(
        connection.scalar(select(func.count()).select_from(Advert)) or 0,
        connection.scalar(select(func.count()).select_from(ClusterMember)) or 0,
        connection.scalar(select(func.coalesce(func.sum(Cluster.size), 0))) or 0,
    )


def clustered(session: Session, advert_ids: list[int]) -> set[int]:
    """Those of `advert_ids` that are in a cluster."""
    query = select(ClusterMember.advert_id)
    return {
        advert_id
        for part in in_batches(query, ClusterMember.advert_id, advert_ids)
        for advert_id in _core(session).scalars(part)
    }


def unclustered(session: Session) -> set[int]:
    """Adverts in no cluster (new since the last run, or left out by a failed one)."""
    member = select(ClusterMember.advert_id).where(ClusterMember.advert_id == Advert.id)
    return set(_core(session).scalars(select(Advert.id).where(~member.exists())))


def shrunk_members(session: Session) -> set[int]:
    """The remaining members of clusters that lost members without a run (a retention purge
    deletes adverts, their links and memberships): their links may no longer span them."""
    counts = (
        select(ClusterMember.cluster_id, func.count().label("n"))
        .group_by(ClusterMember.cluster_id)
        .subquery()
    )
    shrunk = (
        select(Cluster.id)
        .join(counts, counts.c.cluster_id == Cluster.id)
        .where(counts.c.n != Cluster.size)
    )
    return set(
        _core(session).scalars(
            select(ClusterMember.advert_id).where(ClusterMember.cluster_id.in_(shrunk))
        )
    )


def count_adverts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Advert)) or 0


def advert_ids(session: Session) -> list[int]:
    return list(_core(session).scalars(select(Advert.id).order_by(Advert.id)))


def other_kinds(session: Session) -> dict[int, str]:
    """The kind of every advert that is not an escort advert (most are; read from the kind
    index, so an escort-only database answers at once)."""
    others = sorted(set(KINDS) - {DEFAULT_KIND})
    query = select(Advert.id, Advert.kind).where(Advert.kind.in_(others))
    return {row[0]: row[1] for row in _core(session).execute(query)}


MIN_PRICES = 5  # a region's median needs at least this many prices


def regional_medians(session: Session) -> dict[tuple[str, str], float]:
    """The median non-zero price per (region, currency) with ≥ MIN_PRICES prices, found in
    the database: one count per group, then the middle one or two prices read at an offset
    along `ix_adverts_region_price`, so no row per advert reaches Python."""
    priced = (Advert.price != 0, Advert.region != "", Advert.currency != "")  # NULLs fail
    connection = _core(session)
    groups = connection.execute(
        select(Advert.region, Advert.currency, func.count())
        .where(*priced)
        .group_by(Advert.region, Advert.currency)
    ).all()
    medians = {}
    for region, currency, count in groups:
        if count < MIN_PRICES:
            continue
        middle = (
            select(Advert.price)
            .where(*priced, Advert.region == region, Advert.currency == currency)
            .order_by(Advert.price)
            .offset((count - 1) // 2)
            .limit(2 - count % 2)
        )
        values = [float(x) for x in connection.scalars(middle) if x is not None]
        medians[(str(region), str(currency))] = (values[0] + values[-1]) / 2
    return medians


def stored_links(session: Session, advert_ids: list[int] | None = None) -> list[Link]:
    """Stored links (every one, or those from `advert_ids`: pass whole clusters, which hold
    both ends of their links), without evidence (scores read kinds and ends only, and
    decoding every evidence JSON was most of an incremental run's cost)."""
    query = select(
        AdvertLink.advert_a_id, AdvertLink.advert_b_id, AdvertLink.kind, AdvertLink.strength
    )
    return [
        Link(*row)
        for part in in_batches(query, AdvertLink.advert_a_id, advert_ids)
        for row in _core(session).execute(part)
    ]


def linked_to(session: Session, advert_ids: list[int]) -> set[int]:
    """Adverts at the other end of a stored link of one of `advert_ids`."""
    found: set[int] = set()
    for part in chunked(advert_ids):
        for a, b in _core(session).execute(
            select(AdvertLink.advert_a_id, AdvertLink.advert_b_id).where(
                or_(AdvertLink.advert_a_id.in_(part), AdvertLink.advert_b_id.in_(part))
            )
        ):
            found.update((a, b))
    return found


def memberships(session: Session) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in _core(session).execute(select(ClusterMember.advert_id, ClusterMember.cluster_id))
    }


def images_since(session: Session, image_id: int, gaps: Sequence[Gap] = ()) -> set[int]:
    """Adverts with an image hash stored after `image_id` or in one of its `gaps` (images come
    without a version)."""
    return _owners_since(session, ImageHash.advert_id, ImageHash.id, image_id, gaps)


def changed_since(session: Session, version_id: int, gaps: Sequence[Gap] = ()) -> set[int]:
    """Adverts with a version stored after `version_id` or in one of its `gaps`."""
    return _owners_since(session, AdvertVersion.advert_id, AdvertVersion.id, version_id, gaps)


def _owners_since(
    session: Session, owner: Any, column: Any, mark: int, gaps: Sequence[Gap]
) -> set[int]:
    found = set(_core(session).scalars(select(owner).where(column > mark)))
    for clause in within(column, gaps):
        found.update(_core(session).scalars(select(owner).where(clause)))
    return found
