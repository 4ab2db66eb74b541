"""A `Reply` as plain JSON data and back, so a prepared digest or alert can wait in the delivery
ledger and be rendered, exactly as composed, when it is sent (after a restart too).

Each piece is tagged, because several pieces have the same shape: an inline piece is a bare string or
[tag, text] / ["a", text, url]; a block is [tag, ...]; a button is ["cb", label, action] or
["url", label, url]."""

from __future__ import annotations

from typing import Any

from bot.replies import (
    Block,
    Bold,
    Bullets,
    Button,
    Code,
    Heading,
    Inline,
    Italic,
    Line,
    Link,
    Paragraph,
    Quote,
    Reply,
    Separator,
    Text,
    UrlButton,
)

_INLINE: dict[type[Text | Bold | Italic | Code], str] = {Text: "t", Bold: "b", Italic: "i", Code: "c"}
_INLINE_BACK: dict[str, type[Text | Bold | Italic | Code]] = {tag: cls for cls, tag in _INLINE.items()}


def reply_to_data(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"blocks": [_block(b) for b in reply.blocks]}
    if reply.buttons:
        data["buttons"] = [[_button(b) for b in row] for row in reply.buttons]
    if reply.link_preview:
        data["link_preview"] = True
    if reply.notice is not None:
        data["notice"] = reply.notice
    return data


def reply_from_data(data: dict[str, Any]) -> Reply:
    return Reply(
        tuple(_block_back(b) for b in data["blocks"]),
        tuple(tuple(_button_back(b) for b in row) for row in data.get("buttons", ())),
        link_preview=bool(data.get("link_preview", False)),
        notice=data.get("notice"),
    )


def _line(parts: Line) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Link):
            out.append(["a", part.text, part.url])
        else:
            out.append([_INLINE[type(part)], part.text])
    return out


def _line_back(parts: list[Any]) -> Line:
    line: list[Inline | str] = []
    for part in parts:
        if isinstance(part, str):
            line.append(part)
        elif part[0] == "a":
            line.append(Link(part[1], part[2]))
        else:
            line.append(_INLINE_BACK[part[0]](part[1]))
    return tuple(line)


def _block(block: Block) -> list[Any]:
    if isinstance(block, Paragraph):
        return ["p", _line(block.parts)]
    if isinstance(block, Heading):
        return ["h", block.text]
    if isinstance(block, Bullets):
        return ["ul", [_line(item) for item in block.items]]
    if isinstance(block, Quote):
        return ["q", block.text]
    return ["sep"]


def _block_back(data: list[Any]) -> Block:
    tag = data[0]
    if tag == "p":
        return Paragraph(_line_back(data[1]))
    if tag == "h":
        return Heading(data[1])
    if tag == "ul":
        return Bullets(tuple(_line_back(item) for item in data[1]))
    if tag == "q":
        return Quote(data[1])
    if tag == "sep":
        return Separator()
    raise ValueError(f"not a stored block: {data!r}")


def _button(button: Button | UrlButton) -> list[str]:
    if isinstance(button, Button):
        return ["cb", button.label, button.action]
    return ["url", button.label, button.url]


def _button_back(data: list[str]) -> Button | UrlButton:
    kind, label, target = data
    return Button(label, target) if kind == "cb" else UrlButton(label, target)
