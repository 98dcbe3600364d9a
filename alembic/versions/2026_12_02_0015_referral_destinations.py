"""The contact log says where a referral went (health, social, legal, shelter services).

The effects report counts referrals per destination. An entry with the outcome `referred`
may name one; older entries and every other outcome have none.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('contact_log', sa.Column('referred_to', sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Not batch mode on SQLite (it recreates the table); SQLite 3.35+ drops a column in place.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE contact_log DROP COLUMN referred_to')
    else:
        op.drop_column('contact_log', 'referred_to')
