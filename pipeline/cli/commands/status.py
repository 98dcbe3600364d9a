"""`scout status` and `scout version`: where the data is and how much of it there is."""

from __future__ import annotations

import platform

import click
from rich.table import Table
from sqlalchemy import func, select

from models import (
    Advert,
    AuditEntry,
    Cluster,
    ContactPoint,
    CrawlRun,
    IndicatorHit,
    Site,
    Suppression,
)
from pipeline import __version__
from pipeline.core import migrations
from pipeline.core.app import App
from pipeline.core.console import console


@click.command()
@click.pass_obj
def status(app: App) -> None:
    """Show the database in use, its schema, and how many records of each kind it holds."""
    database = app.database()
    counts = {
        "sites": select(func.count()).select_from(Site),
        "crawl runs": select(func.count()).select_from(CrawlRun),
        "adverts (live)": select(func.count()).where(Advert.gone_at.is_(None)),
        "adverts (gone)": select(func.count()).where(Advert.gone_at.is_not(None)),
        "contact points": select(func.count()).select_from(ContactPoint),
        "indicator hits": select(func.count()).select_from(IndicatorHit),
        "clusters (active)": select(func.count()).where(Cluster.active.is_(True)),
        "suppressed contacts": select(func.count()).where(Suppression.lifted_at.is_(None)),
        "audit entries": select(func.count()).select_from(AuditEntry),
    }
    table = Table(title="Scout status", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("database", app.settings.redacted_database_url)
    table.add_row("schema", migrations.current_revision(database.engine) or "none")
    with database.session() as session:
        for label, query in counts.items():
            table.add_row(label, str(session.scalar(query)))
    console().print(table, markup=False)


@click.command()
def version() -> None:
    """Show the versions of Scout, its schema and Python."""
    from pipeline.core.settings import Settings

    head = migrations.head_revision(Settings.model_construct())
    click.echo(f"scout {__version__} (schema {head}, Python {platform.python_version()})")
