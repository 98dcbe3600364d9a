"""After every advert is purged, no advert-derived row is left anywhere (audit rule 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from models import Advert, CrawlRun, Score, Site
from models.base import Base
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.retention import purge

# Tables that rightly outlive every advert, and why.
REMAINING = {
    "audit_log": "who did what, with counts only; it must survive purges (PRIVACY rule 8)",
    "sites": "the site files' configuration, not advert data",
    "crawl_runs": "counts per crawl; their error lists (advert URLs) are emptied",
    "suppressions": "opt-outs must outlive purges (rule 9); keyed pseudonyms only",
    "contact_log": "the organisation's own outreach record; its cluster link is cleared",
    "exports": "the record of what was exported to whom (rule 13)",
    "link_state": "the linking watermark: ids and a rule-set version",
    "users": "web accounts",
    "recovery_codes": "web accounts",
    "web_sessions": "web accounts",
    "login_throttles": "web accounts",
}


def _old_crawl_run(database: Database, started: datetime) -> None:
    with database.session() as session:
        site = session.scalars(select(Site)).first()
        session.add(
            CrawlRun(
                site_id=site.id,
                started_at=started,
                status="degraded",
                error_count=1,
                errors=[{"url": "http://127.0.0.1:8801/ad/42", "error": "timeout"}],
            )
        )


def test_rule14_purge_of_every_advert_leaves_no_advert_derived_row(
    outreach_db: Database, settings: Settings
) -> None:
    gone = datetime(2026, 11, 1, tzinfo=UTC)
    _old_crawl_run(outreach_db, gone)
    with outreach_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Score)) > 0
        session.execute(update(Advert).values(gone_at=gone))
    now = gone + timedelta(days=settings.retention_days + settings.log_retention_days + 1)
    with outreach_db.session() as session:
        report = purge(session, settings, now)
    assert report.scores > 0 and report.crawl_errors == 1
    with outreach_db.session() as session:
        left = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in REMAINING
        }
        errors = session.scalars(select(CrawlRun.errors)).all()
    assert {name: n for name, n in left.items() if n} == {}
    assert "scores" in left and "adverts" in left
    assert errors and all(e == [] for e in errors)
