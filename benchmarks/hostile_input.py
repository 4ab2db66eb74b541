"""How long the text rooms take on input built to hurt them, the figures of the README's hardening
table.

    python -m benchmarks.hostile_input [--rounds 3]

Each case runs the room a fetched article goes through (cleaning, feed parsing, extraction) on one
hostile input, in this process, model loaded once; the best of the rounds counts. The cases: 5 MB of
"Mr. Smith " (a paragraph's first sentence was once quadratic in abbreviations), 20,000 "$" and a
mix of "$ ( \" € ¥ %" (spaCy's tokenizer is quadratic in such runs), an article of 100,000 characters
(the cap; longer texts are cut), an item dated 9999-12-31 saying "next Wednesday" (once an
OverflowError that stopped all extraction), and an XML entity bomb as a feed.
Corpus: Wikinews (CC BY 2.5, Wikinews contributors), for the long article.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from datetime import date

from bot.extract.pipeline import ArticleText, Extractor
from bot.ingest.feeds import parse_feed
from bot.ingest.text import parse_plain_text
from tests.support.wikinews import load_corpus, require_corpus

ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
    "<link>https://example.com/x</link><description>&lol9;</description></item></channel></rss>"
).encode()


def best_of(rounds: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    require_corpus()
    extractor = Extractor()
    extractor.extract(ArticleText("Warm-up", "ASE said on Monday it would invest $1 billion.", None, None))

    long_text = ""
    for article in load_corpus():
        if len(long_text) >= 100_000:
            break
        long_text += article.text + "\n\n"
    long_text = long_text[:100_000]
    far_future = ArticleText(
        "Far future",
        "Acme Widgets Inc. said it will open a plant next Wednesday. " * 3,
        None,
        date(9999, 12, 31),
    )
    cases: list[tuple[str, Callable[[], object]]] = [
        ('clean and parse 5 MB of "Mr. Smith "', lambda: parse_plain_text("Mr. Smith " * 500_000)),
        ('extract 20,000 "$"', lambda: extractor.extract(ArticleText("Dollars", "$" * 20_000, None, None))),
        (
            'extract 20,000 of "$ ( \\" € ¥ %"',
            lambda: extractor.extract(ArticleText("Symbols", '$("€¥%' * 3_334, None, None)),
        ),
        (
            "extract a 100,000-character article",
            lambda: extractor.extract(ArticleText("Long", long_text, "Wikinews", None)),
        ),
        ('extract an item of 9999-12-31 saying "next Wednesday"', lambda: extractor.extract(far_future)),
        ("parse an XML entity bomb feed (3 GB expanded)", lambda: parse_feed(ENTITY_BOMB)),
    ]
    print(f"Hostile input, best of {args.rounds} ({platform.machine()}, Python {platform.python_version()})")
    for label, work in cases:
        try:
            seconds = best_of(args.rounds, work)
        except Exception as exc:  # a case that raises is a result to print, not a crash
            print(f"  {label:<56} raised {type(exc).__name__}: {exc}")
            continue
        print(f"  {label:<56} {seconds:8.3f} s")
    print("reproduce: python -m benchmarks.hostile_input")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
