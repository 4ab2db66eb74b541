"""Terminal adapter: a `Reply` as readable plain text for the console, with buttons listed as numbered
choices ("[1] More ▸   [2] Settings") that `choices()` maps back to their actions.

Text from articles and users is shown literally (no markup to escape), but control characters are
dropped so an article cannot move the cursor or recolour the terminal. No ANSI codes are written
unless `color=True`, and then only bold."""

from __future__ import annotations

import re
import textwrap
import unicodedata

from bot.replies import (
    Block,
    Bold,
    Bullets,
    Button,
    Code,
    Heading,
    Italic,
    Line,
    Link,
    Paragraph,
    Quote,
    Reply,
    Separator,
    Text,
    UrlButton,
    is_safe_url,
)

BOLD_ON, BOLD_OFF = "\x1b[1m", "\x1b[0m"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all C0/C1 controls except tab and newline


def render_text(reply: Reply, width: int = 100, *, color: bool = False, wrap: bool = False) -> str:
    """The reply as plain text, blocks separated by a blank line, choices at the end.

    `width` bounds separator rules and heading underlines. Lines are left whole by default (the
    terminal wraps them, and a fact stays on one line for grep and copy-paste); with `wrap=True`
    they are wrapped at word boundaries to `width` columns, never inside a word or URL."""
    wrap_at = width if wrap else 0
    sections: list[str] = []
    if reply.notice:
        sections.append(_wrap(f"({_clean(reply.notice)})", wrap_at))
    pending_rule = False
    for block in reply.blocks:
        if isinstance(block, Separator):
            pending_rule = bool(sections)
            continue
        rendered = _block(block, width, wrap_at, color)
        if not rendered.strip():
            continue
        if pending_rule:
            sections.append("─" * min(width, 40))
            pending_rule = False
        sections.append(rendered)
    sections.extend(_button_lines(reply))
    return "\n\n".join(sections)


def choices(reply: Reply) -> list[str]:
    """The actions of the reply's buttons in the order `render_text` numbers them: choice "1" is
    `choices(reply)[0]`. Link buttons open a URL, so they are shown but not numbered."""
    return [button.action for row in reply.buttons for button in row if isinstance(button, Button)]


def _block(block: Block, width: int, wrap_at: int, color: bool) -> str:
    if isinstance(block, Heading):
        title = _clean(block.text)
        rule = "=" * min(max(_columns(line) for line in title.splitlines() or [""]), width)
        return f"{_bold(title, color)}\n{rule}"
    if isinstance(block, Paragraph):
        return _wrap(_line(block.parts, color), wrap_at)
    if isinstance(block, Bullets):
        return "\n".join(
            _wrap(_line(item, color), wrap_at, first="  • ", rest="    ") for item in block.items
        )
    if isinstance(block, Quote):
        return _wrap(_clean(block.text), wrap_at, first="> ", rest="> ")
    raise TypeError(f"not a block: {block!r}")


def _line(parts: Line, color: bool) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(_clean(part))
        elif isinstance(part, Bold):
            out.append(_bold(_clean(part.text), color))
        elif isinstance(part, Link):
            text, url = _clean(part.text), _clean(part.url)
            if not is_safe_url(part.url):
                out.append(text)
            elif text.strip() in ("", url):
                out.append(f"<{url}>")
            else:
                out.append(f"{text} <{url}>")
        elif isinstance(part, Text | Italic | Code):
            out.append(_clean(part.text))
    return "".join(out)


def _button_lines(reply: Reply) -> list[str]:
    lines: list[str] = []
    number = 0
    for row in reply.buttons:
        labels: list[str] = []
        for button in row:
            if isinstance(button, UrlButton):
                labels.append(f"{_clean(button.label)} <{_clean(button.url)}>")
            else:
                number += 1
                labels.append(f"[{number}] {_clean(button.label)}")
        if labels:
            lines.append("   ".join(labels))
    return ["\n".join(lines)] if lines else []


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    """Each line of `text` wrapped on its own (not at all when width is 0); `first` starts the
    block, `rest` indents the others."""
    wrapped: list[str] = []
    for line in text.split("\n"):
        indent = rest if wrapped else first
        if not width:
            wrapped.append((indent + line).rstrip() if line.strip() else indent.rstrip())
            continue
        filled = textwrap.wrap(
            line,
            width=max(width, len(indent) + 10),
            initial_indent=indent,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        wrapped.extend(filled or [indent.rstrip()])
    return "\n".join(wrapped)


def _bold(text: str, color: bool) -> str:
    return f"{BOLD_ON}{text}{BOLD_OFF}" if color and text else text


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _columns(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
