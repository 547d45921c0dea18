from __future__ import annotations

from pathlib import Path

import pytest

from accord.config import ConfigError, load_settings


def test_defaults_use_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_DATABASE_URL", raising=False)
    monkeypatch.delenv("ACCORD_CONFIG_FILE", raising=False)
    settings = load_settings()
    assert settings.database_url is None
    assert settings.port == 8000


def test_environment_sets_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_DATABASE_URL", "postgresql://u@db:5432/accord")
    monkeypatch.setenv("ACCORD_PORT", "9001")
    settings = load_settings()
    assert settings.database_url == "postgresql://u@db:5432/accord"
    assert settings.port == 9001


def test_a_bad_database_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_DATABASE_URL", "mysql://root@localhost/accord")
    with pytest.raises(ConfigError, match=r"ACCORD_DATABASE_URL: expected a PostgreSQL URL"):
        load_settings()


def test_a_bad_port_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_PORT", "eighty")
    with pytest.raises(ConfigError, match=r"ACCORD_PORT"):
        load_settings()


def test_config_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "accord.toml"
    path.write_text('port = 7000\nlog_level = "debug"\n')
    monkeypatch.setenv("ACCORD_CONFIG_FILE", str(path))
    monkeypatch.setenv("ACCORD_PORT", "7001")
    settings = load_settings()
    assert settings.log_level == "debug"
    assert settings.port == 7001


def test_unknown_key_in_config_file_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "accord.toml"
    path.write_text("databse_url = 'postgresql://x/y'\n")
    monkeypatch.setenv("ACCORD_CONFIG_FILE", str(path))
    with pytest.raises(ConfigError, match=r"ACCORD_DATABSE_URL: unknown setting"):
        load_settings()


def test_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACCORD_CONFIG_FILE", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match=r"nope.toml"):
        load_settings()


def test_invalid_toml_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "accord.toml"
    path.write_text("port = = 1\n")
    monkeypatch.setenv("ACCORD_CONFIG_FILE", str(path))
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        load_settings()
