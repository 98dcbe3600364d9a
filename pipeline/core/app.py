"""What every CLI command shares: settings read once and databases opened on demand."""

from __future__ import annotations

from functools import cached_property

from pipeline.core.db import Database, open_database
from pipeline.core.settings import Settings, load_settings


class App:
    def __init__(self) -> None:
        self._databases: list[Database] = []

    @cached_property
    def settings(self) -> Settings:
        return load_settings()

    def database(self, require_schema: bool = True) -> Database:
        database = open_database(self.settings, require_schema=require_schema)
        self._databases.append(database)
        return database

    def close(self) -> None:
        for database in self._databases:
            database.dispose()
