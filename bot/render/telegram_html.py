"""Telegram adapter: a `Reply` becomes one or more messages in Telegram's HTML parse mode, each within
Telegram's length limit, with the inline keyboard on the last one.

Only <b>, <i>, <code>, <a href> and <blockquote> are produced, and all text is escaped here, from the
raw strings in the reply. A reply is first flattened into visible text plus a style per character;
messages are cut from that text and only then turned into HTML, so a cut can never fall inside a tag
or an entity, and formatting that spans a cut is closed at the end of one message and re-opened at
the start of the next. Control characters (but tab and newline) are dropped: nothing to see, and a
message of nothing else would be refused."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from itertools import groupby
from typing import NotRequired, TypeAlias, TypedDict

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
    is_safe_url,
)

MESSAGE_LIMIT = 4096  # Telegram: visible characters (UTF-16 code units) of a message after parsing
# What we fill a message up to. The 96 units of slack cover any difference between our count and the
# server's (how it normalizes whitespace, line ends or odd code points); a message is never split
# for lack of those last few characters in practice, and a wrong count would lose the whole message.
MESSAGE_BUDGET = 4000
EMPTY_WITH_BUTTONS = "Choose one:"  # Telegram cannot send buttons without text

Tag: TypeAlias = tuple[str, str | None]  # ("b", None), ("a", "https://…")
Style: TypeAlias = tuple[Tag, ...]  # outermost first


class KeyboardButton(TypedDict):
    """The keyword arguments of one telegram.InlineKeyboardButton: a callback button or a URL button."""

    text: str
    callback_data: NotRequired[str]
    url: NotRequired[str]


Keyboard: TypeAlias = list[list[KeyboardButton]]

_BOLD: Style = (("b", None),)
_INLINE_TAGS: dict[type, str] = {Bold: "b", Italic: "i", Code: "code"}


@dataclass(frozen=True)
class TelegramMessage:
    """One sendMessage call: HTML text, inline keyboard rows (or None), and the link-preview switch."""

    html: str
    keyboard: Keyboard | None
    disable_preview: bool


def render_html(reply: Reply, budget: int = MESSAGE_BUDGET) -> list[TelegramMessage]:
    """The messages that show `reply` in Telegram, in order; the keyboard is on the last one."""
    if not 2 <= budget <= MESSAGE_LIMIT:
        raise ValueError(f"budget must be between 2 and {MESSAGE_LIMIT} UTF-16 units")
    flat = _flatten(reply)
    pages = [_to_html(flat, start, end) for start, end in _split(flat, budget)]
    keyboard = _keyboard(reply)
    if not pages and keyboard:
        pages = [escape(EMPTY_WITH_BUTTONS, quote=False)]
    disable = not reply.link_preview
    return [
        TelegramMessage(page, keyboard if i == len(pages) - 1 else None, disable)
        for i, page in enumerate(pages)
    ]


def visible_length(html: str) -> int:
    """How long Telegram counts a message: the text left after removing tags and decoding entities,
    in UTF-16 code units (an emoji outside the Basic Multilingual Plane counts 2)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return _utf16("".join(parser.parts))


# --- flattening: visible text, a style per character, and where blocks meet --------------------------


@dataclass(frozen=True)
class _Flat:
    text: str
    styles: list[Style]  # one per character of text
    units: list[int]  # units[i]: UTF-16 length of text[:i]
    block_breaks: list[tuple[int, int]]  # (end of a block, start of the next): preferred cuts
    glued: list[int]  # glued[i]: how many characters before i sit in a gap that must not be cut


def _flatten(reply: Reply) -> _Flat:
    # (runs, sticks to the next block, extra blank lines before it from separators)
    blocks: list[tuple[list[tuple[str, Style]], bool, int]] = []
    if reply.notice:
        blocks.append(([(reply.notice, (("i", None),))], True, 0))
    separators = 0
    for block in reply.blocks:
        if isinstance(block, Separator):
            separators += 1
            continue
        runs = _runs(block)
        if _clean("".join(text for text, _ in runs)).strip():
            blocks.append((runs, _sticks(block), separators if blocks else 0))
            separators = 0

    text: list[str] = []
    styles: list[Style] = []
    block_breaks: list[tuple[int, int]] = []
    in_glue: list[bool] = []
    size = 0
    for i, (runs, _, separators) in enumerate(blocks):
        if i:
            gap = "\n\n" + "\n" * separators
            sticky = blocks[i - 1][1]
            if not sticky:
                block_breaks.append((size, size + len(gap)))
            text.append(gap)
            styles.extend([()] * len(gap))
            in_glue.extend([sticky] * len(gap))
            size += len(gap)
        for run, style in runs:
            run = _clean(run)
            text.append(run)
            styles.extend([style] * len(run))
            in_glue.extend([False] * len(run))
            size += len(run)
    joined = "".join(text)
    units = [0]
    glued = [0]
    for char, glue in zip(joined, in_glue, strict=True):
        units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
        glued.append(glued[-1] + glue)
    return _Flat(joined, styles, units, block_breaks, glued)


def _runs(block: Block) -> list[tuple[str, Style]]:
    if isinstance(block, Paragraph):
        return _line_runs(block.parts)
    if isinstance(block, Heading):
        return [(block.text, _BOLD)]
    if isinstance(block, Quote):
        return [(block.text, (("blockquote", None),))]
    if isinstance(block, Bullets):
        runs: list[tuple[str, Style]] = []
        for i, item in enumerate(block.items):
            runs.append(("\n• " if i else "• ", ()))
            runs.extend(_line_runs(item))
        return runs
    raise TypeError(f"not a block: {block!r}")


def _line_runs(parts: Line) -> list[tuple[str, Style]]:
    runs: list[tuple[str, Style]] = []
    for part in parts:
        if isinstance(part, str):
            runs.append((part, ()))
        elif isinstance(part, Text):
            runs.append((part.text, ()))
        elif isinstance(part, Link):
            runs.append((part.text, (("a", part.url),) if is_safe_url(part.url) else ()))
        else:
            runs.append((part.text, ((_INLINE_TAGS[type(part)], None),)))
    return runs


def _sticks(block: Block) -> bool:
    """Headings, and paragraphs that are only bold labels ("Latest facts"), stay with what follows."""
    if isinstance(block, Heading):
        return True
    return (
        isinstance(block, Paragraph) and bool(block.parts) and all(isinstance(p, Bold) for p in block.parts)
    )


# C0 and C1 control characters but tab and newline: nothing to see, and Telegram trims the C0 ones
# from a message's ends, so a message of nothing else would be refused as empty.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- splitting -------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(\s+)|[。！？][」』”’）]*(\s*)")
_WHITESPACE = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\n+")
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, variation selectors


def _split(flat: _Flat, budget: int) -> list[tuple[int, int]]:
    """(start, end) of each message's slice of the flat text: as many whole blocks as fit; a block
    too long for one message is cut at its last line break that fits, else sentence end, else space,
    else (one enormous word) between characters."""
    text, units = flat.text, flat.units
    levels = [flat.block_breaks] + [
        _cuts(flat, pattern) for pattern in (_LINE_BREAK, _SENTENCE_END, _WHITESPACE)
    ]
    starts = [[cut[0] for cut in level] for level in levels]
    end_all = _rstrip(text, 0, len(text))
    pieces: list[tuple[int, int]] = []
    pos = _lstrip(text, 0, end_all)
    while pos < end_all:
        if units[end_all] - units[pos] <= budget:
            pieces.append((pos, end_all))
            break
        limit = bisect_right(units, units[pos] + budget) - 1  # last index that still fits
        cut = None
        for level, level_starts in zip(levels, starts, strict=True):
            i = bisect_right(level_starts, limit) - 1
            if i >= 0 and level[i][0] > pos:
                cut = level[i]
                break
        if cut is None:
            hard = _hard_cut(text, pos, limit)
            cut = (hard, hard)
        pieces.append((pos, _rstrip(text, pos, cut[0])))
        pos = _lstrip(text, cut[1], end_all)
    return pieces


def _cuts(flat: _Flat, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(end of this message, start of the next) for each match, leaving out glued gaps."""
    cuts = []
    for match in pattern.finditer(flat.text):
        start, end = match.span(match.lastindex or 0)  # the whitespace after a sentence's end
        if flat.glued[min(max(end, start + 1), len(flat.text))] == flat.glued[start]:
            cuts.append((start, end))
    return cuts


def _hard_cut(text: str, pos: int, limit: int) -> int:
    """`limit`, moved back so a combining mark, joiner or skin tone stays with its character."""
    cut = limit
    while cut > pos + 1 and (
        unicodedata.combining(text[cut])
        or text[cut] in _JOINERS
        or text[cut - 1] == "\u200d"
        or 0x1F3FB <= ord(text[cut]) <= 0x1F3FF
    ):
        cut -= 1
    return cut


def _lstrip(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --- HTML --------------------------------------------------------------------------------------------------


def _to_html(flat: _Flat, start: int, end: int) -> str:
    """The slice text[start:end] as balanced Telegram HTML."""
    out: list[str] = []
    open_tags: Style = ()
    position = start
    for style, group in groupby(range(start, end), key=flat.styles.__getitem__):
        length = sum(1 for _ in group)
        common = 0
        while common < min(len(open_tags), len(style)) and open_tags[common] == style[common]:
            common += 1
        out.extend(f"</{name}>" for name, _ in reversed(open_tags[common:]))
        out.extend(_open(tag) for tag in style[common:])
        open_tags = style
        out.append(escape(flat.text[position : position + length], quote=False))
        position += length
    out.extend(f"</{name}>" for name, _ in reversed(open_tags))
    return "".join(out)


def _open(tag: Tag) -> str:
    name, href = tag
    return f'<a href="{escape(href, quote=True)}">' if href is not None else f"<{name}>"


def _keyboard(reply: Reply) -> Keyboard | None:
    rows: Keyboard = [
        [
            {"text": b.label, "callback_data": b.action}
            if isinstance(b, Button)
            else {"text": b.label, "url": b.url}
            for b in row
        ]
        for row in reply.buttons
        if row
    ]
    return rows or None


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
