"""Errors Scout reports to a person as one clear line, never as a traceback."""


class ScoutError(Exception):
    """A problem the user can act on; the CLI prints its message and exits non-zero."""

    exit_code = 1


class ConfigError(ScoutError):
    """The configuration (scout.toml, SCOUT_* variables) is malformed or incomplete."""


class SecretKeyError(ScoutError):
    """The secret key is missing, short, unreadable or too widely readable."""


class DatabaseError(ScoutError):
    """The database cannot be reached or is at the wrong schema version."""


class PermissionDenied(ScoutError):
    """The acting person's role does not allow this command."""

    exit_code = 3
