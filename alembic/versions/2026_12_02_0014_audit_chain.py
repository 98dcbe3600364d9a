"""Audit hash chain: each audit entry carries an HMAC over the previous entry's hash and itself.

`chain` is HMAC-SHA256 under the purpose key "audit-chain/v1" of the master secret named by
`key_id`, over (previous entry's chain, this entry's fields); `scout audit verify` recomputes
it. Entries written before this revision have no chain and are reported as such. The columns
are added in place (no batch mode), so the append-only triggers stay.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('audit_log', sa.Column('key_id', sa.String(length=8), nullable=True))
    op.add_column('audit_log', sa.Column('chain', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite ≥ 3.35 drops a column in place: no table rebuild, the triggers stay
    op.drop_column('audit_log', 'chain')
    op.drop_column('audit_log', 'key_id')
