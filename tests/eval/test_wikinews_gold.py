"""The Wikinews evaluation set is whole and sound: every article on the side its id hashes to, every
article with a gold file, and every gold file true to its article (tests/eval/wikinews/check.py)."""

from __future__ import annotations

import pytest

from tests.eval.wikinews.build import HERE, SPLITS, article_file, article_id, split_of, stem_of
from tests.eval.wikinews.check import gold_files, problems_of
from tests.support.wikinews import CORPUS, FILES, load_corpus


def test_every_corpus_article_is_on_the_side_its_id_hashes_to():
    if not all((CORPUS / name).is_file() for name in FILES):
        pytest.skip(f"the Wikinews corpus is not at {CORPUS}")
    for article in load_corpus():
        identifier = article_id(article.url)
        stem = stem_of(article.published.isoformat(), identifier)
        content = article_file(article.title, article.published.isoformat(), article.text)
        for split in SPLITS:
            present = (HERE / split / "articles" / f"{stem}.txt").exists()
            assert present == (content is not None and split == split_of(identifier)), (split, stem)


def test_the_split_is_about_half_and_half():
    dev, heldout = (len(list((HERE / split / "articles").glob("*.txt"))) for split in SPLITS)
    assert (dev, heldout) == (142, 152)


@pytest.mark.parametrize("split", SPLITS)
def test_every_article_has_a_gold_file(split: str):
    articles = sorted(p.stem for p in (HERE / split / "articles").glob("*.txt"))
    assert articles == sorted(p.stem for p in (HERE / split / "gold").glob("*.json"))


def test_every_gold_file_is_true_to_its_article():
    problems = [f"{path.stem}: {problem}" for path in gold_files([]) for problem in problems_of(path)]
    assert problems == []
