"""The fingerprints that keep an article stored once: canonical URL and content hash."""

from __future__ import annotations

import re

import pytest

from bot.ingest.normalize import canonical_url, content_hash, without_tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/news/ase", "https://example.com/news/ase"),
        ("https://example.com:443/news/ase", "https://example.com/news/ase"),
        ("http://example.com:80/news/ase", "http://example.com/news/ase"),
        ("https://example.com/news/ase#comments", "https://example.com/news/ase"),
        ("https://example.com/news/ase?utm_source=rss&utm_medium=feed", "https://example.com/news/ase"),
        ("https://example.com/news/ase?utm_campaign=x&fbclid=IwAR0abc", "https://example.com/news/ase"),
        ("https://example.com/news/ase?gclid=EAIaIQob", "https://example.com/news/ase"),
        ("https://example.com/story?b=2&a=1", "https://example.com/story?a=1&b=2"),
        ("https://example.com/story?id=5", "https://example.com/story?id=5"),
        ("https://example.com/story?id=5&utm_source=x", "https://example.com/story?id=5"),
        ("https://en.wikinews.org//wiki/X", "https://en.wikinews.org/wiki/X"),
        ("  https://example.com/news/ase  ", "https://example.com/news/ase"),
    ],
    ids=[
        "lowercase-scheme-and-host",
        "https-default-port",
        "http-default-port",
        "fragment",
        "utm",
        "utm-and-fbclid",
        "gclid",
        "sorted-query",
        "meaningful-id",
        "id-kept-tracker-dropped",
        "double-slash-path",
        "surrounding-spaces",
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_path_case_is_kept_because_servers_treat_it_as_meaningful():
    assert canonical_url("https://example.com/News/ASE") == "https://example.com/News/ASE"


def test_non_default_port_is_kept():
    assert canonical_url("https://example.com:8443/news") == "https://example.com:8443/news"


@pytest.mark.parametrize(
    "url",
    ["file:///home/ana/news/ase%20investment.txt", "file:///srv/seeds/Letsnewz.TXT#part"],
)
def test_file_uris_are_returned_unchanged(url):
    assert canonical_url(url) == url


def test_urls_that_differ_only_by_tracking_parameters_are_equal():
    plain = "https://example.com/news/ase-us-investment?id=42"
    tracked = (
        "https://Example.com/news/ase-us-investment?utm_source=twitter&id=42&fbclid=IwAR0xyz"
        "&utm_medium=social&gclid=abc#top"
    )
    assert canonical_url(tracked) == canonical_url(plain)


def test_urls_for_different_articles_stay_different():
    assert canonical_url("https://example.com/story?id=5") != canonical_url("https://example.com/story?id=6")
    assert canonical_url("https://example.com/a") != canonical_url("https://example.com/b")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "https://www.espn.com/nba/recap?gameId=401584793",
            "https://www.espn.com/nba/recap?gameId=401584794",
        ),
        ("https://example.com/photos?gallery=12", "https://example.com/photos?gallery=13"),
    ],
    ids=["gameId", "gallery"],
)
def test_meaningful_parameters_that_look_like_trackers_keep_articles_apart(first, second):
    assert canonical_url(first) != canonical_url(second)


BODY = "ASE Technology is evaluating a production line in the U.S., said CFO Dong Hong-Szu."


def test_content_hash_is_a_64_character_hex_string():
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(BODY))


@pytest.mark.parametrize(
    "variant",
    [
        "  ASE   Technology is evaluating\ta production line in the U.S.,   said CFO Dong Hong-Szu.  ",
        "ASE Technology is evaluating a production line\nin the U.S.,\nsaid CFO Dong Hong-Szu.",
        "ASE Technology is evaluating a production line\r\n\r\nin the U.S., said CFO Dong Hong-Szu.\r\n",
        BODY.upper(),
        BODY.lower(),
        "“ASE” Technology is evaluating a production line in the U.S. — said CFO Dong Hong‑Szu…",
        "ASE Technology is evaluating a production line in the U.S.; said CFO Dong Hong Szu!",
        "ASE Téchnology is évaluating a production line in the U.S., said CFO Dong Hong-Szu.",
    ],
    ids=[
        "whitespace",
        "line-breaks",
        "blank-lines-crlf",
        "upper-case",
        "lower-case",
        "typographic-punctuation",
        "other-punctuation",
        "accents",
    ],
)
def test_content_hash_ignores_differences_that_are_not_words(variant):
    assert content_hash(variant) == content_hash(BODY)


@pytest.mark.parametrize(
    "variant",
    [
        BODY.replace("U.S.", "U.K."),
        BODY.replace("evaluating", "abandoning"),
        BODY.replace("ASE", "ASML"),
        BODY + " More follows.",
    ],
    ids=["place", "verb", "company", "extra-sentence"],
)
def test_content_hash_changes_when_a_word_changes(variant):
    assert content_hash(variant) != content_hash(BODY)


def test_content_hash_changes_when_a_number_changes():
    assert content_hash("It will invest $165 billion.") != content_hash("It will invest $166 billion.")


def test_content_hash_depends_on_word_order():
    assert content_hash("Intel sued AMD over the patent.") != content_hash("AMD sued Intel over the patent.")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://news.example/story?utm_source=rss&id=5", "https://news.example/story?id=5"),
        ("https://news.example/story?id=5&utm_source=rss&utm_medium=feed", "https://news.example/story?id=5"),
        ("https://news.example/story?fbclid=IwAR0&gclid=x", "https://news.example/story"),
        ("https://news.example/story?q=a%20b&utm_campaign=x#top", "https://news.example/story?q=a%20b#top"),
        ("https://News.Example/Story/?b=2&a=1", "https://News.Example/Story/?b=2&a=1"),
        ("https://news.example/story", "https://news.example/story"),
        ("http://[::1", "http://[::1"),
    ],
    ids=["utm-first", "utm-after", "only-trackers", "kept-as-written", "untouched", "no-query", "not-a-url"],
)
def test_links_shown_lose_their_tracking_parameters_and_nothing_else(url: str, shown: str):
    assert without_tracking(url) == shown
