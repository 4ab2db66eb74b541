"""How a story reads in a digest or an alert: its headline (a link when it has a safe URL), its
source, how many other sources carried it, its key fact in words, and why the subscriber gets it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.compose import compose_alert, compose_digest, story_line
from bot.digest.select import Selection
from bot.render.terminal import render_text
from bot.replies import Italic, Link
from storage.digest import DigestStory
from storage.search import TopFact

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ASE, TSMC = (1, "ASE Technology Holding"), (2, "TSMC")
INVESTMENT = TopFact("investment", "ASE Technology Holding", 165e9, "USD", "Arizona", "ASE will invest ...")


def story(
    key: int = 1,
    *,
    url: str | None = None,
    fact: TopFact | None = None,
    other_sources: int = 0,
    companies: tuple[tuple[int, str], ...] = (ASE,),
) -> DigestStory:
    return DigestStory(
        key=key,
        article_id=key,
        title=f"Story {key}",
        url=url,
        source_name="Letsnewz",
        news_at=NOW,
        companies=list(companies),
        fact=fact,
        other_sources=other_sources,
    )


def text(line: tuple) -> str:
    return "".join(part if isinstance(part, str) else part.text for part in line)


def test_a_line_gives_the_headline_its_source_and_the_key_fact_in_words():
    assert text(story_line(story(fact=INVESTMENT), {})) == (
        "Story 1 (Letsnewz) — Investment · ASE Technology Holding · USD 165 billion · Arizona"
    )


def test_a_story_others_carried_says_how_many():
    assert ", also reported by 1 source —" in text(story_line(story(fact=INVESTMENT, other_sources=1), {}))
    assert ", also reported by 3 sources" in text(story_line(story(other_sources=3), {}))
    assert "also reported" not in text(story_line(story(), {}))


def test_a_line_says_which_followed_companies_it_is_there_for():
    line = story_line(story(companies=(ASE, TSMC)), {2: "TSMC"})
    assert line[-1] == Italic(" — you follow TSMC")
    assert "you follow" not in text(story_line(story(companies=(ASE, TSMC)), {}))


def test_the_headline_links_only_to_a_safe_url():
    [linked] = [p for p in story_line(story(url="https://news.example/ase"), {}) if isinstance(p, Link)]
    assert linked.url == "https://news.example/ase"
    assert not any(isinstance(p, Link) for p in story_line(story(url="javascript:alert(1)"), {}))


def test_an_alert_names_the_followed_companies_else_every_company_of_the_story():
    followed = render_text(compose_alert(story(companies=(ASE, TSMC)), {2: "TSMC"}))
    assert followed.startswith("🔔 TSMC in the news")
    unfollowed = render_text(compose_alert(story(companies=(ASE, TSMC)), {}))
    assert unfollowed.startswith("🔔 ASE Technology Holding, TSMC in the news")
    assert compose_alert(story(), {}).link_preview


def test_digests_composed_from_the_same_stories_share_a_line_per_story_and_followed_names():
    selection = Selection(followed=(), others=(story(fact=INVESTMENT),), hidden=0)
    lines: dict = {}
    first = compose_digest(selection, {}, since=NOW, until=NOW, zone="UTC", lines=lines)
    again = compose_digest(selection, {}, since=NOW, until=NOW, zone="UTC", lines=lines)
    assert first == again and len(lines) == 1
    follower = compose_digest(
        selection, {1: "ASE Technology Holding"}, since=NOW, until=NOW, zone="UTC", lines=lines
    )
    assert len(lines) == 2  # a follower's line says why: not the same line
    assert follower is not None and "you follow ASE Technology Holding" in render_text(follower)
