"""Logging set-up: one line per event, as text or (LOG_FORMAT=json) as a JSON object, and secrets
(the bot token, database passwords) masked everywhere."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

MASK = "***"


class RedactSecrets(logging.Filter):
    """Replaces every known secret in a record's rendered message and traceback with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # Arguments that do not fit the format: let the handler report it as logging does.
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: {"time": ISO 8601 UTC, "level", "logger", "message"}, and "error" with
    the traceback when there is one (newlines escaped, so an event never spans two lines). The
    message is the rendered one, after RedactSecrets masked it."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            event["error"] = record.exc_text
        return json.dumps(event, ensure_ascii=False)


TEXT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def setup_logging(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json" else TEXT)
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    for noisy in ("httpx", "httpcore", "alembic", "apscheduler", "trafilatura", "htmldate"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class LineHandler(logging.Handler):
    """Hands each formatted record, as one piece of text, to `write` (a terminal that keeps its
    prompt in place: bot.console.Terminal.error)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__()
        self.write = write

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.write(self.format(record))
        except Exception:
            self.handleError(record)


def log_through(write: Callable[[str], None]) -> None:
    """From now on the root logger's lines go to `write`, in the same format, secrets masked alike."""
    root = logging.getLogger()
    handler = LineHandler(write)
    for old in root.handlers:
        handler.setFormatter(old.formatter)
        for found in old.filters:
            handler.addFilter(found)
    root.handlers[:] = [handler]
