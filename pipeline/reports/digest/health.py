"""Crawl health per site in a week (or any span), worst first, from the crawl_runs table."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CrawlRun, Site
from pipeline.reports.digest.weeks import Span

# Worst first: a site whose runs failed or were blocked needs attention before a degraded one.
SEVERITY = ("failed", "blocked", "degraded", "incomplete", "running", "complete")


@dataclass
class SiteHealth:
    site: str
    statuses: Counter[str] = field(default_factory=Counter)
    last_status: str = ""
    pages: int = 0
    adverts_seen: int = 0
    errors: int = 0
    warnings: int = 0

    @property
    def worst(self) -> str:
        return next((s for s in SEVERITY if self.statuses[s]), "complete")


def crawl_health(session: Session, week: Span) -> list[SiteHealth]:
    rows = session.execute(
        select(Site.name, CrawlRun)
        .join(Site, Site.id == CrawlRun.site_id)
        .where(CrawlRun.started_at >= week.start, CrawlRun.started_at < week.end)
        .order_by(Site.name, CrawlRun.started_at, CrawlRun.id)
    )
    sites: dict[str, SiteHealth] = defaultdict(lambda: SiteHealth(""))
    for name, run in rows:
        health = sites[name]
        health.site = name
        health.statuses[run.status] += 1
        health.last_status = run.status
        health.pages += run.pages
        health.adverts_seen += run.adverts_seen
        health.errors += run.error_count
        health.warnings += len((run.health or {}).get("warnings", []))
    return sorted(
        sites.values(),
        key=lambda h: (SEVERITY.index(h.worst) if h.worst in SEVERITY else 0, h.site),
    )
