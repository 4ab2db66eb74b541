"""Settings from the environment and `.env`: defaults, parsing, one-line errors, secrets kept quiet."""

from __future__ import annotations

import os
import shutil
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings, SettingsError, load_settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345"
ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting comes from the developer's environment or .env; tests write their own."""
    names = {name.upper() for name in Settings.model_fields}
    for name in list(os.environ):
        if name.upper() in names:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def error_for(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


# Defaults


def test_default_database_is_a_sqlite_file_under_data():
    url = load_settings().database_url
    assert url.startswith("sqlite:///")
    assert url.removeprefix("sqlite:///").startswith("data/")


def test_default_timezone_is_utc():
    settings = load_settings()
    assert settings.default_timezone == "UTC"
    assert settings.timezone == ZoneInfo("UTC")


def test_default_has_no_admins_and_no_token():
    settings = load_settings()
    assert settings.admin_chat_ids == []
    assert settings.telegram_bot_token is None
    assert settings.secrets() == []


def test_default_telegram_server_is_telegrams_own():
    assert load_settings().telegram_base_url == "https://api.telegram.org"


# Parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12345, -100987", [12345, -100987]), ("12345", [12345]), ("1 2,3", [1, 2, 3]), ("", [])],
)
def test_admin_chat_ids_are_read_from_a_comma_separated_list(monkeypatch, value, expected):
    monkeypatch.setenv("ADMIN_CHAT_IDS", value)
    assert load_settings().admin_chat_ids == expected


def test_admin_chat_ids_that_are_not_numbers_are_refused_with_a_one_line_reason(monkeypatch):
    message = error_for(monkeypatch, "ADMIN_CHAT_IDS", "abc")
    assert message.startswith("setting ADMIN_CHAT_IDS:")
    assert "\n" not in message


def test_timezone_is_read_as_an_iana_zone(monkeypatch):
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Asia/Taipei")
    settings = load_settings()
    assert settings.default_timezone == "Asia/Taipei"
    assert settings.timezone == ZoneInfo("Asia/Taipei")


def test_digest_time_is_read_as_hours_and_minutes(monkeypatch):
    monkeypatch.setenv("DEFAULT_DIGEST_TIME", "07:30")
    assert load_settings().default_digest_time == time(7, 30)


def test_telegram_base_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://localhost:8081/")
    assert load_settings().telegram_base_url == "http://localhost:8081"


# Bad values: one line that names the setting


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", ""])
def test_unknown_timezone_is_refused_naming_the_setting_and_iana(monkeypatch, zone):
    message = error_for(monkeypatch, "DEFAULT_TIMEZONE", zone)
    assert message.startswith("setting DEFAULT_TIMEZONE:")
    assert "IANA" in message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEFAULT_DIGEST_TIME", "25:99"),
        ("FETCH_INTERVAL_MINUTES", "0"),
        ("FETCH_INTERVAL_MINUTES", "often"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_BASE_URL", "ftp://x"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_unusable_value_is_refused_naming_the_setting(monkeypatch, name, value):
    message = error_for(monkeypatch, name, value)
    assert message.startswith(f"setting {name}:")
    assert "\n" not in message


def test_error_for_a_bad_database_url_does_not_echo_its_password(monkeypatch):
    message = error_for(monkeypatch, "DATABASE_URL", "mysql://bot:hunter2pass@db/digest")
    assert message.startswith("setting DATABASE_URL:")
    assert "hunter2pass" not in message


# Secrets


def test_malformed_token_is_refused_without_echoing_it(monkeypatch):
    message = error_for(monkeypatch, "TELEGRAM_BOT_TOKEN", "supersecretvalue123")
    assert message.startswith("setting TELEGRAM_BOT_TOKEN:")
    assert "supersecretvalue123" not in message


def test_well_formed_token_is_accepted(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN


def test_empty_token_means_no_token(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    assert load_settings().telegram_bot_token is None


@pytest.mark.parametrize("render", [repr, str], ids=["repr", "str"])
def test_token_is_not_shown_when_settings_are_printed(monkeypatch, render):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert TOKEN not in render(load_settings())


def test_token_is_listed_among_the_secrets(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert TOKEN in load_settings().secrets()


def test_database_password_is_listed_among_the_secrets(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot:hunter2pass@db.internal:5432/digest")
    assert "hunter2pass" in load_settings().secrets()


@pytest.mark.parametrize("render", [repr, str], ids=["repr", "str"])
def test_database_password_is_not_shown_when_settings_are_printed(monkeypatch, render):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot:hunter2pass@db.internal:5432/digest")
    assert "hunter2pass" not in render(load_settings())


# .env


def test_values_are_read_from_a_dotenv_file_in_the_current_directory(tmp_path):
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nADMIN_CHAT_IDS=42,-1001\nDEFAULT_TIMEZONE=Europe/Berlin\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.admin_chat_ids == [42, -1001]
    assert settings.default_timezone == "Europe/Berlin"


def test_environment_wins_over_dotenv(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(
        "DEFAULT_TIMEZONE=Europe/Berlin\nFETCH_INTERVAL_MINUTES=5\n", encoding="utf-8"
    )
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Asia/Taipei")
    settings = load_settings()
    assert settings.default_timezone == "Asia/Taipei"
    assert settings.fetch_interval_minutes == 5


def test_bad_value_in_dotenv_is_refused_naming_the_setting(tmp_path):
    (tmp_path / ".env").write_text("DEFAULT_TIMEZONE=Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^setting DEFAULT_TIMEZONE:"):
        load_settings()


def test_unrelated_variables_in_dotenv_are_ignored(tmp_path):
    (tmp_path / ".env").write_text(
        "POSTGRES_PASSWORD=x\nCOMPOSE_PROJECT_NAME=digest\nFETCH_INTERVAL_MINUTES=5\n", encoding="utf-8"
    )
    assert load_settings().fetch_interval_minutes == 5


def test_env_example_copied_unchanged_to_dotenv_gives_the_defaults(tmp_path):
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    from_example = load_settings()
    (tmp_path / ".env").unlink()
    assert from_example == load_settings()
