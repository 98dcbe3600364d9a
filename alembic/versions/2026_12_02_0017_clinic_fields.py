"""Clinic adverts keep the fields their page gives: address, opening hours, venue name, roster.

One sealed JSON document on the advert (as last seen) and on each version (as that version
was seen); None for escort and job adverts.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import Sealed

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("adverts", "advert_versions")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("clinic", Sealed(), nullable=True))


def downgrade() -> None:
    # Not batch mode on SQLite (it recreates the table, and with foreign keys on, dropping the
    # old `adverts` cascades into its children); SQLite 3.35+ drops a column in place.
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN clinic")
        else:
            op.drop_column(table, "clinic")
