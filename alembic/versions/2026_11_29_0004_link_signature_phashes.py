"""Link signatures keep each advert's image pHashes too (one row an advert for linking);
an index for the regional price medians.

The table is derived data (a cache of MinHash signatures): it is recreated empty, and the
next `scout link` signs every advert again, as a first run does.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create(with_phashes: bool) -> None:
    op.create_table('link_signatures',
    sa.Column('advert_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('config', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    *([sa.Column('phashes', sa.LargeBinary(), nullable=False)] if with_phashes else []),
    sa.ForeignKeyConstraint(['advert_id'], ['adverts.id'], name=op.f('fk_link_signatures_advert_id_adverts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('advert_id', name=op.f('pk_link_signatures'))
    )


def upgrade() -> None:
    op.drop_table('link_signatures')
    _create(with_phashes=True)
    op.create_index('ix_adverts_region_price', 'adverts', ['region', 'currency', 'price'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_adverts_region_price', table_name='adverts')
    op.drop_table('link_signatures')
    _create(with_phashes=False)
