"""`scout keys …`: rotate the secret key (admin only; PRIVACY rule 5)."""

from __future__ import annotations

import click

from pipeline.core.app import App
from pipeline.operations import keyrotation


@click.group()
def keys() -> None:
    """Manage the secret key that seals and pseudonymises Scout's data."""


def _started(report: keyrotation.RotationReport, new_file: str) -> None:
    verb = "resuming the rotation" if report.resumed else "new key written"
    click.echo(
        f"{verb}: {report.old_key_id} → {report.new_key_id}; back up {new_file} (key "
        f"{report.new_key_id}) and {report.key_file} (key {report.old_key_id}) now: both are "
        "needed until the rotation completes"
    )


@keys.command()
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=keyrotation.BATCH_SIZE,
    show_default=True,
    help="Rows re-keyed per committed batch.",
)
@click.pass_obj
def rotate(app: App, batch_size: int) -> None:
    """Re-seal and re-pseudonymise everything under a new key; run it again to resume."""
    report = keyrotation.rotate(app.database(), app.settings, batch_size, started=_started)
    rows = ", ".join(f"{count} {phase}" for phase, count in report.rows.items()) or "no rows"
    click.echo(f"rotated {report.old_key_id} → {report.new_key_id}: {rows} re-keyed")
    if report.reanalyse:
        click.echo(f"{report.reanalyse} advert versions hold keyed name hashes: run scout analyse")
    click.echo(
        f"back up {report.key_file} (key {report.new_key_id}) now; backups of the old key "
        f"({report.old_key_id}) no longer open this database: destroy them"
    )
