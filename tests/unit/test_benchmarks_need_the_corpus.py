"""Every benchmark says plainly, in one line, that the Wikinews corpus is missing and where it was
looked for, instead of failing with a traceback half-way (`make bench` on a checkout without
../shared beside it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.support.wikinews as wikinews
from benchmarks import company_reply, dispatch, extraction_speed, story_grouping


@pytest.mark.parametrize("benchmark", [extraction_speed, company_reply, dispatch, story_grouping])
def test_a_benchmark_without_the_corpus_says_where_it_looked(
    benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(wikinews, "CORPUS", tmp_path / "corpus" / "wikinews")
    with pytest.raises(SystemExit) as stopped:
        benchmark.main([])
    message = str(stopped.value.code)
    assert message.startswith("The Wikinews corpus is missing: ")
    assert str(tmp_path / "corpus" / "wikinews" / "wikinews_2019.csv") in message
    assert "\n" not in message
