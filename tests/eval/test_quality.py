"""The extractor meets its quality targets on the evaluation set (the same scorer as `make eval`)."""

from __future__ import annotations

import pytest

from tests.eval.score import ARTICLES, TARGETS, evaluate, format_report


@pytest.fixture(scope="module")
def report():
    return evaluate()


@pytest.mark.parametrize("figure", list(TARGETS))
def test_quality_target(report, figure: str):
    value = report.figures()[figure]
    assert value >= TARGETS[figure], format_report(report)


def test_every_article_has_gold_facts():
    from tests.eval.score import GOLD

    articles = sorted(p.stem for p in ARTICLES.glob("*.txt"))
    assert len(articles) >= 26
    assert articles == sorted(p.stem for p in GOLD.glob("*.json"))
