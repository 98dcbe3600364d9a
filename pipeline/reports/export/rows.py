"""Generalised export rows read from the database: no ids, no text, per-recipient pseudonyms."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Advert, AdvertVersion, Cluster, ClusterMember, IndicatorHit
from nlp.jobs.fields import Wage, hourly_dkk
from pipeline.core.batches import in_batches
from pipeline.core.keys import Keyring
from pipeline.core.kinds import DEFAULT_KIND
from pipeline.core.kinds import JOB as JOB_KIND
from pipeline.reports.export.generalise import age_band, iso_week, nationality_group, wage_band
from pipeline.reports.export.schema import CATEGORIES, JOB_CATEGORIES, indicator_column

Row = dict[str, Any]
JOB = JOB_KIND.name


class Pseudonymiser:
    """Per-recipient pseudonyms: stable within a recipient, unlinkable across recipients."""

    def __init__(self, keyring: Keyring, recipient: str) -> None:
        self._keyring, self._recipient = keyring, recipient.strip().casefold()

    def __call__(self, kind: str, internal_id: int | None) -> str:
        if internal_id is None:
            return ""
        return self._keyring.recipient_pseudonym(self._recipient, f"{kind}:{internal_id}")


def _analyses(session: Session) -> dict[int, dict[str, Any]]:
    """The newest analysed version's analysis of each advert."""
    newest = (
        select(func.max(AdvertVersion.id))
        .where(AdvertVersion.analysis.is_not(None))
        .group_by(AdvertVersion.advert_id)
    )
    rows = session.execute(
        select(AdvertVersion.advert_id, AdvertVersion.analysis).where(AdvertVersion.id.in_(newest))
    )
    return {aid: analysis or {} for aid, analysis in rows}


def _nationalities(session: Session) -> dict[int, list[str]]:
    """What the newest analysed version of each advert says about nationality."""
    return {aid: list(a.get("nationalities", [])) for aid, a in _analyses(session).items()}


def _categories(session: Session) -> dict[int, set[str]]:
    categories: dict[int, set[str]] = defaultdict(set)
    for advert_id, category in session.execute(
        select(IndicatorHit.advert_id, IndicatorHit.category).distinct()
    ):
        categories[advert_id].add(category)
    return categories


def _adverts(kind: str, *columns: Any) -> Any:
    """Exportable adverts of one kind (never suppressed/opted-out ones) with their cluster:
    (id, first seen, region, *columns, cluster id), in id order."""
    return (
        select(Advert.id, Advert.first_seen, Advert.region, *columns, ClusterMember.cluster_id)
        .outerjoin(ClusterMember, ClusterMember.advert_id == Advert.id)
        .where(Advert.suppressed.is_(False), Advert.kind == kind)
        .order_by(Advert.id)
    )


def advert_rows(session: Session, tz: ZoneInfo, pseudonym: Pseudonymiser) -> list[Row]:
    """One generalised row per advert (suppressed/opted-out adverts are never exported)."""
    categories = _categories(session)
    nationalities = _nationalities(session)
    rows = []
    query = _adverts(DEFAULT_KIND, Advert.stated_age)  # escort adverts; job: job_advert_rows
    for advert_id, first_seen, region, age, cluster_id in session.execute(query):
        row: Row = {
            "advert": pseudonym("advert", advert_id),
            "cluster": pseudonym("cluster", cluster_id),
            "week_first_seen": iso_week(first_seen, tz),
            "region": region or "unknown",
            "age_band": age_band(age),
            "nationality_group": nationality_group(nationalities.get(advert_id, [])),
            "_id": advert_id,
            "_cluster_id": cluster_id,
        }
        row.update({indicator_column(c): c in categories[advert_id] for c in CATEGORIES})
        rows.append(row)
    return rows


def _job_region(record: dict[str, Any], advert_region: str | None) -> str:
    regions = set(record.get("regions") or [])
    if len(regions) > 1:
        return "several"
    return regions.pop() if regions else advert_region or "unknown"


def _job_wage(record: dict[str, Any]) -> tuple[str, str]:
    """The first stated wage's unit and its band of DKK an hour: never the wage itself."""
    wages = record.get("wages") or []
    if not wages:
        return "none", "none"
    first = wages[0]
    wage = Wage(float(first["amount"]), first["currency"], first["unit"], first["net"], 0, 0, "")
    hourly = hourly_dkk(wage, record.get("hours_per_day"))
    return first["unit"] or "not said", wage_band(hourly)


def job_advert_rows(session: Session, tz: ZoneInfo, pseudonym: Pseudonymiser) -> list[Row]:
    """One generalised row per job advert: industry, region, language, wage unit and band,
    the job rules' indicator categories; no company name, CVR number, place or wage."""
    categories = _categories(session)
    analyses = _analyses(session)
    rows = []
    query = _adverts(JOB, Advert.language)
    for advert_id, first_seen, region, language, cluster_id in session.execute(query):
        record = analyses.get(advert_id, {}).get(JOB) or {}
        unit, band = _job_wage(record)
        row: Row = {
            "advert": pseudonym("advert", advert_id),
            "cluster": pseudonym("cluster", cluster_id),
            "week_first_seen": iso_week(first_seen, tz),
            "region": _job_region(record, region),
            "industry": record.get("industry") or "unknown",
            "language": language or "unknown",
            "wage_unit": unit,
            "wage_band": band,
            "_id": advert_id,
            "_cluster_id": cluster_id,
        }
        row.update({indicator_column(c): c in categories[advert_id] for c in JOB_CATEGORIES})
        rows.append(row)
    return rows


ADVERT_ROWS = {DEFAULT_KIND: advert_rows, JOB: job_advert_rows}


def _size_band(size: int) -> str:
    return "1" if size == 1 else "2-4" if size < 5 else "5-9" if size < 10 else "10+"


def cluster_rows(
    session: Session, tz: ZoneInfo, pseudonym: Pseudonymiser, adverts: list[Row]
) -> list[Row]:
    """Clusters of exported adverts, described only by what those adverts show."""
    members: dict[int, list[Row]] = defaultdict(list)
    for row in adverts:
        if row["_cluster_id"] is not None:
            members[row["_cluster_id"]].append(row)
    rows = []
    ordered = in_batches(select(Cluster).order_by(Cluster.id), Cluster.id, sorted(members))
    for cluster in [cluster for part in ordered for cluster in session.scalars(part)]:
        own = members[cluster.id]
        rows.append(
            {
                "cluster": pseudonym("cluster", cluster.id),
                "week_first_seen": iso_week(cluster.first_seen, tz),
                "week_last_seen": iso_week(cluster.last_seen, tz),
                "size_band": _size_band(len(own)),
                "regions": len({r["region"] for r in own}),
                "active": cluster.active,
                "_id": cluster.id,
            }
        )
    return rows


def hit_rows(session: Session, pseudonym: Pseudonymiser, adverts: list[Row]) -> list[Row]:
    ids = [row["_id"] for row in adverts]
    query = select(
        IndicatorHit.advert_id,
        IndicatorHit.rule_id,
        IndicatorHit.category,
        IndicatorHit.weight,
        IndicatorHit.ruleset_version,
    ).distinct()
    return sorted(
        (
            {
                "advert": pseudonym("advert", aid),
                "rule_id": rule,
                "category": category,
                "weight": weight,
                "ruleset_version": version,
            }
            for part in in_batches(query, IndicatorHit.advert_id, ids)
            for aid, rule, category, weight, version in session.execute(part)
        ),
        key=lambda r: (r["advert"], r["rule_id"], r["ruleset_version"]),
    )
