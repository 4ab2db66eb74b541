"""What the user reads after `digestbot ingest`: counts, new titles, every skip and failure."""

from __future__ import annotations

import re

import pytest

from bot.ingest.models import Outcome, Status, Summary
from bot.ingest.report import headline, summary_lines


def new(n: int) -> Outcome:
    return Outcome(f"seeds/article-{n}.txt", Status.NEW, title=f"Title number {n}", article_id=n)


def duplicate(target: str) -> Outcome:
    return Outcome(target, Status.DUPLICATE, title="Old story", reason="already stored as #1")


SKIPPED = Outcome("seeds/empty.txt", Status.SKIPPED, reason="empty file")
FAILED = [
    Outcome("seeds/report.pdf", Status.FAILED, reason="unsupported file type .pdf; use .txt, .md or .html"),
    Outcome("https://example.com/feed.xml", Status.FAILED, reason="HTTP 404 Not Found"),
]


def counts_in(text: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"\b(\d+) (new|duplicate|skipped|failed)\b", text)}


def test_headline_counts_inputs_and_each_outcome():
    summary = Summary([new(1), new(2), new(3), duplicate("a.txt"), duplicate("b.txt"), SKIPPED, *FAILED])
    line = headline(summary)
    assert re.search(r"\b8 input", line)
    assert counts_in(line) == {"new": 3, "duplicate": 2, "skipped": 1, "failed": 2}


def test_headline_leaves_out_empty_counts_but_always_says_how_many_are_new():
    line = headline(Summary([*FAILED]))
    assert counts_in(line) == {"new": 0, "failed": 2}


def test_summary_starts_with_the_headline():
    summary = Summary([new(1), SKIPPED])
    assert summary_lines(summary)[0] == headline(summary)


def test_a_run_of_only_duplicates_says_nothing_new():
    line = headline(Summary([duplicate("seeds/a.txt"), duplicate("seeds/b.txt")]))
    assert "nothing new" in line


def test_a_run_with_new_articles_does_not_say_nothing_new():
    line = headline(Summary([new(1), duplicate("seeds/a.txt")]))
    assert "nothing new" not in line


def test_nothing_new_does_not_claim_all_were_stored_when_some_failed():
    line = headline(Summary([duplicate("seeds/a.txt"), *FAILED]))
    assert "all already stored" not in line


def test_every_skip_and_failure_has_its_own_line_with_its_reason():
    lines = summary_lines(Summary([new(1), SKIPPED, *FAILED, duplicate("seeds/a.txt")]))
    for outcome in (SKIPPED, *FAILED):
        matching = [line for line in lines if outcome.target in line]
        assert len(matching) == 1, outcome.target
        assert outcome.reason in matching[0]
        assert outcome.status.value in matching[0]


def test_skips_and_failures_are_listed_even_when_there_are_many_new_articles():
    lines = summary_lines(Summary([*(new(n) for n in range(30)), SKIPPED, *FAILED]))
    for outcome in (SKIPPED, *FAILED):
        assert any(outcome.target in line and outcome.reason in line for line in lines)


def test_new_titles_are_listed():
    lines = summary_lines(Summary([new(1), new(2)]))
    assert any("Title number 1" in line for line in lines)
    assert any("Title number 2" in line for line in lines)


def test_at_most_ten_new_titles_are_listed_with_a_count_of_the_rest():
    lines = summary_lines(Summary([new(n) for n in range(1, 13)]))
    listed = [n for n in range(1, 13) if any(line.endswith(f"(seeds/article-{n}.txt)") for line in lines)]
    assert listed == list(range(1, 11))
    assert any(re.search(r"\b2 more\b", line) for line in lines)


def test_exactly_ten_new_titles_are_all_listed_without_a_more_line():
    lines = summary_lines(Summary([new(n) for n in range(1, 11)]))
    assert sum("Title number" in line for line in lines) == 10
    assert not any("more" in line for line in lines)


def test_verbose_lists_every_new_title():
    lines = summary_lines(Summary([new(n) for n in range(1, 13)]), verbose=True)
    assert sum("Title number" in line for line in lines) == 12
    assert not any("more new" in line for line in lines)


def test_duplicates_are_listed_only_when_verbose():
    summary = Summary([new(1), duplicate("seeds/old-story.txt")])
    assert not any("seeds/old-story.txt" in line for line in summary_lines(summary))
    verbose = [line for line in summary_lines(summary, verbose=True) if "seeds/old-story.txt" in line]
    assert len(verbose) == 1
    assert "already stored as #1" in verbose[0]


@pytest.mark.parametrize(
    "outcomes",
    [[], [SKIPPED], [*FAILED], [SKIPPED, *FAILED]],
    ids=["nothing", "all-skipped", "all-failed", "skipped-and-failed"],
)
def test_nothing_was_ingested_when_every_input_failed_or_was_skipped(outcomes):
    assert Summary(list(outcomes)).ingested_anything is False


@pytest.mark.parametrize(
    "outcomes",
    [[new(1)], [duplicate("a.txt")], [duplicate("a.txt"), *FAILED], [SKIPPED, new(1)]],
    ids=["new", "duplicate", "duplicate-and-failed", "skipped-and-new"],
)
def test_something_was_ingested_when_any_input_was_read(outcomes):
    assert Summary(list(outcomes)).ingested_anything is True


def test_summaries_of_several_inputs_add_up():
    total = Summary([new(1)])
    total.extend(Summary([SKIPPED, *FAILED]))
    total.add(duplicate("a.txt"))
    assert {status: total.count(status) for status in Status} == {
        Status.NEW: 1,
        Status.DUPLICATE: 1,
        Status.SKIPPED: 1,
        Status.FAILED: 2,
    }
    assert total.of(Status.FAILED) == FAILED
