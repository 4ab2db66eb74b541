"""Secrets (the bot token, database passwords) never reach a log line (bot/logs.py)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.logs import MASK, JsonLines, RedactSecrets

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345"
PASSWORD = "hunter2pass"


class Recorder(logging.Handler):
    """Keeps every formatted line, as a real handler would write it."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.handleError(record)  # as logging.StreamHandler does

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    handler = Recorder()
    handler.addFilter(RedactSecrets([TOKEN, PASSWORD]))
    yield handler


@pytest.fixture
def log(recorder: Recorder) -> Iterator[logging.Logger]:
    logger = logging.getLogger(f"tests.unit.logs.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(recorder)
    yield logger
    logger.removeHandler(recorder)


def test_token_in_a_percent_argument_is_masked(log, recorder):
    log.info("GET https://api.telegram.org/bot%s/getMe -> %d", TOKEN, 200)
    assert recorder.lines == [f"INFO GET https://api.telegram.org/bot{MASK}/getMe -> 200"]


def test_token_in_the_message_itself_is_masked(log, recorder):
    log.warning(f"retrying with token {TOKEN}")
    assert recorder.lines == [f"WARNING retrying with token {MASK}"]


def test_database_password_is_masked(log, recorder):
    log.info("connecting to %s", f"postgresql+psycopg://bot:{PASSWORD}@db/digest")
    assert recorder.lines == [f"INFO connecting to postgresql+psycopg://bot:{MASK}@db/digest"]


def test_token_in_an_exception_traceback_is_masked(log, recorder):
    try:
        raise RuntimeError(f"connect failed for https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("send failed")
    assert TOKEN not in recorder.output
    assert recorder.output.startswith("ERROR send failed\nTraceback (most recent call last):")
    assert recorder.output.endswith(
        f"RuntimeError: connect failed for https://api.telegram.org/bot{MASK}/sendMessage"
    )


def test_token_in_a_chained_exception_is_masked(log, recorder):
    try:
        try:
            raise OSError(f"refused: /bot{TOKEN}/getUpdates")
        except OSError as inner:
            raise RuntimeError("polling stopped") from inner
    except RuntimeError:
        log.exception("poller crashed")
    assert TOKEN not in recorder.output
    assert f"OSError: refused: /bot{MASK}/getUpdates" in recorder.output
    assert "RuntimeError: polling stopped" in recorder.output


def test_text_without_secrets_is_left_intact(log, recorder):
    log.info("ingested %d of %d inputs from %s (100%% done)", 3, 4, "seeds/")
    assert recorder.lines == ["INFO ingested 3 of 4 inputs from seeds/ (100% done)"]


def test_the_longer_of_two_overlapping_secrets_is_masked_whole():
    redact = RedactSecrets(["abcd", "abcdefgh"])
    assert redact.redact("key=abcdefgh") == f"key={MASK}"


def test_very_short_secrets_are_not_masked_everywhere():
    """A 1-3 character password would turn every matching letter in every line into ***."""
    redact = RedactSecrets(["pw", ""])
    assert redact.redact("upward pw") == "upward pw"


def test_a_malformed_log_call_does_not_raise_into_the_caller(log, monkeypatch):
    monkeypatch.setattr(logging, "raiseExceptions", False)
    log.info("%d articles", "many")  # must not raise, like logging without the filter


def test_json_lines_are_one_masked_object_per_event_traceback_included(recorder: Recorder):
    recorder.setFormatter(JsonLines())
    log = logging.getLogger(f"test.{uuid.uuid4()}")
    log.addHandler(recorder)
    log.propagate = False
    try:
        raise RuntimeError(f"refused https://api.telegram.org/bot{TOKEN}/sendMessage\nsecond line")
    except RuntimeError:
        log.exception("sending to chat %d failed with %s", 7, PASSWORD)
    [line] = recorder.lines
    event = json.loads(line)
    assert event["level"] == "ERROR" and event["logger"] == log.name
    assert event["message"] == f"sending to chat 7 failed with {MASK}"
    assert event["error"].startswith("Traceback") and f"bot{MASK}/sendMessage" in event["error"]
    assert TOKEN not in line and PASSWORD not in line
    assert datetime.fromisoformat(event["time"]).tzinfo is not None
