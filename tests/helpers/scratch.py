"""A fresh SQLite database in a temporary folder, for scripts that write golden files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.core.db import Database, open_database
from pipeline.core.migrations import upgrade
from pipeline.core.settings import load_settings


@contextmanager
def scratch_database() -> Iterator[Database]:
    """Migrated to head; the folder (key file, database) goes when the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOUT_DATA_DIR"] = folder
        os.environ["SCOUT_DATABASE_URL"] = f"sqlite:///{folder}/scout.db"
        settings = load_settings()
        database = open_database(settings, require_schema=False)
        upgrade(database.engine, settings)
        try:
            yield database
        finally:
            database.dispose()
