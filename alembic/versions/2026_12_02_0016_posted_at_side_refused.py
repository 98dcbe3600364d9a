"""Adverts keep when the site says they were posted, and which side requests were refused.

`posted_at` (the site's own posting date, read with `type: date` or `datetime`) is kept on
each advert version and, as last read, on the advert. `side_refused` is the advert's refused
side requests (a reveal or a contact image answered 403/404) as of its latest fetch, e.g.
`["reveal: HTTP 403"]`, or null when none was refused.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import Json
from models.types import UTCDateTime

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ('adverts', 'posted_at'),
    ('adverts', 'side_refused'),
    ('advert_versions', 'posted_at'),
)


def upgrade() -> None:
    op.add_column('adverts', sa.Column('posted_at', UTCDateTime(), nullable=True))
    op.add_column('adverts', sa.Column('side_refused', Json, nullable=True))
    op.add_column('advert_versions', sa.Column('posted_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table, name in reversed(_COLUMNS):
        # Not batch mode on SQLite (it recreates the table); SQLite 3.35+ drops a column in place.
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE {table} DROP COLUMN {name}')
        else:
            op.drop_column(table, name)
