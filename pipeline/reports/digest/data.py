"""What the weekly digest says, read from the database: counts per week, never contact data."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any, cast

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertVersion,
    Cluster,
    ClusterEvent,
    ClusterMember,
    ContactLogEntry,
    CrawlRun,
    IndicatorHit,
    Site,
    shown_city,
)
from pipeline.core.batches import in_batches
from pipeline.core.kinds import DEFAULT_KIND
from pipeline.core.kinds import JOB as JOB_KIND
from pipeline.reports.clinics.visits import clinic_figures_by_region
from pipeline.reports.digest.health import SiteHealth, crawl_health
from pipeline.reports.digest.targets import TargetSummary, target_summary
from pipeline.reports.digest.weeks import Week
from pipeline.reports.privacy import Value, count, protect, share

EVENT_KINDS = (
    "created",
    "grew",
    "merged",
    "split",
    "moved",
    "new_contact",
    "vanished",
    "reappeared",
)
# A reappearance counts as "with new details" when the cluster also changed contact or city.
_NEW_DETAIL_KINDS = {"new_contact", "moved"}


@dataclass(frozen=True)
class ClusterChange:
    label: str
    kinds: tuple[str, ...]
    size: int
    score: float


@dataclass
class DigestData:
    week: Week
    previous: Week
    events: dict[str, tuple[int, int]] = field(default_factory=dict)
    reappeared_new_details: int = 0
    changed_clusters: list[ClusterChange] = field(default_factory=list)
    adverts_by_site_region: list[tuple[str, str, int, int]] = field(default_factory=list)
    adverts_totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    targets: TargetSummary | None = None
    indicators: list[tuple[str, str, int, int]] = field(default_factory=list)
    languages: list[tuple[str, int, int]] = field(default_factory=list)
    flows: list[tuple[str, str, int]] = field(default_factory=list)
    timelines: list[tuple[str, list[tuple[datetime, str]]]] = field(default_factory=list)
    health: list[SiteHealth] = field(default_factory=list)
    # Job adverts live in the week (issue 16): per axis (industry, region, language,
    # indicator) rows of (value, this week, previous week); empty without job adverts.
    jobs: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    # Clinics (issue 15): per region [region, venues active, new, vanished, roster turnover,
    # visits], then the row of all regions; counts under CLINIC_MIN_COUNT hidden. Empty
    # without venues in the week.
    clinics: list[list[Value]] = field(default_factory=list)


# The effects report's floor for a shown count: the clinics section hides smaller ones.
CLINIC_MIN_COUNT = 5
_CLINIC_COUNTS = ("active", "new", "vanished", "visits")


def _live(week: Week) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (Advert.first_seen < week.end, Advert.last_seen >= week.start)


def _event_counts(session: Session, week: Week) -> Counter[str]:
    rows = session.execute(
        select(ClusterEvent.kind, func.count())
        .where(ClusterEvent.at >= week.start, ClusterEvent.at < week.end)
        .group_by(ClusterEvent.kind)
    )
    return Counter(dict(rows.all()))


def _cluster_changes(session: Session, week: Week) -> tuple[list[ClusterChange], int]:
    kinds: dict[int, set[str]] = defaultdict(set)
    for cluster_id, kind in session.execute(
        select(ClusterEvent.cluster_id, ClusterEvent.kind).where(
            ClusterEvent.at >= week.start, ClusterEvent.at < week.end
        )
    ):
        kinds[cluster_id].add(kind)
    clusters = {
        c.id: c
        for part in in_batches(select(Cluster), Cluster.id, list(kinds))
        for c in session.scalars(part)
    }
    changes = [
        ClusterChange(
            f"C{cid}", tuple(sorted(k)), clusters[cid].size, round(clusters[cid].score, 2)
        )
        for cid, k in kinds.items()
        if cid in clusters
    ]
    changes.sort(key=lambda c: (-c.score, -c.size, c.label))
    reappeared = sum(1 for k in kinds.values() if "reappeared" in k and k & _NEW_DETAIL_KINDS)
    return changes, reappeared


def _new_and_gone(session: Session, week: Week) -> dict[tuple[str, str], list[int]]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for column, slot in ((Advert.first_seen, 0), (Advert.gone_at, 1)):
        rows = session.execute(
            select(Site.name, Advert.region, func.count())
            .join(Site, Site.id == Advert.site_id)
            .where(column >= week.start, column < week.end)
            .group_by(Site.name, Advert.region)
        )
        for site, region, n in rows:
            counts[(site, region or "unknown")][slot] += n
    return counts


def _indicators(session: Session, week: Week, kind: str = DEFAULT_KIND) -> Counter[tuple[str, str]]:
    rows = session.execute(
        select(
            IndicatorHit.rule_id,
            IndicatorHit.category,
            func.count(func.distinct(IndicatorHit.advert_id)),
        )
        .join(Advert, Advert.id == IndicatorHit.advert_id)
        .where(*_live(week), Advert.kind == kind)
        .group_by(IndicatorHit.rule_id, IndicatorHit.category)
    )
    return Counter({(rule, category): n for rule, category, n in rows})


def _languages(session: Session, week: Week, kind: str = DEFAULT_KIND) -> Counter[str]:
    rows = session.execute(
        select(Advert.language, func.count())
        .where(*_live(week), Advert.kind == kind)
        .group_by(Advert.language)
    )
    counts: Counter[str] = Counter()
    for language, n in rows:
        counts[language or "und"] += n
    return counts


def _rotation(
    session: Session, week: Week
) -> tuple[Counter[tuple[str, str]], list[tuple[str, list[tuple[datetime, str]]]]]:
    """City changes of a cluster (or of a lone advert) whose later sighting is in the week."""
    rows = session.execute(
        select(
            AdvertVersion.advert_id,
            ClusterMember.cluster_id,
            AdvertVersion.seen_at,
            shown_city(AdvertVersion),
        )
        .join(Advert, Advert.id == AdvertVersion.advert_id)
        .outerjoin(ClusterMember, ClusterMember.advert_id == AdvertVersion.advert_id)
        .where(
            AdvertVersion.seen_at < week.end,
            Advert.last_seen >= week.previous().start,
            shown_city(AdvertVersion).is_not(None),
        )
    )
    groups: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for advert_id, cluster_id, seen_at, city in rows:
        label = f"C{cluster_id}" if cluster_id else f"A{advert_id}"
        groups[label].append((seen_at, cast(str, city)))  # city IS NOT NULL above
    flows: Counter[tuple[str, str]] = Counter()
    timelines = []
    for label, points in groups.items():
        points.sort()
        in_week = [p for p in points if week.contains(p[0])]
        moves = [(a[1], b[1]) for a, b in pairwise(points) if a[1] != b[1] and week.contains(b[0])]
        flows.update(moves)
        if moves:
            timelines.append((label, in_week, len(moves)))
    timelines.sort(key=lambda t: (-t[2], t[0]))
    return flows, [(label, points) for label, points, _ in timelines[:12]]


JOB = JOB_KIND.name


def _job_fields(session: Session, week: Week) -> dict[str, Counter[str]]:
    """Live job adverts by industry and by region of the place of work (latest analysis)."""
    latest: dict[int, dict[str, Any]] = {}
    rows = session.execute(
        select(AdvertVersion.advert_id, AdvertVersion.analysis)
        .join(Advert, Advert.id == AdvertVersion.advert_id)
        .where(*_live(week), Advert.kind == JOB, AdvertVersion.analysis.is_not(None))
        .order_by(AdvertVersion.id)
    )
    for advert_id, analysis in rows:
        latest[advert_id] = (analysis or {}).get(JOB) or {}
    industries: Counter[str] = Counter(r.get("industry") or "unknown" for r in latest.values())
    regions: Counter[str] = Counter()
    for record in latest.values():
        regions.update(record.get("regions") or ["unknown"])
    return {"industry": industries, "region": regions}


def _jobs(session: Session, week: Week, previous: Week) -> dict[str, list[tuple[Any, ...]]]:
    this, before = _job_fields(session, week), _job_fields(session, previous)
    if not sum(this["industry"].values()) and not sum(before["industry"].values()):
        return {}
    indicators = (
        {rule: n for (rule, _), n in _indicators(session, week, JOB).items()},
        {rule: n for (rule, _), n in _indicators(session, previous, JOB).items()},
    )
    return {
        "industry": _pairs(this["industry"], before["industry"]),
        "region": _pairs(this["region"], before["region"]),
        "language": _pairs(_languages(session, week, JOB), _languages(session, previous, JOB)),
        "indicator": _pairs(Counter(indicators[0]), Counter(indicators[1])),
    }


def _clinics(session: Session, week: Week) -> list[list[Value]]:
    """Venues active, new and vanished, roster turnover and visits per region in the week;
    small counts hidden, and a second one in the column when one alone is (no subtraction:
    also for the persons behind the turnover share)."""
    found = clinic_figures_by_region(session, week.start, week.end)
    if not any(f.active or f.visits for f in found.values()):
        return []
    low = CLINIC_MIN_COUNT
    columns = (*_CLINIC_COUNTS, "roster_new", "roster")

    def row(name: str, *figures: Any) -> list[Value]:
        return [name, *(count(sum(getattr(f, c) for f in figures), low) for c in columns)]

    rows = [row(region, figures) for region, figures in found.items()]
    for column in range(1, len(columns) + 1):
        protect(rows, column, low)
    return [
        [name, active, new, vanished, share(roster_new, roster), visits]  # type: ignore[arg-type]
        for name, active, new, vanished, visits, roster_new, roster in [
            *rows,
            row("all regions", *found.values()),
        ]
    ]


def _pairs(this: Counter[Any], previous: Counter[Any]) -> list[tuple[Any, ...]]:
    keys = sorted(set(this) | set(previous), key=lambda k: (-this[k], str(k)))
    return [(*(k if isinstance(k, tuple) else (k,)), this[k], previous[k]) for k in keys]


def gather(session: Session, week: Week, threshold: float) -> DigestData:
    """Everything the digest shows for `week`, compared with the week before."""
    previous = week.previous()
    data = DigestData(week, previous)
    this_events, prev_events = _event_counts(session, week), _event_counts(session, previous)
    data.events = {kind: (this_events[kind], prev_events[kind]) for kind in EVENT_KINDS}
    data.changed_clusters, data.reappeared_new_details = _cluster_changes(session, week)
    this_adverts, prev_adverts = _new_and_gone(session, week), _new_and_gone(session, previous)
    data.adverts_by_site_region = sorted(
        (site, region, n[0], n[1]) for (site, region), n in this_adverts.items()
    )
    data.adverts_totals = {
        "new": (sum(n[0] for n in this_adverts.values()), sum(n[0] for n in prev_adverts.values())),
        "gone": (
            sum(n[1] for n in this_adverts.values()),
            sum(n[1] for n in prev_adverts.values()),
        ),
    }
    data.targets = target_summary(session, week, threshold)
    data.indicators = _pairs(_indicators(session, week), _indicators(session, previous))
    data.languages = _pairs(_languages(session, week), _languages(session, previous))
    flows, data.timelines = _rotation(session, week)
    data.flows = sorted(((a, b, n) for (a, b), n in flows.items()), key=lambda f: (-f[2], f))
    data.health = crawl_health(session, week)
    data.jobs = _jobs(session, week, previous)
    data.clinics = _clinics(session, week)
    return data


def latest_activity(session: Session) -> datetime | None:
    """When the newest crawl run or sighting happened: the default week of a digest."""
    run = session.scalar(select(func.max(CrawlRun.started_at)))
    seen = session.scalar(select(func.max(Advert.last_seen)))
    contacted = session.scalar(select(func.max(ContactLogEntry.at)))
    moments = [m for m in (run, seen, contacted) if m is not None]
    return max(moments) if moments else None
