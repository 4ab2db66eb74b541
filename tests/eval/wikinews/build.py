"""Writes the Wikinews evaluation articles from the corpus CSVs, split into dev and held-out.

    python -m tests.eval.wikinews.build [CORPUS_DIR]     (default: ../shared/corpus/wikinews)

Each CSV row (url, date, title, text) becomes `{split}/articles/{stem}.txt` in the evaluation
format of tests/eval/README.md: the site line "Wikinews.", the headline, then the text as published,
paragraphs separated by one blank line. The 2019 texts open with their weekday date line; for the
texts that have none, a line "Published: YYYY-MM-DD" from the row's date is put after the headline.
Rows without article text (a Wikinews test page) are left out and named.

The split is fixed by the article id, the page name in the URL, before anything is annotated:
SHA-256 of the id, taken as a number; even is dev, odd is held out. It does not depend on the
order of the rows, the content, or the extractor, so an article never changes sides.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from bot.ingest.text import parse_date
from tests.support.wikinews import CORPUS

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "heldout")


def article_id(url: str) -> str:
    """The Wikinews page name: what identifies the article."""
    return unquote(url.rsplit("/wiki/", 1)[-1])


def split_of(identifier: str) -> str:
    return SPLITS[int(hashlib.sha256(identifier.encode("utf-8")).hexdigest(), 16) % 2]


def stem_of(date: str, identifier: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{date}-{slug[:60].rstrip('-')}"


def article_file(title: str, date: str, text: str) -> str | None:
    """The file's text, or None when the row holds no article (only its date line)."""
    paragraphs = [p for p in (" ".join(p.split()) for p in re.split(r"\n\s*\n", text)) if p]
    has_date_line = bool(paragraphs) and parse_date(paragraphs[0]) is not None
    if len(paragraphs) <= int(has_date_line):
        return None
    head = ["Wikinews.", " ".join(title.split())]
    if not has_date_line:
        head.append(f"Published: {date}")
    return "\n\n".join([*head, *paragraphs]) + "\n"


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else CORPUS
    csv.field_size_limit(sys.maxsize)
    written = dict.fromkeys(SPLITS, 0)
    skipped: list[str] = []
    seen: set[Path] = set()
    for path in sorted(corpus.glob("wikinews_*.csv")):
        with path.open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows):
                identifier = article_id(row["url"])
                split = split_of(identifier)
                folder = HERE / split / "articles"
                folder.mkdir(parents=True, exist_ok=True)
                content = article_file(row["title"], row["date"], row["text"])
                if content is None:
                    skipped.append(identifier)
                    continue
                target = folder / f"{stem_of(row['date'], identifier)}.txt"
                if target in seen:
                    raise SystemExit(f"two articles would share {target.name}")
                seen.add(target)
                target.write_text(content, encoding="utf-8")
                written[split] += 1
    print(", ".join(f"{split}: {count} articles" for split, count in written.items()))
    for identifier in skipped:
        print(f"left out (no article text): {identifier}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
