"""Alembic environment: Scout's metadata and the database URL from Scout's settings."""

from sqlalchemy import Connection

from alembic import context
from models import metadata
from pipeline.core.db import make_engine
from pipeline.core.settings import load_settings

config = context.config


# Tables that are not Scout's models: APScheduler's job store lives in the same database.
FOREIGN_TABLES = {"scout_scheduler_jobs"}


def _include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        settings = config.attributes.get("settings") or load_settings()
        engine = make_engine(settings)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Scout migrations run online only: use `scout db upgrade`")
run_migrations_online()
