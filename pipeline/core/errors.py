"""Errors Scout reports to a person as one clear line, never as a traceback."""

from typing import Any


class ScoutError(Exception):
    """A problem the user can act on; the CLI prints its message and exits non-zero.

    The message is English, for the command line. An error that can reach a web page also
    carries a `code` and its `params`: the web app looks the code up in its catalogue
    (`pipeline/web/errors.py`) and says it in the reader's language. An error without a
    code is shown there as a general sentence with this English text beside it.
    """

    exit_code = 1

    def __init__(self, *args: object, code: str | None = None, **params: Any) -> None:
        super().__init__(*args)
        self.code = code
        self.params = params


class ConfigError(ScoutError):
    """The configuration (scout.toml, SCOUT_* variables) is malformed or incomplete."""


class SecretKeyError(ScoutError):
    """The secret key is missing, short, unreadable or too widely readable."""


class DatabaseError(ScoutError):
    """The database cannot be reached or is at the wrong schema version."""


class PermissionDenied(ScoutError):
    """The acting person's role does not allow this command."""

    exit_code = 3
