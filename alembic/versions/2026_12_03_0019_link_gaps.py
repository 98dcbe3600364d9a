"""The linking watermark keeps its gaps: ids at or below it that its run did not see.

PostgreSQL numbers a row when it is inserted, not when it commits, so a version can commit
below the watermark a link run took meanwhile. `link_state.gaps` holds the ranges of ids a
run found missing at or below its mark ({"versions": [[first, last, since], ...], "images":
[...]}), so the next run searches them once they appear. Null until the first run after the
upgrade: the watermark carried over had none recorded.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import Json

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("link_state", sa.Column("gaps", Json, nullable=True))


def downgrade() -> None:
    # In place on SQLite 3.35+ (batch mode would recreate the table), as 0018 does.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE link_state DROP COLUMN gaps")
    else:
        op.drop_column("link_state", "gaps")
