"""One Settings object, read from the environment (``ACCORD_…``) and an optional TOML file.

The file is named by ``ACCORD_CONFIG_FILE``; environment variables win over it. Settings are
validated once at start-up; `load_settings` turns every problem into one readable message.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from accord.kit.errors import AccordError

POSTGRES_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


class ConfigError(AccordError):
    type_slug = "config-error"
    title = "Invalid configuration"


class Settings(BaseSettings):
    """Accord's configuration. With nothing set, Accord runs on its embedded PostgreSQL."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="forbid")

    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; unset means the embedded server"
    )
    data_dir: Path = Field(default=Path(".accord"), description="local state (embedded pgdata)")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    migrate_on_start: bool = Field(default=True, description="apply migrations in serve/demo")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in POSTGRES_SCHEMES or not rest:
            raise ValueError("expected a PostgreSQL URL such as postgresql://user@host:5432/accord")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFileSource(settings_cls))


class _TomlFileSource(PydanticBaseSettingsSource):
    """Values from the TOML file named by ACCORD_CONFIG_FILE (keys as in Settings)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("ACCORD_CONFIG_FILE")
        if not path:
            return {}
        try:
            with open(path, "rb") as handle:
                return tomllib.load(handle)
        except OSError as error:
            raise ConfigError(f"ACCORD_CONFIG_FILE {path}: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"ACCORD_CONFIG_FILE {path}: not valid TOML: {error}") from None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and file, or ConfigError naming every bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(_describe(e) for e in error.errors())
        raise ConfigError(f"invalid configuration: {problems}") from None


def _describe(error: Any) -> str:
    name = ".".join(str(part) for part in error["loc"]) or "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown setting"
    return f"ACCORD_{name.upper()}: {message}"
