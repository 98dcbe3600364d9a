"""What every stage and CLI command runs with: settings read once, databases opened on demand."""

from __future__ import annotations

from types import TracebackType

from pipeline.core.db import Database, open_database
from pipeline.core.settings import Settings, load_settings


class Context:
    """The one argument of every stage function (`pipeline.operations.stages`).

    Settings are read on first use unless given; each `database()` call opens a database
    that `close()` (or leaving a `with` block) disposes of.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._databases: list[Database] = []

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def database(self, require_schema: bool = True) -> Database:
        database = open_database(self.settings, require_schema=require_schema)
        self._databases.append(database)
        return database

    def close(self) -> None:
        for database in self._databases:
            database.dispose()
        self._databases.clear()

    def __enter__(self) -> Context:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


App = Context  # the name the click commands' `pass_obj` annotations use
