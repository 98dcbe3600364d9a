"""A city the gazetteer does not know is sealed (`unknown_city`), no longer kept in clear.

Advertisers write phone numbers and e-mail addresses into the city field, so only a
canonical gazetteer city may stay in the clear `city` column. The upgrade moves every
other stored city into the new sealed column (this needs the sealing key, which `scout db
upgrade` installs); the downgrade puts it back into `city` as the older code expects.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types
from nlp.fields import find_cities

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('adverts', 'advert_versions')


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column('id', sa.BigInteger()),
        sa.column('city', sa.String()),
        sa.column('unknown_city', models.types.Sealed()),
    )


def _is_known(city: str) -> bool:
    mentions = find_cities(city)
    return bool(mentions) and mentions[0].city == city


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column('unknown_city', models.types.Sealed(), nullable=True))
        table = _table(name)
        bind = op.get_bind()
        rows = bind.execute(sa.select(table.c.id, table.c.city).where(table.c.city.is_not(None)))
        for row_id, city in rows.all():
            if not _is_known(city):
                bind.execute(
                    table.update()
                    .where(table.c.id == row_id)
                    .values(city=None, unknown_city=city)
                )


def downgrade() -> None:
    for name in TABLES:
        table = _table(name)
        bind = op.get_bind()
        rows = bind.execute(
            sa.select(table.c.id, table.c.unknown_city).where(table.c.unknown_city.is_not(None))
        )
        for row_id, raw in rows.all():
            bind.execute(table.update().where(table.c.id == row_id).values(city=raw[:100]))
        # Not batch mode on SQLite: it would recreate the adverts table, and dropping the old
        # one with foreign keys on cascades into every table that refers to it (the linking
        # signatures were lost that way). SQLite 3.35+ drops a plain column in place.
        if bind.dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE {name} DROP COLUMN unknown_city')
        else:
            op.drop_column(name, 'unknown_city')
