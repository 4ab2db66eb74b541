"""The direction of the house: storage knows nothing of the bot, and sending a message does not load
the commands. Each check imports in a fresh interpreter, so what other tests imported cannot hide a
dependency."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import storage

ROOT = Path(__file__).resolve().parents[2]


def loaded_after_importing(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def storage_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(storage.__path__, "storage.")
        if not info.name.startswith("storage.migrations")  # alembic's scripts, run by alembic
    ]


def test_every_storage_module_imports_without_the_bot():
    modules = storage_modules()
    assert "storage.facts" in modules and "storage.models" in modules
    loaded = loaded_after_importing(modules)
    assert sorted(m for m in loaded if m == "bot" or m.startswith("bot.")) == []


def test_the_telegram_outbox_sends_without_loading_the_commands():
    loaded = loaded_after_importing(["bot.delivery.telegram"])
    assert "bot.telegram.client" in loaded
    assert sorted(m for m in loaded if m.startswith(("bot.commands", "bot.telegram.app"))) == []
