"""Cleaning text stays linear in its length, whatever the text: 5 MB of "Mr. Smith " (an
abbreviation before every full stop, no sentence end anywhere) is read in seconds, not hours. The
bound is loose on purpose (a slow machine passes); text.py's old quadratic search took 24 s on
100 KB, and would take hours here. Measured on 2 cores: about 1 s."""

from __future__ import annotations

import time

from bot.ingest.text import first_sentence, parse_plain_text

FIVE_MB = "Mr. Smith " * 500_000


def test_the_first_sentence_of_five_megabytes_of_abbreviations_is_found_in_seconds():
    started = time.perf_counter()
    assert first_sentence(FIVE_MB).startswith("Mr. Smith Mr. Smith")
    assert time.perf_counter() - started < 10


def test_a_five_megabyte_text_file_of_abbreviations_is_parsed_in_seconds():
    started = time.perf_counter()
    parsed = parse_plain_text(FIVE_MB + "\n\nThe end. Really.\n")
    assert parsed.paragraphs[-1] == "The end. Really."
    assert time.perf_counter() - started < 10


def test_abbreviations_still_do_not_end_the_first_sentence():
    assert first_sentence("Mr. Smith of ASE Inc. said U.S. sales rose. Then more.") == (
        "Mr. Smith of ASE Inc. said U.S. sales rose."
    )
    assert first_sentence("He met John R. Smith today. Next.") == "He met John R. Smith today."
