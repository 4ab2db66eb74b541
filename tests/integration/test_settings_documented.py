"""Every setting is in .env.example with a comment, and .env.example itself is a valid configuration."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def documented() -> dict[str, str]:
    """NAME -> the comment line right above it."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    found = {}
    for previous, line in itertools.pairwise(lines):
        if line and not line.startswith("#") and "=" in line:
            found[line.split("=", 1)[0]] = previous.lstrip("# ").strip() if previous.startswith("#") else ""
    return found


def test_every_setting_is_in_env_example_with_a_comment():
    names = {name.upper() for name in Settings.model_fields}
    docs = documented()
    assert names == set(docs)
    assert all(docs[name] for name in names), "each setting needs a one-line comment above it"


def test_env_example_as_dot_env_loads_as_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / ".env").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from_example = load_settings()
    (tmp_path / ".env").unlink()
    assert from_example.model_dump() == load_settings().model_dump()
