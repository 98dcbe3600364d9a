"""Clinics: venues, the adverts naming them, rosters, venue events and the visit log.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import BigId, Json
from models.types import Sealed, UTCDateTime

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column('id', BigId, primary_key=True)


def _fk(
    owner: str, name: str, table: str, ondelete: str = 'CASCADE', nullable: bool = False
) -> sa.Column:
    constraint = f'fk_{owner}_{name}_{table}'
    return sa.Column(
        name, BigId, sa.ForeignKey(f'{table}.id', name=constraint, ondelete=ondelete),
        nullable=nullable,
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        'venues',
        _id(),
        sa.Column('stable_id', sa.String(24), nullable=False),
        sa.Column('address', Sealed(), nullable=True),
        sa.Column('address_key', sa.String(64), nullable=True),
        sa.Column('postcode', sa.String(4), nullable=True),
        sa.Column('municipality', sa.String(64), nullable=True),
        sa.Column('region', sa.String(32), nullable=True),
        sa.Column('names', Json, nullable=False),
        sa.Column('name_keys', Json, nullable=False),
        sa.Column('phone_keys', Json, nullable=False),
        sa.Column('opening_hours', Json, nullable=True),
        sa.Column('languages', Json, nullable=False),
        sa.Column('price', sa.Integer(), nullable=True),
        sa.Column('signs', Json, nullable=False),
        sa.Column('first_seen', UTCDateTime(), nullable=False),
        sa.Column('last_seen', UTCDateTime(), nullable=False),
        sa.Column('gone_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_venues'),
        sa.UniqueConstraint('stable_id', name='uq_venues_stable_id'),
    )
    op.create_index('ix_venues_address_key', 'venues', ['address_key'])
    op.create_index('ix_venues_region_municipality', 'venues', ['region', 'municipality'])
    op.create_index('ix_venues_gone_at', 'venues', ['gone_at'])
    op.create_table(
        'venue_adverts',
        _id(),
        _fk('venue_adverts', 'venue_id', 'venues'),
        _fk('venue_adverts', 'advert_id', 'adverts'),
        sa.Column('first_seen', UTCDateTime(), nullable=False),
        sa.Column('last_seen', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_venue_adverts'),
        sa.UniqueConstraint('venue_id', 'advert_id', name='uq_venue_adverts_venue_id_advert_id'),
    )
    op.create_index('ix_venue_adverts_advert_id', 'venue_adverts', ['advert_id'])
    op.create_table(
        'roster_entries',
        _id(),
        _fk('roster_entries', 'venue_id', 'venues'),
        _fk('roster_entries', 'advert_id', 'adverts'),
        sa.Column('seen_on', sa.Date(), nullable=False),
        sa.Column('name', Sealed(), nullable=True),
        sa.Column('person_key', sa.String(64), nullable=False),
        sa.Column('stated_age', sa.Integer(), nullable=True),
        sa.Column('nationality', sa.String(32), nullable=True),
        sa.Column('image_hashes', Json, nullable=False),
        _fk('roster_entries', 'cluster_id', 'clusters', ondelete='SET NULL', nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_roster_entries'),
        sa.UniqueConstraint(
            'venue_id', 'person_key', 'seen_on',
            name='uq_roster_entries_venue_id_person_key_seen_on',
        ),
    )  # fmt: skip
    op.create_index('ix_roster_entries_person_key', 'roster_entries', ['person_key'])
    op.create_index('ix_roster_entries_advert_id', 'roster_entries', ['advert_id'])
    op.create_table(
        'venue_events',
        _id(),
        sa.Column('event_id', sa.String(64), nullable=False),
        _fk('venue_events', 'venue_id', 'venues'),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('kind', sa.String(24), nullable=False),
        sa.Column('detail', Json, nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_venue_events'),
        sa.UniqueConstraint('event_id', name='uq_venue_events_event_id'),
    )
    op.create_index('ix_venue_events_venue_id_at', 'venue_events', ['venue_id', 'at'])
    op.create_index('ix_venue_events_at', 'venue_events', ['at'])
    op.create_table(
        'venue_visits',
        _id(),
        _fk('venue_visits', 'venue_id', 'venues'),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('team', sa.String(64), nullable=False),
        sa.Column('actor', sa.String(64), nullable=False),
        sa.Column('outcome', sa.String(16), nullable=False),
        sa.Column('persons_met', sa.Integer(), nullable=False),
        sa.Column('languages', Json, nullable=False),
        sa.Column('materials', Json, nullable=False),
        sa.Column('note', Sealed(), nullable=True),
        sa.Column('follow_up', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_venue_visits'),
    )
    op.create_index(
        'ix_venue_visits_venue_id_visited_on', 'venue_visits', ['venue_id', 'visited_on']
    )


def downgrade() -> None:
    for table in ('venue_visits', 'venue_events', 'roster_entries', 'venue_adverts', 'venues'):
        op.drop_table(table)
