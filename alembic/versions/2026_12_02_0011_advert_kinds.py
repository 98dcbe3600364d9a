"""Adverts have a kind (escort, clinic, job); every advert stored so far is an escort advert.

The column is added in place with a server default (no batch copy of `adverts` on SQLite,
which would cascade into the tables that reference it).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'adverts',
        sa.Column('kind', sa.String(length=16), nullable=False, server_default='escort'),
    )
    op.create_index('ix_adverts_kind', 'adverts', ['kind', 'gone_at'])


def downgrade() -> None:
    op.drop_index('ix_adverts_kind', table_name='adverts')
    # In place on SQLite (3.35+), not batch mode: see 0010's downgrade.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE adverts DROP COLUMN kind')
    else:
        op.drop_column('adverts', 'kind')
