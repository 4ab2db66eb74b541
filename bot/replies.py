"""The transport-neutral reply model: what commands and digests return, before any adapter
(`bot.render.telegram_html`, `bot.render.terminal`) turns it into Telegram HTML or terminal text.

Everything here is plain, frozen data holding raw, unescaped text; escaping is the adapters' job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias
from urllib.parse import urlsplit

from bot.ingest.normalize import without_tracking

CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8: Telegram's limit for a button's callback_data
LABEL_LIMIT = 64  # characters on a button
LINK_SCHEMES = frozenset({"http", "https", "tg"})
UNTITLED = "(untitled)"  # what a title with no text shows


def is_safe_url(url: str) -> bool:
    """True for http(s) URLs with a host and tg:// links: the only ones adapters render as links."""
    if not url or any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme == "tg":
        return url[3:5] == "//"
    return scheme in LINK_SCHEMES and bool(parts.netloc)


# --- inline pieces: a part of a line; a plain str in a line is plain text ---------------------------


@dataclass(frozen=True)
class Text:
    """Plain text (the same as a bare str)."""

    text: str


@dataclass(frozen=True)
class Bold:
    """Bold text."""

    text: str


@dataclass(frozen=True)
class Italic:
    """Italic text."""

    text: str


@dataclass(frozen=True)
class Code:
    """Monospaced text: a command, a ticker, an identifier."""

    text: str


@dataclass(frozen=True)
class Link:
    """Text that opens `url`; rendered as plain text when the URL is not http(s) or tg://. An http(s)
    URL loses its tracking parameters (`?utm_source=rss&id=5` opens `?id=5`): this is the one place
    every link people are shown (/latest, /search, /company, digests, alerts) is made."""

    text: str
    url: str

    def __post_init__(self) -> None:
        if self.url[:8].lower().startswith(("http://", "https://")):
            object.__setattr__(self, "url", without_tracking(self.url))


Inline: TypeAlias = Text | Bold | Italic | Code | Link
Line: TypeAlias = tuple[Inline | str, ...]


def title_link(title: str, url: str | None, *, bold: bool = True) -> Link | Bold | Text:
    """A title that opens `url`: a `Link` when the adapters render the URL as one (`is_safe_url`),
    else the title alone, bold (a headline stands out either way) or, with `bold=False`, plain. A
    blank title reads `UNTITLED`: a link without text would not show at all."""
    if not title.strip():
        title = UNTITLED
    if url and is_safe_url(url):
        return Link(title, url)
    return Bold(title) if bold else Text(title)


def _line(parts: object) -> Line:
    """A lone str or piece becomes a one-piece line; a list becomes a tuple."""
    if isinstance(parts, str | Text | Bold | Italic | Code | Link):
        return (parts,)
    return tuple(parts)  # type: ignore[arg-type]


# --- blocks: separated from each other by a blank line ------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A run of inline pieces; "\\n" inside the text breaks the line."""

    parts: Line

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", _line(self.parts))


@dataclass(frozen=True)
class Heading:
    """A section title."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one line per item."""

    items: tuple[Line, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(_line(item) for item in self.items))


@dataclass(frozen=True)
class Quote:
    """A sentence quoted from a source, shown as a block quote."""

    text: str


@dataclass(frozen=True)
class Separator:
    """An extra gap between two groups of blocks."""


Block: TypeAlias = Paragraph | Heading | Bullets | Quote | Separator


# --- buttons ---------------------------------------------------------------------------------------------


def _check_label(label: str) -> None:
    if not label.strip() or len(label) > LABEL_LIMIT:
        raise ValueError(f"a button label must be 1-{LABEL_LIMIT} characters, not blank: {label!r}")


@dataclass(frozen=True)
class Button:
    """A button that sends `action` (e.g. "co:12:2", at most 64 bytes of UTF-8) back when pressed."""

    label: str
    action: str

    def __post_init__(self) -> None:
        _check_label(self.label)
        size = len(self.action.encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_LIMIT:
            raise ValueError(
                f"a button action must be 1-{CALLBACK_DATA_LIMIT} bytes of UTF-8, not {size}: {self.action!r}"
            )


@dataclass(frozen=True)
class UrlButton:
    """A button that opens an http(s) or tg:// URL."""

    label: str
    url: str

    def __post_init__(self) -> None:
        _check_label(self.label)
        if not is_safe_url(self.url):
            raise ValueError(f"a URL button needs an http(s) or tg:// URL: {self.url!r}")


# --- the reply -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Blocks of text, rows of buttons, whether to show a link preview, and an optional notice line
    shown above everything (e.g. "Your text was cut at 200 characters.")."""

    blocks: tuple[Block, ...]
    buttons: tuple[tuple[Button | UrlButton, ...], ...] = field(default=())
    link_preview: bool = False
    notice: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        object.__setattr__(self, "buttons", tuple(tuple(row) for row in self.buttons))

    @classmethod
    def text(cls, text: str) -> Reply:
        """A reply of one plain paragraph."""
        return cls((Paragraph((text,)),))

    @classmethod
    def error(cls, message: str, example: str | None = None) -> Reply:
        """A short error, and optionally "Example: <code>…</code>" showing what works."""
        blocks: list[Block] = [Paragraph((message,))]
        if example:
            blocks.append(Paragraph(("Example: ", Code(example))))
        return cls(tuple(blocks))
