"""Extraction throughput against plain spaCy on the Wikinews corpus, in words per second.

    python -m benchmarks.extraction_speed [--rounds 3]      (or: make bench)

Both sides use the same model, loaded once, with the same unused components disabled; "plain" is
`nlp.pipe` over the texts, "extraction" is `Extractor.extract_many` (gazetteer EntityRuler, paragraph
breaks, and every extraction room). Rounds alternate between the two; the best round of each counts.
Corpus: Wikinews (CC BY 2.5, Wikinews contributors).
"""

from __future__ import annotations

import argparse
import platform
import time

from bot.extract.nlp import load_model
from bot.extract.pipeline import DEFAULT_MODEL, ArticleText, Extractor
from tests.support.wikinews import load_corpus, require_corpus

TARGET_SHARE = 0.85


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    require_corpus()

    corpus = [a for a in load_corpus() if a.text.strip()]
    articles = [ArticleText(a.title, a.text, "Wikinews", a.published) for a in corpus]
    texts = [f"{a.title}\n\n{a.text}" for a in articles]
    words = sum(len(t.split()) for t in texts)
    plain = load_model(args.model)
    extractor = Extractor(args.model)

    def run_plain() -> float:
        start = time.perf_counter()
        for _ in plain.pipe(texts, batch_size=16):
            pass
        return time.perf_counter() - start

    def run_extraction() -> float:
        start = time.perf_counter()
        for _ in extractor.extract_many(articles, batch_size=16):
            pass
        return time.perf_counter() - start

    run_plain(), run_extraction()  # warm-up
    plain_times, extraction_times = [], []
    for _ in range(args.rounds):
        plain_times.append(run_plain())
        extraction_times.append(run_extraction())
    plain_wps = words / min(plain_times)
    extraction_wps = words / min(extraction_times)
    share = extraction_wps / plain_wps
    print(
        f"Extraction speed on {len(texts)} Wikinews articles, {words:,} words ({platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, model {args.model}, best of {args.rounds})"
    )
    print(f"  plain nlp.pipe   {plain_wps:>10,.0f} words/s")
    print(f"  extraction       {extraction_wps:>10,.0f} words/s")
    print(f"  share            {share:>10.1%}  (target >= {TARGET_SHARE:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
