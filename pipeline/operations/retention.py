"""Deleting on schedule (PRIVACY rules 3 and 14): gone adverts, orphans, old files, exports.

Adverts gone longer than `retention_days` go with everything linked to them (the
foreign keys cascade: versions, sightings, contact links, image hashes, indicator hits,
cluster memberships, links, venue links and roster entries). Venues (clinics) left without
an advert go with their roster, events and visits (a clinic's address can be a home).
Contact points no longer linked to any advert go too, as do
clusters left empty, scores of adverts and clusters that are gone (`scores.subject_id` has
no foreign key), crawl logs older than `log_retention_days` and the error lists (advert
URLs) of crawl runs as old, and the files Scout wrote into exports past their expiry date.
The audit log keeps one entry per purge, with counts only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.orm import Session

from models import (
    Advert,
    AdvertContact,
    Cluster,
    ClusterMember,
    ContactPoint,
    CrawlRun,
    ExportRecord,
    Score,
    Venue,
    VenueAdvert,
)
from pipeline.core.audit import record
from pipeline.core.batches import in_batches
from pipeline.core.settings import Settings
from pipeline.reports.export.manifest import remove_export


@dataclass
class PurgeReport:
    dry_run: bool
    cutoff: datetime
    adverts: int = 0
    contact_points: int = 0
    clusters: int = 0
    venues: int = 0
    scores: int = 0
    crawl_errors: int = 0
    log_files: int = 0
    exports: int = 0
    export_paths: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        data = asdict(self)
        return {k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def _expired_adverts(cutoff: datetime):
    return (Advert.gone_at.is_not(None)) & (Advert.gone_at < cutoff)


def _count_scores_after(
    session: Session, expired: ColumnElement[bool], emptied: ColumnElement[bool]
) -> int:
    """Scores the purge deletes: of expired adverts, emptied clusters, or already orphaned."""
    doomed_adverts = select(Advert.id).where(expired)
    doomed_clusters = select(Cluster.id).where(emptied)
    doomed = (
        _orphan_scores()
        | ((Score.subject_kind == "advert") & Score.subject_id.in_(doomed_adverts))
        | ((Score.subject_kind == "cluster") & Score.subject_id.in_(doomed_clusters))
    )
    return session.scalar(select(func.count()).select_from(Score).where(doomed)) or 0


def _old_logs(settings: Settings, now: datetime) -> list[Path]:
    folder = settings.data_dir / "logs"
    if not folder.is_dir():
        return []
    limit = (now - timedelta(days=settings.log_retention_days)).timestamp()
    return sorted(p for p in folder.glob("*.log") if p.stat().st_mtime < limit)


def _orphan_scores() -> ColumnElement[bool]:
    """Scores whose advert or cluster is gone: nothing cascades to them."""
    advert_gone = ~exists().where(Advert.id == Score.subject_id)
    cluster_gone = ~exists().where(Cluster.id == Score.subject_id)
    return ((Score.subject_kind == "advert") & advert_gone) | (
        (Score.subject_kind == "cluster") & cluster_gone
    )


def _old_crawl_errors(settings: Settings, now: datetime) -> ColumnElement[bool]:
    """Crawl runs older than the crawl logs' retention: their errors name advert URLs."""
    limit = now - timedelta(days=settings.log_retention_days)
    return (CrawlRun.started_at < limit) & (CrawlRun.error_count > 0)


def _delete_derived(session: Session, settings: Settings, now: datetime) -> None:
    """After the adverts and clusters: scores of gone subjects, old crawl error lists."""
    session.execute(
        delete(Score).where(_orphan_scores()).execution_options(synchronize_session=False)
    )
    session.execute(
        update(CrawlRun)
        .where(_old_crawl_errors(settings, now))
        .values(errors=[], error_count=0)
        .execution_options(synchronize_session=False)
    )


def purge(
    session: Session, settings: Settings, now: datetime, dry_run: bool = False
) -> PurgeReport:
    """Delete (or, dry run, only count) everything past its retention; audit the purge."""
    cutoff = now - timedelta(days=settings.retention_days)
    report = PurgeReport(dry_run, cutoff)
    expired = _expired_adverts(cutoff)
    report.adverts = session.scalar(select(func.count()).select_from(Advert).where(expired)) or 0
    kept_adverts = select(Advert.id).where(~expired)
    orphaned = ~exists().where(
        AdvertContact.contact_point_id == ContactPoint.id, AdvertContact.advert_id.in_(kept_adverts)
    )
    report.contact_points = (
        session.scalar(select(func.count()).select_from(ContactPoint).where(orphaned)) or 0
    )
    emptied = ~exists().where(
        ClusterMember.cluster_id == Cluster.id, ClusterMember.advert_id.in_(kept_adverts)
    )
    report.clusters = session.scalar(select(func.count()).select_from(Cluster).where(emptied)) or 0
    # A venue (clinic) goes with the last of its adverts: its roster, events and visits cascade.
    venue_emptied = ~exists().where(
        VenueAdvert.venue_id == Venue.id, VenueAdvert.advert_id.in_(kept_adverts)
    )
    report.venues = (
        session.scalar(select(func.count()).select_from(Venue).where(venue_emptied)) or 0
    )
    report.scores = _count_scores_after(session, expired, emptied)
    report.crawl_errors = (
        session.scalar(
            select(func.count()).select_from(CrawlRun).where(_old_crawl_errors(settings, now))
        )
        or 0
    )
    logs = _old_logs(settings, now)
    report.log_files = len(logs)
    exports = session.scalars(
        select(ExportRecord).where(ExportRecord.expires_at < now, ExportRecord.purged_at.is_(None))
    ).all()
    report.exports = len(exports)
    report.export_paths = [e.path for e in exports]
    if not dry_run:
        ids = session.scalars(select(ContactPoint.id).where(orphaned)).all()
        session.execute(delete(Advert).where(expired).execution_options(synchronize_session=False))
        for statement in in_batches(delete(ContactPoint), ContactPoint.id, ids):
            session.execute(statement)
        empty = ~exists().where(ClusterMember.cluster_id == Cluster.id)
        session.execute(delete(Cluster).where(empty).execution_options(synchronize_session=False))
        no_advert = ~exists().where(VenueAdvert.venue_id == Venue.id)
        session.execute(delete(Venue).where(no_advert).execution_options(synchronize_session=False))
        _delete_derived(session, settings, now)
        for path in logs:
            path.unlink(missing_ok=True)
        for export in exports:
            remove_export(Path(export.path))
        session.execute(
            update(ExportRecord)
            .where(ExportRecord.id.in_([e.id for e in exports]))
            .values(purged_at=now)
        )
    record(
        session,
        settings,
        "purge" if not dry_run else "purge-dry-run",
        params={"retention_days": settings.retention_days, "cutoff": cutoff.isoformat()},
        counts=report.counts(),
    )
    return report
