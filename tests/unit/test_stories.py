"""Stories: a copy of a story republished by another outlet, lightly edited, is recognised as the same
story; different stories stay apart, even about the same company or under the same stock headline."""

from __future__ import annotations

import random

import pytest

from bot.ingest.stories import Candidate, body_similarity, same_story, shingles
from tests.support.copies import own_headline, reworded_headline, rewritten_lead, sentences_cut
from tests.support.wikinews import WikinewsArticle, load_corpus

ACME_ABOUT = (
    "Acme Corp, founded in 1952 and based in Springfield, Illinois, makes industrial robots, conveyor "
    "systems and warehouse software, and employs about 40,000 people worldwide."
)
ACME_Q3 = Candidate(
    story=1,
    title="Acme profits rise",
    text=(
        "Acme Corp said on Tuesday that its third-quarter net profit rose 12 percent to $1.2 billion, "
        "helped by strong demand for its industrial robots from carmakers in China and the United States. "
        "Revenue climbed 7 percent to $8.4 billion, ahead of analysts' forecasts, and the company raised "
        "its outlook for the full year.\n\n"
        "Chief executive Dana Whitfield said orders for the new welding line had doubled since the spring "
        "and that the backlog would keep its factories busy well into next year.\n\n" + ACME_ABOUT
    ),
)


def corpus() -> list[WikinewsArticle]:
    return [a for a in load_corpus() if a.text.strip()]


def candidates(articles: list[WikinewsArticle]) -> list[Candidate]:
    return [Candidate(story=i, title=a.title, text=a.text) for i, a in enumerate(articles)]


def article(title: str) -> tuple[int, WikinewsArticle]:
    return next((i, a) for i, a in enumerate(corpus()) if a.title == title)


def test_a_copy_with_its_own_headline_and_a_rewritten_lead_is_the_same_story():
    index, original = article("Escape room fire kills five teen girls in Koszalin, Poland")
    paragraphs = original.paragraphs
    copy = "\n\n".join(
        [
            "Five fifteen-year-old girls celebrating a birthday died on Friday afternoon when fire broke "
            "out at an escape room in the northern Polish town of Koszalin. A man was badly hurt, and the "
            "government has ordered checks of every escape room in the country.",
            *paragraphs[2:],
        ]
    )
    assert same_story("Five teenagers die in fire at Polish escape room", copy, candidates(corpus())) == index


def test_the_same_text_under_another_headline_with_sentences_cut_is_the_same_story():
    index, original = article("State-run bus crashes in Cuba en route to Havana, killing seven")
    copy = (
        original.text.replace(
            " The front-left section of the vehicle was heavily damaged in the rollover.", ""
        )
        .replace(" At least one seat was pictured lying beside the wreck.", "")
        .replace(" Sky News said Thursday's accident was the fourth major bus crash in a month.", "")
    )
    assert copy != original.text
    assert (
        same_story("Seven dead as tourist bus overturns in eastern Cuba", copy, candidates(corpus())) == index
    )


def test_a_copy_joins_the_story_of_the_first_article_not_the_copy_it_resembles():
    _, original = article("State-run bus crashes in Cuba en route to Havana, killing seven")
    first_copy = Candidate(story=41, title="Cuba bus crash kills seven", text=original.text)
    assert same_story(original.title, original.text, [ACME_Q3, first_copy]) == 41


def test_another_story_about_the_same_company_is_not_the_same_story():
    plant = (
        "Acme Corp will build a $600 million robot assembly plant outside Austin, Texas, creating about "
        "1,200 jobs, the governor's office announced on Monday. Construction is due to start in March and "
        "the first robots should leave the line in 2027.\n\n"
        "The state offered $45 million in tax breaks to win the project over sites in Arizona and Ohio, "
        "according to documents seen by local reporters.\n\n" + ACME_ABOUT
    )
    assert same_story("Acme to build $600 million robot plant in Texas", plant, [ACME_Q3]) is None


def test_a_stock_headline_does_not_make_two_stories_one():
    """The same three-word headline, the same company background, another quarter's results."""
    first_quarter = (
        "Acme Corp reported a 5 percent rise in first-quarter profit on Thursday, to $940 million, as price "
        "increases offset weaker sales volumes in Europe, where carmakers have delayed new production lines.\n\n"
        "The company kept its forecast for the year unchanged and said it would buy back up to $2 billion of "
        "its shares.\n\n" + ACME_ABOUT
    )
    assert same_story("Acme profits rise", first_quarter, [ACME_Q3]) is None


def test_no_two_wikinews_articles_are_the_same_story():
    """295 distinct stories, among them follow-ups, interviews sharing background paragraphs and a
    monthly series under near-identical headlines: each against all the others, none is grouped."""
    articles = corpus()
    pool = candidates(articles)
    grouped = [
        (a.title, articles[found].title)
        for i, a in enumerate(articles)
        if (found := same_story(a.title, a.text, pool[:i] + pool[i + 1 :])) is not None
    ]
    assert grouped == []


@pytest.mark.parametrize(
    ("edit", "at_least"),
    [
        (lambda a, rng: (reworded_headline(a.title, rng), rewritten_lead(a.text, rng)), 0.95),
        (lambda a, rng: (reworded_headline(a.title, rng), sentences_cut(a.text, 3, rng)), 0.95),
        (lambda a, rng: (own_headline(a.text), rewritten_lead(a.text, rng)), 0.9),
        (lambda a, rng: (own_headline(a.text), sentences_cut(a.text, 3, rng)), 0.9),
    ],
    ids=[
        "reworded-headline-rewritten-lead",
        "reworded-headline-sentences-cut",
        "own-headline-rewritten-lead",
        "own-headline-sentences-cut",
    ],
)
def test_lightly_edited_copies_of_the_corpus_are_found_among_all_of_it(edit, at_least):
    """Misses are short articles, whose rewritten lead is most of the text; a copy is never filed
    under another article."""
    articles = corpus()
    pool = candidates(articles)
    rng = random.Random(2020)
    found = [same_story(*edit(a, rng), pool) for a in articles]
    assert sum(f == i for i, f in enumerate(found)) >= at_least * len(articles)
    assert [f for i, f in enumerate(found) if f is not None and f != i] == []


def test_an_article_without_words_or_without_candidates_is_a_story_of_its_own():
    assert same_story("Acme profits rise", ACME_Q3.text, []) is None
    assert same_story("Acme profits rise", "", [ACME_Q3]) is None


def test_case_and_punctuation_do_not_tell_copies_apart():
    shouted = ACME_Q3.text.upper().replace(", ", " - ").replace(". ", "! ")
    assert body_similarity(shingles(ACME_Q3.text), shingles(shouted)) == 1.0
