"""Clinic versions keep the names the NLP stage read, sealed, so key rotation can re-key a
roster built from them.

Sealed JSON {name key: name as written} on advert versions of a kind that builds rosters from
names (clinic); None for the others.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.types import Sealed

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("advert_versions", sa.Column("names", Sealed(), nullable=True))


def downgrade() -> None:
    # In place on SQLite 3.35+ (batch mode would recreate the table and, with foreign keys
    # on, cascade into its children), as 0017 does.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE advert_versions DROP COLUMN names")
    else:
        op.drop_column("advert_versions", "names")
