"""Scout's one settings object: SCOUT_* environment variables over an optional scout.toml."""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from pipeline.core import operators
from pipeline.core.errors import ConfigError

SUPPORTED_DATABASES = ("sqlite", "postgresql")
# lead: an outreach team lead (hands claims over, sees the team's follow-ups; reveals nothing)
Role = Literal["outreach", "lead", "researcher", "analyst", "admin"]
ROLES: tuple[str, ...] = ("outreach", "lead", "researcher", "analyst", "admin")

DEFAULT_USER_AGENT = (
    "ScoutBot/0.1 (anti-trafficking outreach research crawler; "
    "operators: set SCOUT_USER_AGENT to name your organisation and a contact)"
)


def default_data_dir() -> Path:
    """Where Scout keeps its database and key when nothing else is configured (XDG)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "scout"


def config_file_path() -> Path | None:
    """The scout.toml in use: $SCOUT_CONFIG, else ./scout.toml if present."""
    explicit = os.environ.get("SCOUT_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"SCOUT_CONFIG names {path}, which is not a file")
        return path
    local = Path("scout.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Effective configuration. Every field can be set as SCOUT_<NAME> or in scout.toml."""

    model_config = SettingsConfigDict(env_prefix="SCOUT_", extra="forbid", frozen=True)

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the SQLite database, the secret key and crawl state (0700).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is a SQLite file scout.db in the data directory. "
        "postgresql:// URLs use psycopg 3.",
    )
    timezone: str = Field(
        default="Europe/Copenhagen", description="Time zone for weeks, schedules and reports."
    )
    retention_days: int = Field(
        default=180, ge=1, le=3650, description="Days an advert is kept after it is gone."
    )
    log_retention_days: int = Field(
        default=14, ge=1, le=365, description="Days crawl logs (they name advert URLs) are kept."
    )
    user_agent: str = Field(
        default=DEFAULT_USER_AGENT,
        min_length=8,
        description="User agent the crawler identifies as.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Master secret as 64 hex characters; overrides secret_key_file. Never logged.",
    )
    secret_key_file: Path | None = Field(
        default=None,
        description="File holding the master secret (created 0600 on first use); "
        "default <data_dir>/secret.key.",
    )
    sites_dir: Path | None = Field(
        default=None,
        description="Folder of site files; default the bundled spiders/sites/ (demo sites).",
    )
    actor: str | None = Field(
        default=None,
        description="Who is acting, for the audit log: set by the web app per account; on the "
        "command line always the OS user (never from the environment).",
    )
    roles: dict[str, Role] = Field(
        default_factory=dict,
        description="OS user → role: outreach, lead, researcher, analyst or admin "
        "(operator file only).",
    )
    default_role: Role = Field(
        default="analyst",
        description="Role of an OS user not listed in `roles` (operator file only).",
    )
    digest_weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field(
        default="mon", description="Day the weekly digest is written (for the week before)."
    )
    digest_hour: int = Field(default=7, ge=0, le=23, description="Hour of the weekly digest.")
    purge_hour: int = Field(default=3, ge=0, le=23, description="Hour of the nightly purge.")
    crawl_time_limit_minutes: int = Field(
        default=180, ge=1, le=1440, description="A scheduled crawl running longer is stopped."
    )
    reveal_daily_cap: int = Field(
        default=20,
        ge=1,
        le=500,
        description="Contact reveals one outreach worker may make in a day (operator file only).",
    )
    reveal_caps: dict[str, int] = Field(
        default_factory=dict,
        description="OS user → own daily reveal cap, at most 500 (operator file only).",
    )
    claim_hours: int = Field(
        default=48,
        ge=1,
        le=720,
        description="How long a claim on a target lasts unless a contact is logged first.",
    )
    export_k: int = Field(
        default=10,
        ge=5,
        le=1000,
        description="k-anonymity an export must reach, in distinct clusters (PRIVACY 12).",
    )
    export_l: int = Field(
        default=2, ge=2, le=100, description="l-diversity per sensitive indicator in exports."
    )
    export_max_expiry_days: int = Field(
        default=730, ge=1, le=3650, description="How far ahead an export's expiry may be."
    )
    effects_min_count: int = Field(
        default=5,
        ge=5,
        le=1000,
        description="Effects report: a count under this is suppressed and marked (never below 5).",
    )
    analyse_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=64,
        description="Processes `scout analyse` uses for a big backlog (thousands of versions); "
        "1 analyses in the calling process.",
    )
    broker_url: str | None = Field(
        default=None,
        description="Task queue broker (redis://host:6379/0). Set: `scout schedule run` "
        "enqueues jobs for `scout worker` processes (PostgreSQL required); unset: it runs "
        "them itself.",
    )
    worker_lock_seconds: int = Field(
        default=60,
        ge=5,
        le=3600,
        description="A worker's lock on a site's crawl (or on linking) expires this long "
        "after its last renewal, so a dead worker's lock frees itself.",
    )
    link_gap_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="A linking run looks this long for an advert version or image numbered "
        "below its watermark but not yet committed when the previous run started (PostgreSQL "
        "numbers rows before they commit); longer than any write transaction stays open.",
    )
    broker_visibility_timeout: int = Field(
        default=4 * 3600,
        ge=10,
        le=7 * 86400,
        description="Seconds after which a job taken by a worker that never finished it "
        "(the worker died) is given to another; longer than the longest crawl.",
    )

    web_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address people open the web app at; enrolment links start with it.",
    )
    web_secure_cookie: bool = Field(
        default=True,
        description="Send the session cookie only over HTTPS (as __Host-scout_session); "
        "turn off only for plain-HTTP tests on loopback.",
    )
    web_idle_timeout_seconds: int = Field(
        default=900, ge=10, le=86400, description="A web session unused this long ends."
    )
    web_session_hours: int = Field(
        default=10, ge=1, le=24, description="A web session ends this long after sign-in."
    )
    web_enrolment_hours: int = Field(
        default=72, ge=1, le=720, description="How long an enrolment link stays valid."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = config_file_path()
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            _Refusing(env_settings, "the environment (SCOUT_*)"),
        ]
        if path is not None:
            toml = TomlConfigSettingsSource(settings_cls, toml_file=path)
            sources.append(_Refusing(toml, str(path)))
        return tuple(sources)

    @field_validator("reveal_caps")
    @classmethod
    def _caps_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        for actor, cap in value.items():
            if not 1 <= cap <= 500:
                raise ValueError(f"{actor}: a daily reveal cap is between 1 and 500, not {cap}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _parsable_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError("not a database URL (e.g. postgresql://user@host/db)") from exc
        if backend not in SUPPORTED_DATABASES:  # C28: mysql:// ended in a ModuleNotFoundError
            raise ValueError(f"Scout supports sqlite and postgresql databases, not {backend}")
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        """The URL Scout connects to, with postgresql:// mapped to the psycopg 3 driver."""
        if self.database_url is None:
            return f"sqlite:///{self.data_dir / 'scout.db'}"
        url = make_url(self.database_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)

    @property
    def redacted_database_url(self) -> str:
        return make_url(self.effective_database_url).render_as_string(hide_password=True)

    @property
    def effective_secret_key_file(self) -> Path:
        return self.secret_key_file or self.data_dir / "secret.key"

    @property
    def effective_actor(self) -> str:
        return self.actor or operators.os_user()

    @property
    def role(self) -> Role:
        return self.roles.get(self.effective_actor, self.default_role)

    @property
    def reveal_cap(self) -> int:
        """The actor's daily reveal cap: their own in the operator file, else the common one."""
        return self.reveal_caps.get(self.effective_actor, self.reveal_daily_cap)

    def redacted(self) -> dict[str, Any]:
        """Effective configuration for display: secrets and passwords never shown."""
        key_source = (
            "SCOUT_SECRET_KEY (set, hidden)"
            if self.secret_key is not None
            else f"file {self.effective_secret_key_file} (contents hidden)"
        )
        return {
            "config_file": str(config_file_path() or "(none)"),
            "operator_file": str(operators.operator_file_path()[0]),
            "data_dir": str(self.data_dir),
            "database_url": self.redacted_database_url,
            "timezone": self.timezone,
            "retention_days": self.retention_days,
            "log_retention_days": self.log_retention_days,
            "user_agent": self.user_agent,
            "sites_dir": str(self.sites_dir or "(bundled spiders/sites)"),
            "secret_key": key_source,
            "actor": self.effective_actor,
            "role": self.role,
            "default_role": self.default_role,
            "roles": dict(self.roles),
            "digest": f"{self.digest_weekday} {self.digest_hour:02d}:00",
            "purge_hour": self.purge_hour,
            "crawl_time_limit_minutes": self.crawl_time_limit_minutes,
            "reveal_daily_cap": self.reveal_cap,
            "claim_hours": self.claim_hours,
            "export_k": self.export_k,
            "export_l": self.export_l,
            "export_max_expiry_days": self.export_max_expiry_days,
            "web_base_url": self.web_base_url,
            "web_secure_cookie": self.web_secure_cookie,
            "web_idle_timeout_seconds": self.web_idle_timeout_seconds,
            "web_session_hours": self.web_session_hours,
            "web_enrolment_hours": self.web_enrolment_hours,
            "analyse_workers": self.analyse_workers,
            "broker_url": self.redacted_broker_url,
            "worker_lock_seconds": self.worker_lock_seconds,
            "broker_visibility_timeout": self.broker_visibility_timeout,
            "link_gap_minutes": self.link_gap_minutes,
        }

    @property
    def redacted_broker_url(self) -> str:
        if self.broker_url is None:
            return "(none: the scheduler runs jobs itself)"
        return make_url(self.broker_url).render_as_string(hide_password=True)

    def require_store_for_workers(self) -> None:
        """Workers on several machines share one store: refuse SQLite with a broker."""
        if self.broker_url and make_url(self.effective_database_url).get_backend_name() != (
            "postgresql"
        ):
            raise ConfigError(
                "SCOUT_BROKER_URL is set but the database is SQLite: workers need PostgreSQL "
                "(set SCOUT_DATABASE_URL=postgresql://...), or unset SCOUT_BROKER_URL"
            )


class _Refusing(PydanticBaseSettingsSource):
    """A settings source that refuses roles, caps and the actor (see pipeline.core.operators)."""

    def __init__(self, inner: PydanticBaseSettingsSource, where: str) -> None:
        super().__init__(inner.settings_cls)
        self.inner, self.where = inner, where

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = self.inner()
        operators.refuse_from(self.where, data)
        return data


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning any malformed input into a one-line ConfigError.

    Roles and caps come from the operator file (pipeline.core.operators), checked for owner
    and mode; the environment and scout.toml are refused for them.
    """
    try:
        settings = Settings(**overrides)
        _, operator = operators.read_operator_file(settings.data_dir)
        return Settings(**{**operator, **overrides}) if operator else settings
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigError(f"invalid configuration: {where}: {first['msg']}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"malformed {config_file_path()}: {exc}") from exc
