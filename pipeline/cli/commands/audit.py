"""`scout audit …`: check the audit log's hash chain and export a copy (admins)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.core.app import App
from pipeline.operations import auditlog


@click.group("audit")
def audit_group() -> None:
    """Check and export the audit log (admins)."""


@audit_group.command()
@click.pass_obj
def verify(app: App) -> None:
    """Recompute the hash chain; name the first entry that was changed or removed (exit 4)."""
    report = auditlog.verify(app.database(), app.settings)
    older = f", {report.unchained} older entries without a chain" if report.unchained else ""
    click.echo(f"audit log intact: {report.checked} chained entries verified{older}")


@audit_group.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="New file for the entries as JSON lines (0600).",
)
@click.pass_obj
def export_command(app: App, out: Path) -> None:
    """Copy every audit entry (with its chain value) to a new file; the export is audited."""
    report = auditlog.export(app.database(), app.settings, out)
    click.echo(f"{report.entries} audit entries written to {report.path} (tip {report.tip[:16]})")
