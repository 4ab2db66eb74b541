"""Any reply the reply model can hold becomes Telegram messages that Telegram accepts (its HTML
parser, as the local Bot API server in tests/support/botapi.py enforces it), each at most 4096
characters as Telegram counts them, buttons with callback data of at most 64 bytes, and nothing of
the text lost across the cuts; the terminal shows the same reply. Long words, many buttons, 10,000-
character paragraphs, formatting that spans a cut, emoji and joiners at the cut are all generated.

Lone surrogates (Unicode category Cs) are left out of the alphabet: a str holding one has no UTF-8
form, so no reply can carry one; the router answers such input before any reply is built."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.render.telegram_html import render_html
from bot.render.terminal import choices, render_text
from bot.replies import (
    CALLBACK_DATA_LIMIT,
    LABEL_LIMIT,
    Bold,
    Bullets,
    Button,
    Code,
    Heading,
    Italic,
    Link,
    Paragraph,
    Quote,
    Reply,
    Separator,
    Text,
    UrlButton,
)
from tests.support.botapi import MAX_CALLBACK_DATA_BYTES, MAX_MESSAGE_LENGTH, _trim, parse_html, utf16_length

ANY_CHAR = st.characters(exclude_categories=("Cs",))
AWKWARD = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "&#65;",
        "\"'",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\x00",
        "\x01",
        "\u00a0",
        "\u200b",
        "\u200d",
        "\ufe0f",
        "\u0301",
        "👩‍👩‍👧",
        "🏽",
        "🇹🇼",
        "😀",
        "א",
        "\u202e",
        ". ",
        "。",
        '…" ',
    ]
)
WORD = st.one_of(
    st.text(ANY_CHAR, max_size=12),
    AWKWARD,
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "😀", "&", "é", "<b>"]), st.integers(1, 4200)),
)
TEXT = st.one_of(
    st.lists(WORD, max_size=12).map("".join),
    # long prose, cheap to generate: a few words and breaks repeated up to 10,000 characters and more
    st.builds(
        lambda words, times: " ".join(words) * times,
        st.lists(
            st.sampled_from(["word", "Word.", "longer words", "\n", "\n\n", " ", "😀", "<&>"]), max_size=20
        ),
        st.integers(1, 80),
    ),
)
URL = st.one_of(
    st.sampled_from(
        [
            "https://example.com/a?utm_source=x&id=5",
            "http://example.com/<b>&\"'",
            "tg://user?id=1",
            "javascript:alert(1)",
            "https://",
            "",
            "ftp://example.com/",
        ]
    ),
    st.builds("https://example.com/{}".format, st.text(ANY_CHAR, max_size=30)),
)
INLINE = st.one_of(
    TEXT,
    st.builds(Text, TEXT),
    st.builds(Bold, TEXT),
    st.builds(Italic, TEXT),
    st.builds(Code, TEXT),
    st.builds(Link, TEXT, URL),
)
LINE = st.lists(INLINE, max_size=6).map(tuple)
BLOCK = st.one_of(
    st.builds(Paragraph, LINE),
    st.builds(Heading, TEXT),
    st.builds(Bullets, st.lists(LINE, max_size=8).map(tuple)),
    st.builds(Quote, TEXT),
    st.just(Separator()),
)
LABEL = st.text(ANY_CHAR, min_size=1, max_size=LABEL_LIMIT).filter(str.strip)
ACTION = st.text(ANY_CHAR, min_size=1, max_size=CALLBACK_DATA_LIMIT).filter(
    lambda a: len(a.encode()) <= CALLBACK_DATA_LIMIT
)
BUTTON = st.one_of(
    st.builds(Button, LABEL, ACTION),
    st.builds(UrlButton, LABEL, st.sampled_from(["https://example.com/", "tg://resolve?domain=x"])),
)
REPLY = st.builds(
    Reply,
    st.lists(BLOCK, max_size=10).map(tuple),
    st.lists(st.lists(BUTTON, max_size=8).map(tuple), max_size=12).map(tuple),
    st.booleans(),
    st.one_of(st.none(), TEXT),
)
CONTROL = frozenset(map(chr, [*range(32), *range(0x7F, 0xA0)]))  # no one sees them; both adapters drop them


def shown(text: str) -> str:
    """The characters a reader sees, without whitespace (where cuts fall and Telegram trims)."""
    return "".join(c for c in text if c not in CONTROL and not c.isspace())


def written(reply: Reply) -> str:
    """Every character of text in the reply, in order, as `shown` counts them."""
    out = [reply.notice or ""]
    for block in reply.blocks:
        if isinstance(block, Heading | Quote):
            out.append(block.text)
        elif isinstance(block, Paragraph | Bullets):
            lines = [block.parts] if isinstance(block, Paragraph) else block.items
            if isinstance(block, Bullets):
                lines = [("• ", *line) for line in lines]
            out.extend(part if isinstance(part, str) else part.text for line in lines for part in line)
    return shown("".join(out))


@settings(max_examples=120)
@given(REPLY)
@example(Reply((Paragraph(("x" * 10_000,)),)))  # one enormous word
@example(Reply((Paragraph((Bold("word " * 2000),)),)))  # bold across several cuts
@example(Reply((Paragraph(("a" * 3999, Link("😀" * 10, "https://example.com/"))),)))  # a link at the cut
@example(Reply((Paragraph(("👩‍👩‍👧" * 2000,)),)))  # joined emoji at the cut
@example(Reply((), tuple((Button(f"{i}", "x" * 64),) for i in range(100))))  # buttons only
# Found here: a paragraph of control characters alone became a message Telegram refuses as empty.
@example(Reply((Paragraph(("\x01",)),)))
@example(Reply((Paragraph(("x" * 3999 + " \x00\x1f",)),)))
def test_any_reply_renders_as_messages_telegram_accepts(reply: Reply):
    messages = render_html(reply)
    texts = []
    for message in messages:
        visible, _entities = _trim(*parse_html(message.html))  # raises where Telegram's parser would
        assert visible, f"Telegram refuses an empty message: {message.html!r}"
        assert utf16_length(visible) <= MAX_MESSAGE_LENGTH
        texts.append(visible)
        assert message.disable_preview is not reply.link_preview
    keyboards = [m.keyboard for m in messages if m.keyboard]
    assert len(keyboards) == (1 if any(reply.buttons) else 0)
    for keyboard in keyboards:
        assert keyboard is messages[-1].keyboard
        for row in keyboard:
            for button in row:
                assert button["text"].strip()
                if "callback_data" in button:
                    assert 1 <= len(button["callback_data"].encode()) <= MAX_CALLBACK_DATA_BYTES
    joined = shown("".join(texts))
    if joined != written(reply):  # nothing lost or added, at most Telegram's "Choose one:" for buttons
        assert not written(reply) and keyboards and joined == shown("Choose one:")

    terminal = render_text(reply)
    assert len(choices(reply)) == sum(isinstance(b, Button) for row in reply.buttons for b in row)
    assert all(c == "\n" or c == "\t" or (c >= " " and not 0x7F <= ord(c) <= 0x9F) for c in terminal)
