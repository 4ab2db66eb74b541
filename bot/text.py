"""Cutting text to a length for what people are shown: an echo of what they typed, a quoted
sentence, a headline. The one place a cut ends in "…"; it imports nothing of the bot, so every
layer may use it."""

from __future__ import annotations

ELLIPSIS = "…"


def cut(text: str, limit: int, *, words: bool = False) -> str:
    """`text` when it has at most `limit` characters, else its start and "…", `limit` characters in
    all. With `words`, the cut falls back to the last space before it so that no word is split (the
    result is then shorter); a first word longer than the limit is cut inside. A limit of 0 gives "";
    a negative one is a mistake."""
    if limit < 0:
        raise ValueError(f"a length limit cannot be negative: {limit}")
    if len(text) <= limit:
        return text
    if limit == 0:
        return ""
    head = text[: limit - 1]
    if words:
        head = head.rsplit(" ", 1)[0]
    return head + ELLIPSIS
