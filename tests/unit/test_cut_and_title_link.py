"""The two small helpers every reply shares: `bot.text.cut` (text to a length, ending in "…") and
`bot.replies.title_link` (a title that opens its URL only when the adapters would render it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies import UNTITLED, Bold, Link, Text, title_link
from bot.text import ELLIPSIS, cut


def test_text_within_the_limit_is_kept_whole():
    assert cut("ASE", 3) == "ASE"
    assert cut("", 0) == ""


def test_longer_text_ends_in_an_ellipsis_at_the_limit():
    assert cut("abcdefgh", 5) == "abcd…"


def test_a_limit_shorter_than_an_ellipsis_and_a_word():
    assert cut("abc", 1) == ELLIPSIS
    assert cut("abc", 0) == ""
    assert cut("abc", 1, words=True) == ELLIPSIS


def test_a_negative_limit_is_a_mistake():
    with pytest.raises(ValueError):
        cut("abc", -1)


def test_by_words_the_cut_falls_back_to_the_last_space():
    assert cut("Taiwan Semiconductor Manufacturing", 20, words=True) == "Taiwan…"
    assert cut("Taiwan Semiconductor Manufacturing", 20) == "Taiwan Semiconducto…"


def test_by_words_a_first_word_longer_than_the_limit_is_cut_inside():
    assert cut("Supercalifragilistic word", 10, words=True) == "Supercali…"


@given(text=st.text(max_size=50), limit=st.integers(0, 60), words=st.booleans())
def test_a_cut_never_exceeds_the_limit_and_keeps_the_start(text: str, limit: int, words: bool):
    shown = cut(text, limit, words=words)
    assert len(shown) <= limit
    if shown == text:
        assert len(text) <= limit
    else:
        assert shown == "" or (shown.endswith(ELLIPSIS) and text.startswith(shown[:-1]))


@pytest.mark.parametrize("url", ["https://example.com/a", "http://example.com", "tg://resolve?domain=x"])
def test_a_title_with_a_url_to_open_is_a_link(url: str):
    assert title_link("ASE expands", url) == Link("ASE expands", url)


def test_a_link_loses_its_tracking_parameters():
    assert title_link("A", "https://example.com/?utm_source=rss&id=5") == Link(
        "A", "https://example.com/?id=5"
    )


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "file:///news/ase.txt",
        "javascript:alert(1)",
        "httpfoo://example.com",
        "https://",
        "https://exa mple.com",
        "https://example.com/\n",
        "tg:resolve",
    ],
)
def test_a_title_without_a_safe_url_is_bold_or_plain(url: str | None):
    assert title_link("ASE expands", url) == Bold("ASE expands")
    assert title_link("ASE expands", url, bold=False) == Text("ASE expands")


@pytest.mark.parametrize("title", ["", "   ", "\n"])
def test_an_empty_title_still_shows_something(title: str):
    assert title_link(title, "https://example.com") == Link(UNTITLED, "https://example.com")
    assert title_link(title, None) == Bold(UNTITLED)
