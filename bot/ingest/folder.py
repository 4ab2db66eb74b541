"""Articles from files: a folder (the seeds folder by default) or single .txt, .md and .html files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.ingest.html import extract_article
from bot.ingest.models import ArticleDraft, IngestError, NoArticleText
from bot.ingest.text import MIN_ARTICLE_WORDS, parse_markdown, parse_plain_text, word_count

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES
_NOT_ARTICLES = {"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"}  # a folder's own notes


def files_in(folder: Path) -> list[Path]:
    """Supported files below `folder` in a stable order; hidden files and a folder's own notes
    (README, LICENSE ...) left out."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.stem.upper() in _NOT_ARTICLES:
            continue
        if path.suffix.lower() in SUPPORTED and path.is_file():
            found.append(path)
    return found


def read_article_file(path: Path, *, max_bytes: int) -> ArticleDraft:
    """The article in one file, or IngestError / NoArticleText with a one-line reason."""
    if not path.exists():
        raise IngestError("no such file")
    if path.is_dir():
        raise IngestError("is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise NoArticleText("empty file")
    if b"\x00" in data[:8192]:
        raise IngestError("binary file, not text")
    if suffix in HTML_SUFFIXES:
        return replace(extract_article(data, None), url=path.resolve().as_uri())
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start}); save it as UTF-8"
        ) from None
    parsed = parse_markdown(raw) if suffix in MARKDOWN_SUFFIXES else parse_plain_text(raw)
    words = word_count(parsed.text)
    if words < MIN_ARTICLE_WORDS or not parsed.title:
        raise NoArticleText(f"no article text found ({words} words)")
    return ArticleDraft(
        title=parsed.title,
        text=parsed.text,
        url=path.resolve().as_uri(),
        source_name=parsed.source_name,
        published_at=parsed.published_at,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except IsADirectoryError:
        raise IngestError("is a folder, not a file") from None
    except PermissionError:
        raise IngestError("permission denied") from None
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise IngestError(f"too large: over the {max_bytes / 1_000_000:g} MB cap")
    return data
