"""A prepared reply survives the delivery ledger unchanged: stored as JSON, read back equal."""

from __future__ import annotations

import json

from bot.replies import (
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
from bot.reply_data import reply_from_data, reply_to_data


def test_every_kind_of_block_piece_and_button_comes_back_the_same():
    reply = Reply(
        (
            Heading("Your digest <b>"),
            Paragraph(("plain & ", Text("text"), Bold("bold"), Italic("italic"), Code("/company ASE"))),
            Bullets(((Link("ASE & co", "https://example.com/?a=1&b=2"), " (Source)"), ("second",))),
            Separator(),
            Quote("“A quote.”"),
        ),
        ((Button("More ▸", "co:12:2"), UrlButton("Open", "https://example.com")),),
        link_preview=True,
        notice="Your text was cut at 200 characters.",
    )
    stored = json.loads(json.dumps(reply_to_data(reply)))
    assert reply_from_data(stored) == reply


def test_pieces_of_the_same_shape_keep_their_kind():
    reply = Reply((Paragraph((Bold("x"), Italic("x"), Code("x"), Text("x"))),))
    assert reply_from_data(reply_to_data(reply)) == reply
    assert reply_from_data(reply_to_data(Reply.text("x"))) != reply
