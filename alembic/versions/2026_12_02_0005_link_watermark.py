"""The linking watermark gets a table of its own (`link_state`, one row) instead of being
read back from the audit log.

The upgrade carries the watermark over from the latest `link` audit entry, so the first
run after upgrading stays incremental; the audit log keeps recording every run. The
downgrade drops the table: older code reads the watermark from the audit entries again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

link_state = sa.table(
    'link_state',
    sa.column('id', sa.Integer()),
    sa.column('last_run_at', models.types.UTCDateTime(timezone=True)),
    sa.column('full', sa.Boolean()),
    sa.column('ruleset_version', sa.String()),
    sa.column('last_version_id', sa.BigInteger()),
    sa.column('last_image_id', sa.BigInteger()),
)
audit_log = sa.table(
    'audit_log',
    sa.column('id', sa.BigInteger()),
    sa.column('at', models.types.UTCDateTime(timezone=True)),
    sa.column('action', sa.String()),
    sa.column('params'),  # untyped: JSON text on SQLite, already a dict from PostgreSQL
)


def _latest_link_run() -> dict[str, Any] | None:
    row = op.get_bind().execute(
        sa.select(audit_log.c.at, audit_log.c.params)
        .where(audit_log.c.action == 'link')
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    params = row.params if isinstance(row.params, dict) else json.loads(row.params)
    return {
        'id': 1,
        'last_run_at': row.at,
        'full': bool(params.get('full', False)),
        'ruleset_version': str(params.get('ruleset_version', '')),
        'last_version_id': int(params.get('last_version_id', 0)),
        'last_image_id': int(params.get('last_image_id', 0)),
    }


def upgrade() -> None:
    op.create_table('link_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_run_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('ruleset_version', sa.String(length=32), nullable=False),
    sa.Column('last_version_id', sa.BigInteger(), nullable=False),
    sa.Column('last_image_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_link_state_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_state'))
    )
    watermark = _latest_link_run()
    if watermark is not None:
        op.bulk_insert(link_state, [watermark])


def downgrade() -> None:
    op.drop_table('link_state')
