"""The databases a benchmark runs on: a SQLite file, and PostgreSQL when it answers."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("SCOUT_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


@contextmanager
def engine_urls() -> Iterator[dict[str, str]]:
    """Engine name -> URL of an empty database: a SQLite file in a temporary data folder (set
    as SCOUT_DATA_DIR), and a fresh PostgreSQL schema when the server answers; both are
    removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SCOUT_DATA_DIR"] = tmp
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        schema = _pg_schema()
        if schema:
            url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
            urls["postgresql"] = url.render_as_string(hide_password=False)
        try:
            yield urls
        finally:
            if schema:
                with psycopg.connect(PG_URL, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _pg_schema() -> str | None:
    try:
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
            name = f"scout_bench_{secrets.token_hex(3)}"
            conn.execute(f'CREATE SCHEMA "{name}"')
            return name
    except psycopg.OperationalError:
        return None
