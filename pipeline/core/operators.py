"""Who the operator is and what they may do: the OS user, and the operator's config file.

The command line is for operators on the server; people use the web app with their own
accounts. On the command line the actor is the OS user of the process (by uid, never an
environment variable such as LOGNAME or SCOUT_ACTOR), and roles and caps come only from
the operator file (default /etc/scout/operators.toml, or SCOUT_OPERATORS_FILE), which must be
owned by root or by the service user (the owner of the data folder) and writable by no one
else. Nothing a caller's environment or working folder says can raise a role or a cap.
"""

from __future__ import annotations

import os
import pwd
import stat
import tomllib
from pathlib import Path
from typing import Any

from pipeline.core.errors import ConfigError

DEFAULT_OPERATOR_FILE = Path("/etc/scout/operators.toml")

# Settings only the operator file may set (and `actor`, which only the web app sets, per account).
OPERATOR_FIELDS = frozenset(
    {
        "roles",
        "default_role",
        "reveal_daily_cap",
        "reveal_caps",
        "export_k",
        "export_l",
        "export_max_expiry_days",
    }
)
NOT_FROM_ENVIRONMENT = OPERATOR_FIELDS | {"actor"}


def os_user() -> str:
    """The OS user running this process, by uid (getpass would believe LOGNAME and USER)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def operator_file_path() -> tuple[Path, bool]:
    """The operator file and whether it was named explicitly (then it must exist)."""
    named = os.environ.get("SCOUT_OPERATORS_FILE")
    return (Path(named), True) if named else (DEFAULT_OPERATOR_FILE, False)


def _service_uid(data_dir: Path) -> int:
    """The service user: the owner of the data folder (the process's uid before it exists)."""
    try:
        return data_dir.stat().st_uid
    except OSError:
        return os.getuid()


def check_ownership(path: Path, data_dir: Path) -> None:
    """Refuse an operator file that someone other than root or the service user could change."""
    info = path.stat()
    allowed = {0, _service_uid(data_dir)}
    if info.st_uid not in allowed:
        raise ConfigError(
            f"operator file {path} is owned by uid {info.st_uid}; it must be owned by root or "
            f"the service user (uid {_service_uid(data_dir)}, owner of {data_dir})"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise ConfigError(
            f"operator file {path} is writable by others (mode {mode:o}); run: chmod 644 {path}"
        )


def read_operator_file(data_dir: Path) -> tuple[Path | None, dict[str, Any]]:
    """Roles and caps from the operator file; ({}) when there is none (everyone: default role)."""
    path, named = operator_file_path()
    if not path.exists():
        if named:
            raise ConfigError(f"SCOUT_OPERATORS_FILE names {path}, which does not exist")
        return None, {}
    if not path.is_file():
        raise ConfigError(f"operator file {path} is not a file")
    check_ownership(path, data_dir)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"unreadable operator file {path}: {exc}") from exc
    unknown = sorted(set(data) - OPERATOR_FIELDS)
    if unknown:
        raise ConfigError(
            f"operator file {path}: unknown setting(s) {unknown}; it holds only "
            f"{sorted(OPERATOR_FIELDS)}"
        )
    return path, data


def refuse_from(source: str, data: dict[str, Any]) -> None:
    """Roles, caps and the actor are never taken from the environment or a scout.toml."""
    found = sorted(set(data) & NOT_FROM_ENVIRONMENT)
    if found:
        names = ", ".join(found)
        raise ConfigError(
            f"{names} cannot be set in {source}: roles and caps come only from the operator "
            "file (SCOUT_OPERATORS_FILE, default /etc/scout/operators.toml) and the actor is "
            "the OS user"
        )
