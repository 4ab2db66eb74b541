"""How raw article text becomes a headline, paragraphs, a source name and a date (bot/ingest/text.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.text import (
    clean,
    drop_repeats,
    html_fragment_paragraphs,
    paragraphs_of,
    parse_markdown,
    parse_plain_text,
    plain_text,
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
SEED_HEADLINE = (
    "ASE Technology Considers U.S. Investment to Meet Customer Demands: Initial Discussions Underway"
)
BODY_ONE = "An apartment building collapsed on Monday in Magnitogorsk, a city in the Ural region of Russia."
BODY_TWO = "A suspected gas leak led to an explosion, followed by the collapse of the building."


@pytest.fixture(scope="module")
def seed():
    return parse_plain_text(SEED.read_text(encoding="utf-8"))


# The seed scrape: "Letsnewz." and the headline, each twice, then six paragraphs.


def test_seed_scrape_names_the_site_as_source(seed):
    assert seed.source_name == "Letsnewz"


def test_seed_scrape_keeps_the_headline_once(seed):
    assert seed.title == SEED_HEADLINE
    assert all(SEED_HEADLINE not in paragraph for paragraph in seed.paragraphs)


def test_seed_scrape_keeps_the_site_name_out_of_the_body(seed):
    assert all(not paragraph.startswith("Letsnewz") for paragraph in seed.paragraphs)


def test_seed_scrape_body_starts_with_the_first_real_paragraph(seed):
    assert seed.paragraphs[0].startswith("Amid rising U.S. tariff pressures")


def test_seed_scrape_has_six_paragraphs(seed):
    assert len(seed.paragraphs) == 6
    assert seed.paragraphs[-1].startswith("Experts suggest that the relocation of the AI industry")


def test_seed_scrape_has_no_published_date(seed):
    assert seed.published_at is None


def test_seed_scrape_text_is_the_paragraphs_separated_by_blank_lines(seed):
    assert seed.text.split("\n\n") == seed.paragraphs


# Datelines


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Friday, January 4, 2019", datetime(2019, 1, 4, tzinfo=UTC)),
        ("Friday, January 4, 2019\xa0", datetime(2019, 1, 4, tzinfo=UTC)),
        ("Friday, January 4, 2019\xa0 ", datetime(2019, 1, 4, tzinfo=UTC)),
        ("Published: 2025-03-26", datetime(2025, 3, 26, tzinfo=UTC)),
    ],
)
def test_leading_dateline_becomes_the_published_date_and_leaves_the_body(dateline, expected):
    parsed = parse_plain_text(f"{dateline}\n\n\n{BODY_ONE}\n\n{BODY_TWO}")
    assert parsed.published_at == expected
    assert parsed.published_at.utcoffset().total_seconds() == 0
    assert parsed.paragraphs == [BODY_ONE, BODY_TWO]


def test_dateline_after_the_headline_is_recognised_too():
    headline = "Magnitogorsk apartment building collapses after explosion, dozens dead"
    parsed = parse_plain_text(f"{headline}\n\nFriday, January 4, 2019\xa0\n\n\n{BODY_ONE}\n\n{BODY_TWO}")
    assert parsed.title == headline
    assert parsed.published_at == datetime(2019, 1, 4, tzinfo=UTC)
    assert parsed.paragraphs == [BODY_ONE, BODY_TWO]


def test_dateline_followed_by_a_single_line_break_is_still_the_published_date():
    parsed = parse_plain_text(f"Friday, March 29, 2019\xa0\n{BODY_ONE}\n\n{BODY_TWO}")
    assert parsed.published_at == datetime(2019, 3, 29, tzinfo=UTC)
    assert parsed.paragraphs[0] == BODY_ONE


# Cleaning


def test_hard_wrapped_lines_inside_a_paragraph_are_joined_with_spaces():
    raw = "Nanya Technology said on\nThursday that it lost money\nin the third quarter.\n\nSecond paragraph."
    assert paragraphs_of(raw) == [
        "Nanya Technology said on Thursday that it lost money in the third quarter.",
        "Second paragraph.",
    ]


def test_windows_line_ends_separate_paragraphs_like_unix_ones():
    raw = "First line of one\r\nparagraph.\r\n\r\nSecond paragraph.\r\n"
    assert paragraphs_of(raw) == ["First line of one paragraph.", "Second paragraph."]


def test_wrapped_body_under_a_headline_is_one_paragraph():
    raw = (
        "Nanya Technology reports a quarterly loss as memory prices fall\r\n\r\n"
        "Nanya Technology said on\r\nThursday that it lost money\r\nin the third quarter.\r\n\r\n"
        "The company expects prices to recover next year."
    )
    parsed = parse_plain_text(raw)
    assert parsed.title == "Nanya Technology reports a quarterly loss as memory prices fall"
    assert parsed.paragraphs == [
        "Nanya Technology said on Thursday that it lost money in the third quarter.",
        "The company expects prices to recover next year.",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufeffASE Technology", "ASE Technology"),
        ("semi\u00adconductor", "semiconductor"),
        ("semi\u200bconductor", "semiconductor"),
        ("semi\u200cconduc\u200dtor\u2060", "semiconductor"),
    ],
    ids=["byte-order-mark", "soft-hyphen", "zero-width-space", "other-zero-width"],
)
def test_invisible_characters_are_removed(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f"])
def test_control_characters_are_removed(control):
    assert clean(f"tariff{control} war") == "tariff war"


def test_runs_of_spaces_tabs_and_no_break_spaces_fold_to_one_space():
    assert clean("ASE   Technology\t\tsaid\xa0\xa0 on  Wednesday ") == "ASE Technology said on Wednesday"


def test_repeated_paragraphs_keep_only_the_first():
    paragraphs = ["Letsnewz.", "Headline", "Letsnewz.", "Headline", "Body."]
    assert drop_repeats(paragraphs) == ["Letsnewz.", "Headline", "Body."]


def test_repeats_that_differ_only_in_case_are_dropped_keeping_the_first_spelling():
    assert drop_repeats(["ASE Plans U.S. Plant", "ASE PLANS U.S. PLANT", "Body."]) == [
        "ASE Plans U.S. Plant",
        "Body.",
    ]


def test_distinct_paragraphs_all_survive_in_order():
    paragraphs = ["One.", "Two.", "Three."]
    assert drop_repeats(paragraphs) == paragraphs


# Title fallback


def test_text_without_a_headline_is_titled_by_its_first_sentence():
    first = "ASE Technology said on Wednesday that it may build a plant in the United States."
    parsed = parse_plain_text(f"{first} It gave no timeline.\n\nThe board meets next month.")
    assert parsed.title == first


def test_first_sentence_title_does_not_take_the_sentence_out_of_the_body():
    body = "ASE Technology said on Wednesday that it may build a plant. It gave no timeline."
    parsed = parse_plain_text(f"{body}\n\nThe board meets next month.")
    assert parsed.paragraphs == [body, "The board meets next month."]


def test_a_very_long_first_sentence_is_shortened_to_a_title_with_an_ellipsis():
    sentence = " ".join(["word"] * 60) + "."
    parsed = parse_plain_text(f"{sentence}\n\nSecond paragraph.")
    assert len(parsed.title) <= 120
    assert parsed.title.endswith("…")
    assert sentence.startswith(parsed.title.removesuffix("…"))


def test_first_sentence_title_is_not_cut_at_an_abbreviation():
    first = "Amid rising U.S. tariff pressures, ASE Technology said it may build a plant in Arizona."
    parsed = parse_plain_text(f"{first}\n\nThe board will decide next month.")
    assert parsed.title == first


@pytest.mark.parametrize(
    "after_headline",
    ["Friday, January 4, 2019\xa0\n\n\n", ""],
    ids=["headline-then-dateline", "headline-then-body"],
)
def test_a_short_headline_is_kept_as_the_title_not_taken_for_the_site_name(after_headline):
    headline = "Typhoon Phanfone strikes Philippines"
    body = "Typhoon Phanfone made landfall on the central Philippines, killing at least 20 people."
    parsed = parse_plain_text(f"{headline}\n\n{after_headline}{body}\n\nRescue work goes on.")
    assert parsed.title == headline
    assert parsed.source_name is None


def test_a_site_domain_on_the_first_line_becomes_the_source_name():
    headline = "ASE plans a U.S. plant to meet customer demand"
    parsed = parse_plain_text(f"letsnewz.com\n\n{headline}\n\n{BODY_ONE}\n\n{BODY_TWO}")
    assert parsed.source_name == "letsnewz.com"
    assert parsed.title == headline
    assert parsed.paragraphs == [BODY_ONE, BODY_TWO]


# Markdown


def test_markdown_heading_becomes_the_title():
    parsed = parse_markdown("# ASE plans a U.S. plant\n\nThe packaging company is in early talks.\n")
    assert parsed.title == "ASE plans a U.S. plant"
    assert parsed.paragraphs == ["The packaging company is in early talks."]


def test_markdown_links_and_emphasis_become_plain_text():
    parsed = parse_markdown(
        "# Title\n\nSee [the filing](https://example.com/f) for *all* the **details**, `today`.\n"
    )
    assert parsed.paragraphs == ["See the filing for all the details, today."]


def test_markdown_list_items_become_paragraphs():
    parsed = parse_markdown("# Title\n\nKey points:\n\n- capex of $85 million\n- a plant in Texas\n")
    assert parsed.paragraphs == ["Key points:", "capex of $85 million", "a plant in Texas"]


def test_markdown_without_a_heading_falls_back_to_the_first_sentence():
    parsed = parse_markdown("ASE said it may build a plant in the United States. More later.\n\nSecond.")
    assert parsed.title == "ASE said it may build a plant in the United States."


def test_markdown_dateline_under_the_heading_becomes_the_published_date():
    parsed = parse_markdown("# Title\n\nPublished: 2025-03-26\n\nThe body of the story.\n")
    assert parsed.published_at == datetime(2025, 3, 26, tzinfo=UTC)
    assert parsed.paragraphs == ["The body of the story."]


def test_markdown_embedded_script_does_not_reach_the_text():
    parsed = parse_markdown("# Title\n\n<script>alert('x')</script>\n\nThe body of the story.\n")
    assert parsed.paragraphs == ["The body of the story."]


# HTML fragments (feed content)


def test_html_script_and_style_are_removed():
    _, paragraphs = html_fragment_paragraphs(
        "<style>p { color: red }</style><p>Visible text.</p>"
        "<script>var a = '<p>hidden</p>';</script><p>One <script>bad()</script>two</p>"
    )
    assert paragraphs == ["Visible text.", "One two"]


def test_html_list_items_wrapping_paragraphs_are_not_duplicated():
    _, paragraphs = html_fragment_paragraphs(
        "<ul><li><p>Capex of $85 million</p></li><li><p>A plant in Texas</p></li></ul>"
    )
    assert paragraphs == ["Capex of $85 million", "A plant in Texas"]


def test_html_leading_heading_is_returned_separately():
    assert html_fragment_paragraphs("<h2>Nanya posts a loss</h2><p>Body.</p>") == (
        "Nanya posts a loss",
        ["Body."],
    )


def test_html_heading_after_the_body_stays_a_paragraph():
    assert html_fragment_paragraphs("<p>Body first.</p><h1>Later</h1>") == (None, ["Body first.", "Later"])


def test_html_entities_are_decoded():
    assert html_fragment_paragraphs("<p>AT&amp;T &nbsp; and&#160;Verizon</p>") == (
        None,
        ["AT&T and Verizon"],
    )


def test_plain_text_without_tags_still_gives_paragraphs():
    assert html_fragment_paragraphs("First paragraph.\n\nSecond paragraph.") == (
        None,
        ["First paragraph.", "Second paragraph."],
    )


@pytest.mark.parametrize("fragment", ["", "   \n ", "<!-- only a comment -->", "</p></div>"])
def test_empty_html_gives_no_paragraphs(fragment):
    assert html_fragment_paragraphs(fragment) == (None, [])


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>unclosed paragraph <b>bold", ["unclosed paragraph bold"]),
        ("<p>one<p>two</div></span>", ["one", "two"]),
        ("<<<>>> & <", ["<<<>>> & <"]),
        ("\x00<p>nul byte</p>", ["nul byte"]),
        ("<!DOCTYPE html><html><body><p>whole document</p></body></html>", ["whole document"]),
    ],
)
def test_malformed_html_does_not_crash_and_keeps_its_text(fragment, expected):
    assert html_fragment_paragraphs(fragment) == (None, expected)


@pytest.mark.parametrize(
    "fragment",
    [
        "Line one ends here.<br><br>Line two starts here.",
        "<p>Line one ends here.<br>Line two starts here.</p>",
    ],
)
def test_html_line_breaks_do_not_glue_words_together(fragment):
    _, paragraphs = html_fragment_paragraphs(fragment)
    words = " ".join(paragraphs).split()
    assert words == ["Line", "one", "ends", "here.", "Line", "two", "starts", "here."]


def test_html_text_outside_paragraph_tags_is_kept():
    _, paragraphs = html_fragment_paragraphs("Intro sentence.<p>Middle paragraph.</p>Closing sentence.")
    assert "Intro sentence." in " ".join(paragraphs)
    assert "Closing sentence." in " ".join(paragraphs)


def test_html_nested_list_keeps_the_outer_item_text():
    _, paragraphs = html_fragment_paragraphs("<ul><li>Outer item<ul><li>Inner item</li></ul></li></ul>")
    assert "Outer item" in " ".join(paragraphs)
    assert "Inner item" in " ".join(paragraphs)


@pytest.mark.parametrize(
    ("paragraph", "day", "rest"),
    [
        ("TAIPEI, May 14, 2025 - Foxconn said profit rose.", "2025-05-14", "Foxconn said profit rose."),
        ("HUALIEN, Taiwan, Oct. 2, 2025 - Typhoon Lanmei hit.", "2025-10-02", "Typhoon Lanmei hit."),
        (
            "SINGAPORE, Sept 3, 2025 – GlobalFoundries will spend.",
            "2025-09-03",
            "GlobalFoundries will spend.",
        ),
        (
            "BRUSSELS, Feb. 20, 2025 — The Commission approved aid.",
            "2025-02-20",
            "The Commission approved aid.",
        ),
    ],
)
def test_an_inline_dateline_becomes_the_published_date(paragraph, day, rest):
    parsed = parse_plain_text(
        f"Site.\n\nHeadline here\n\n{paragraph}\n\nMore text follows in this paragraph."
    )
    assert parsed.published_at is not None and parsed.published_at.date().isoformat() == day
    assert parsed.paragraphs[0] == rest


def test_a_sentence_that_merely_starts_with_capitals_is_not_a_dateline():
    text = "Site.\n\nHeadline here\n\nTSMC, the chipmaker, said on May 14, 2025 - a Wednesday - that it grew."
    assert parse_plain_text(text).published_at is None


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("<b>ASE</b>", "ASE"),
        ("**ASE**", "ASE"),
        ("__ASE__", "ASE"),
        ("*ASE*", "ASE"),
        ("_ASE_", "ASE"),
        ("`ASE`", "ASE"),
        ("~~ASE~~", "ASE"),
        ("<i>Taiwan</i> **Semiconductor**", "Taiwan Semiconductor"),
        ("[TSMC](https://tsmc.example)", "TSMC"),
        ("AT&amp;S", "AT&S"),
        ("AT&S", "AT&S"),
        ("<script>alert(1)</script>Intel", "Intel"),
        ("Hon Hai Precision Industry Co., Ltd.", "Hon Hai Precision Industry Co., Ltd."),
        ("2330.TW", "2330.TW"),
        ("C.C. Wei", "C.C. Wei"),
        ("Micro-Star", "Micro-Star"),
        ("AT*T", "AT*T"),
        ("  ASE \n Technology ", "ASE Technology"),
        ("1. ASE", "1. ASE"),
        ("<b></b>", ""),
    ],
)
def test_plain_text_takes_html_and_markdown_formatting_out_of_a_name(typed: str, plain: str):
    assert plain_text(typed) == plain
