"""How replies name where an article came from (/latest, /search, /company and digests alike)."""

from __future__ import annotations

import pytest

from bot.extract.card import source_label


@pytest.mark.parametrize(
    ("name", "url", "label"),
    [
        ("Letsnewz", "file:///srv/news/seeds/letsnewz.txt", "Letsnewz"),
        ("  TechWire ", None, "TechWire"),
        (None, "https://www.news.example/a?id=5", "news.example"),
        (None, "http://blog.example:8080/post", "blog.example"),
        (None, "file:///srv/news/analyst-notes/b.md", "analyst-notes"),
        (None, "file:///srv/news/analyst%20notes/b.md", "analyst notes"),
        ("", None, "unknown source"),
        (None, "not a url", "unknown source"),
    ],
)
def test_an_article_is_labelled_by_its_source_name_else_its_site_else_its_folder(
    name: str | None, url: str | None, label: str
):
    assert source_label(name, url) == label
