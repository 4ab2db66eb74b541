"""What a user would notice about replies in Telegram and in the terminal: text shown literally and
safely, long digests split into valid messages under Telegram's limit with nothing lost, buttons that
work, and link previews only when asked for."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.render.telegram_html import MESSAGE_LIMIT, TelegramMessage, render_html, visible_length
from bot.render.terminal import choices, render_text
from bot.replies import (
    Block,
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

ALLOWED_TAGS = {"b", "i", "code", "a", "blockquote"}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class StrictTelegramHTML(HTMLParser):
    """Fails on anything Telegram's HTML parse mode would reject or we never mean to send: unknown
    tags, attributes other than an http(s)/tg href on <a>, unclosed or crossed tags, raw <, > or &,
    nested links or quotes, and tags inside <code>. Collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> is not allowed"
        assert "code" not in self.stack, "nothing may be nested in <code>"
        assert tag not in self.stack, f"<{tag}> nested in itself"
        if tag == "a":
            assert len(attrs) == 1 and attrs[0][0] == "href", attrs
            assert re.match(r"(https?://|tg://)", attrs[0][1] or ""), attrs
        else:
            assert attrs == [], attrs
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_data(self, data: str) -> None:
        assert not set(data) & set("<>&"), f"unescaped markup in {data[:60]!r}"
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        assert name in ENTITIES, f"&{name}; is not an entity Telegram knows"
        self.text.append(ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.text.append(chr(int(name[1:], 16) if name[0] in "xX" else int(name)))

    def handle_comment(self, data: str) -> None:
        raise AssertionError("comment")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError("declaration")


def checked(html: str) -> str:
    """The visible text of one message, after asserting that its HTML is strictly valid."""
    parser = StrictTelegramHTML()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"unclosed {parser.stack}"
    return "".join(parser.text)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def words_of(blocks: tuple[Block, ...]) -> list[str]:
    """The words a reader should see, straight from the reply model."""
    texts: list[str] = []

    def line(parts: tuple) -> None:
        texts.extend(p if isinstance(p, str) else p.text for p in parts)

    for block in blocks:
        if isinstance(block, Paragraph):
            line(block.parts)
        elif isinstance(block, Bullets):
            for item in block.items:
                texts.append("•")
                line(item)
        elif isinstance(block, Heading | Quote):
            texts.append(block.text)
        texts.append(" ")
    return " ".join(texts).split()


def long_digest() -> Reply:
    """About 20,000 characters: stories with headings, bold, links, bullets and quotes, and one
    6,000-character paragraph that no message can hold whole."""
    blocks: list[Block] = [Heading("Your digest for Monday")]
    for n in range(24):
        blocks += [
            Heading(f"Story {n}: ASE & TSMC <update>"),
            Paragraph(
                (
                    Bold(f"Investment {n}"),
                    " — ",
                    Italic("Taipei"),
                    f" Company {n} plans a new plant; the board met on day {n} and approved the budget. " * 6,
                    Link(f"Source {n}", f"https://news.example/{n}?a=1&b=2"),
                )
            ),
            Bullets(((f"Point {n}.1 about chips",), (Code(f"/company c{n}"), " for more"))),
            Quote(f"“We are evaluating a production line number {n} in Arizona,” the CFO said."),
            Separator(),
        ]
    sentence = "The committee reviewed the packaging capacity plan and asked for more detail on costs. "
    blocks.insert(8, Paragraph((Bold("Long read: "), sentence * 70)))  # 6,000+ characters
    return Reply(tuple(blocks), buttons=((Button("More ▸", "dg:more:2"), Button("Settings", "settings")),))


# --- escaping ----------------------------------------------------------------------------------------------


def test_script_tags_and_ampersands_in_a_title_are_escaped_for_telegram_and_literal_in_the_terminal():
    title = "<script>alert(1)</script> Smith & Sons"
    reply = Reply(
        (Heading(title), Paragraph(("Read: ", Link(title, "https://example.com/?a=1&b=2"), " ", Bold(title))))
    )
    [message] = render_html(reply)
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Smith &amp; Sons" in message.html
    assert 'href="https://example.com/?a=1&amp;b=2"' in message.html
    assert checked(message.html).count(title) == 3

    text = render_text(reply)
    assert text.count(title) == 3
    assert "&amp;" not in text and "&lt;" not in text


def test_terminal_text_drops_control_characters_and_has_no_ansi_codes_unless_asked():
    reply = Reply((Heading("ASE"), Paragraph((Bold("Evil \x1b[2J\x1b[31mtitle\x07"),))))
    plain = render_text(reply)
    assert "\x1b" not in plain and "\x07" not in plain
    assert "Evil [2J[31mtitle" in plain
    colored = render_text(reply, color=True)
    assert "\x1b[1mASE\x1b[0m" in colored and colored.count("\x1b") == 4


# --- the shape of a message ------------------------------------------------------------------------------


def test_blocks_render_as_telegram_html_with_headings_bullets_quotes_and_blank_lines():
    reply = Reply(
        (
            Heading("ASE Technology"),
            Paragraph(
                (
                    "Plans a ",
                    Bold("US plant"),
                    " ",
                    Italic("(early talks)"),
                    " ",
                    Text("— see "),
                    Code("/company ASE"),
                )
            ),
            Bullets((("first",), ("second",))),
            Separator(),
            Quote("“We are evaluating it,” he said."),
        )
    )
    [message] = render_html(reply)
    assert message.html == (
        "<b>ASE Technology</b>\n\n"
        "Plans a <b>US plant</b> <i>(early talks)</i> — see <code>/company ASE</code>\n\n"
        "• first\n• second\n\n\n"
        "<blockquote>“We are evaluating it,” he said.</blockquote>"
    )
    assert message.keyboard is None


def test_a_notice_is_an_italic_line_at_the_top_of_the_first_message_only():
    reply = Reply((Paragraph(("word " * 1500,)),) * 3, notice="Your text was cut at 200 characters.")
    messages = render_html(reply)
    assert len(messages) > 1
    assert messages[0].html.startswith("<i>Your text was cut at 200 characters.</i>\n\n")
    assert all("cut at" not in m.html for m in messages[1:])
    assert render_text(reply).startswith("(Your text was cut at 200 characters.)\n\n")


def test_an_error_shows_the_message_and_an_example_in_code():
    [message] = render_html(Reply.error("Which company? Give a name.", example="/company ASE"))
    assert message.html == "Which company? Give a name.\n\nExample: <code>/company ASE</code>"
    assert render_text(Reply.error("Which company?", example="/company ASE")) == (
        "Which company?\n\nExample: /company ASE"
    )
    assert render_html(Reply.text("Hello & bye"))[0].html == "Hello &amp; bye"


# --- splitting long replies -----------------------------------------------------------------------------


def test_a_20000_character_digest_splits_into_valid_messages_under_the_limit_with_nothing_lost():
    reply = long_digest()
    expected = words_of(reply.blocks)
    assert len(" ".join(expected)) > 20_000
    messages = render_html(reply)

    assert len(messages) >= 6
    texts = [checked(m.html) for m in messages]
    for text, message in zip(texts, messages, strict=True):
        assert utf16(text) <= MESSAGE_LIMIT
        assert visible_length(message.html) == utf16(text)
        assert text.strip() == text and text
    assert " ".join(texts).split() == expected  # in order, nothing lost, nothing twice
    assert [m.keyboard is not None for m in messages] == [False] * (len(messages) - 1) + [True]
    assert messages[-1].keyboard == [
        [{"text": "More ▸", "callback_data": "dg:more:2"}, {"text": "Settings", "callback_data": "settings"}]
    ]


def test_whole_blocks_move_to_the_next_message_and_headings_stay_with_their_text():
    messages = render_html(long_digest())
    for message in messages:
        # each message starts with a whole block, or goes on with the one over-long paragraph
        assert message.html.startswith(("<b>", "<blockquote>", "• ", "The committee")), message.html[:80]
        assert not re.search(r"(Monday|Story \d+: [^<]*)</b>$", message.html)  # no heading left at the end
    assert messages[1].html.startswith("<b>Long read: </b>The committee")  # not squeezed in after story 1


def test_formatting_that_spans_a_cut_is_closed_and_reopened():
    quote = " ".join(f"word{i}" for i in range(1500))  # about 11,000 characters, one quote
    reply = Reply((Quote(quote), Paragraph((Bold(quote), " tail"))))
    messages = render_html(reply)
    assert len(messages) >= 4
    for message in messages:
        checked(message.html)
        assert message.html.startswith(("<blockquote>", "<b>"))
    assert " ".join(checked(m.html) for m in messages).split() == [*quote.split(), *quote.split(), "tail"]


def test_a_long_paragraph_is_cut_at_a_line_then_a_sentence_before_a_word():
    lines = "\n".join(f"Line {i} says something short." for i in range(400))
    for message in render_html(Reply((Paragraph((lines,)),)))[:-1]:
        assert checked(message.html).endswith("short.")
    sentences = "".join(f"Sentence number {i} has several words in it. " for i in range(300))
    for message in render_html(Reply((Paragraph((sentences,)),)))[:-1]:
        assert checked(message.html).endswith("in it.")


def test_emoji_and_cjk_are_counted_in_utf16_units_as_telegram_does():
    assert visible_length("😀") == 2
    assert visible_length("日本語") == 3
    assert visible_length("<b>a &amp; b</b>\n<a href='https://x.example'>😀x</a>") == 9
    emoji = Reply((Paragraph(("😀 " * 3000,)),))  # 3,000 characters but 9,000 units
    messages = render_html(emoji)
    assert len(messages) == 3
    assert all(visible_length(m.html) <= MESSAGE_LIMIT for m in messages)
    assert sum(checked(m.html).count("😀") for m in messages) == 3000
    cjk = Reply((Paragraph(("日本の半導体工場。" * 1000,)),))  # no spaces: cut after 。
    messages = render_html(cjk)
    assert all(checked(m.html).endswith("。") for m in messages)
    assert "".join(checked(m.html) for m in messages) == "日本の半導体工場。" * 1000


def test_a_cut_inside_one_enormous_word_never_breaks_an_emoji_sequence():
    family = "👨\u200d👩\u200d👧"  # one visible emoji of five code points
    messages = render_html(Reply((Paragraph(("x" + family * 1500,)),)))  # "x" puts the cut off beat
    assert len(messages) > 1
    for message in messages:
        text = checked(message.html).removeprefix("x")
        assert text == family * (len(text) // len(family))
        assert visible_length(message.html) <= MESSAGE_LIMIT


# --- buttons and links -----------------------------------------------------------------------------------


def test_callback_actions_over_64_bytes_and_bad_labels_are_refused():
    Button("More", "x" * 64)
    with pytest.raises(ValueError):
        Button("More", "x" * 65)
    with pytest.raises(ValueError):
        Button("More", "é" * 33)  # 33 characters but 66 bytes
    with pytest.raises(ValueError):
        Button("More", "")
    with pytest.raises(ValueError):
        Button("", "co:1:0")
    with pytest.raises(ValueError):
        Button("x" * 65, "co:1:0")
    with pytest.raises(ValueError):
        UrlButton("Open", "javascript:alert(1)")


def test_a_javascript_link_is_shown_as_text_never_as_a_link():
    reply = Reply((Paragraph(("See ", Link("the report", "javascript:alert(document.cookie)"), ".")),))
    [message] = render_html(reply)
    assert message.html == "See the report."
    assert render_text(reply) == "See the report."
    for url in ("JavaScript:alert(1)", "data:text/html,x", " https://x.example", "vbscript:x", "https://"):
        assert "<a" not in render_html(Reply((Paragraph((Link("x", url),)),)))[0].html
    ok = render_html(Reply((Paragraph((Link("x", "tg://resolve?domain=news"),)),)))[0].html
    assert ok == '<a href="tg://resolve?domain=news">x</a>'


def test_a_link_shown_to_users_has_no_tracking_parameters():
    link = Link("story", "https://news.example/story?utm_source=rss&id=5")
    assert link.url == "https://news.example/story?id=5"
    [message] = render_html(Reply((Paragraph((link,)),)))
    assert message.html == '<a href="https://news.example/story?id=5">story</a>'
    assert Link("x", "tg://resolve?domain=news&utm_source=x").url == "tg://resolve?domain=news&utm_source=x"


def test_link_previews_are_off_unless_the_reply_asks_for_them():
    link = Paragraph((Link("story", "https://news.example/1"),))
    assert all(m.disable_preview for m in render_html(Reply((link,) * 400)))
    assert not any(m.disable_preview for m in render_html(Reply((link,), link_preview=True)))


def test_url_buttons_become_url_keys_on_the_keyboard():
    reply = Reply((Paragraph(("x",)),), buttons=((UrlButton("Read", "https://news.example/1"),),))
    assert render_html(reply) == [
        TelegramMessage("x", [[{"text": "Read", "url": "https://news.example/1"}]], True)
    ]


def test_terminal_numbers_the_buttons_and_choices_maps_numbers_to_actions():
    reply = Reply(
        (Heading("ASE"), Bullets((("one",), ("two", Link("src", "https://n.example/a"))))),
        buttons=(
            (Button("More", "co:ase:2"), Button("Settings", "settings")),
            (UrlButton("Website", "https://ase.example"), Button("Help", "help")),
        ),
    )
    text = render_text(reply)
    assert text == (
        "ASE\n===\n\n"
        "  • one\n"
        "  • twosrc <https://n.example/a>\n\n"
        "[1] More   [2] Settings\n"
        "Website <https://ase.example>   [3] Help"
    )
    assert choices(reply) == ["co:ase:2", "settings", "help"]
    assert choices(reply)[int("1") - 1] == "co:ase:2"


def test_terminal_quotes_separators_and_optional_wrapping():
    reply = Reply((Quote("first line\nsecond line"), Separator(), Paragraph(("word " * 40,))))
    text = render_text(reply)
    assert text.startswith("> first line\n> second line\n\n" + "─" * 40 + "\n\nword word")
    assert len(text.splitlines()[-1]) > 100  # lines are left whole by default
    wrapped = render_text(reply, width=30, wrap=True)
    assert all(len(line) <= 30 for line in wrapped.splitlines())
    assert wrapped.replace("─", "").split() == text.replace("─", "").split()
