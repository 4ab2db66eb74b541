"""Cleaning text into a headline and paragraphs: plain-text scrapes, Markdown and HTML fragments.

A plain-text scrape such as the seed article looks like this: the site's name on a line of its own
("Letsnewz."), the headline, both often repeated by the scraper, then the paragraphs. We keep the site
name as the source, the headline once, and the paragraphs; a leading dateline ("Friday, January 4,
2019" or "Published: 2025-03-26") becomes the published date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
from lxml import etree
from markdown_it import MarkdownIt

from bot.text import cut

MIN_ARTICLE_WORDS = 15
MAX_HEADLINE_WORDS = 30

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n")
_DATE_LABEL = re.compile(r"^(?:published|posted|date|updated)\s*(?::|on)?\s*", re.IGNORECASE)
_DATE_FORMATS = ("%A, %B %d, %Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d", "%A, %d %B %Y")
_SITE_LINE = re.compile(r"^[\w.\- ]{2,40}\.?$")
_DOMAIN = re.compile(r"\w\.[a-z]{2,6}\b")
_CONTAINERS = {
    "div",
    "section",
    "article",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "header",
    "footer",
    "figure",
    "hr",
}
_CELLS = {"td", "th"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "figcaption"}


@dataclass(frozen=True)
class ParsedText:
    title: str | None
    paragraphs: list[str]
    source_name: str | None = None
    published_at: datetime | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def clean(raw: str) -> str:
    """Unicode NFC, invisible and control characters removed, runs of spaces folded, line ends unified."""
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def paragraphs_of(text: str) -> list[str]:
    """Blank lines separate paragraphs; lines wrapped inside one are joined. A dateline on a line of
    its own stays a paragraph of its own even without a blank line after it."""
    paragraphs = []
    for block in _BLANK_LINES.split(clean(text)):
        lines = [line for line in block.split("\n") if line]
        if len(lines) > 1 and parse_date(lines[0]) is not None:
            paragraphs.append(lines.pop(0))
        if lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def drop_repeats(paragraphs: list[str]) -> list[str]:
    """Scrapes repeat header lines (site name, headline); keep the first of any repeated paragraph."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = paragraph.casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def parse_date(line: str) -> datetime | None:
    """A line that is only a date ("Friday, January 4, 2019", "Published: 2025-03-26")."""
    candidate = _DATE_LABEL.sub("", line.strip()).rstrip(" .-–—")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


_INLINE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s+[A-Z][A-Za-z .'’-]{1,30})?),\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})\s*(?:[-–—]+|:)\s+"
)


def split_dateline(paragraph: str) -> tuple[datetime | None, str]:
    """ "TAIPEI, May 14, 2025 - Foxconn said ..." -> (2025-05-14, "Foxconn said ...")."""
    match = _INLINE_DATELINE.match(paragraph)
    if not match:
        return None, paragraph
    text = match.group("date").replace(".", "").replace("Sept ", "Sep ")
    for fmt in ("%b %d, %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC), paragraph[match.end() :]
        except ValueError:
            continue
    return None, paragraph


def word_count(text: str) -> int:
    return len(text.split())


def _looks_like_site_line(paragraph: str, following: list[str]) -> bool:
    """A site's name on its own line: short, and closed by a period ("Letsnewz.") or a domain
    ("letsnewz.com"); a short headline has neither."""
    return (
        bool(following)
        and len(paragraph.split()) <= 4
        and bool(_SITE_LINE.match(paragraph))
        and (paragraph.endswith(".") or bool(_DOMAIN.search(paragraph)))
        and not paragraph[0].isdigit()
        and parse_date(paragraph) is None
    )


def _looks_like_headline(paragraph: str) -> bool:
    return word_count(paragraph) <= MAX_HEADLINE_WORDS and not paragraph.endswith((".", "!", "?", ":"))


def parse_plain_text(raw: str, *, headline: str | None = None) -> ParsedText:
    """Headline, paragraphs, site name and dateline of a plain-text article or scrape."""
    paragraphs = drop_repeats(paragraphs_of(raw))
    source_name = None
    if paragraphs and headline is None and _looks_like_site_line(paragraphs[0], paragraphs[1:]):
        source_name = paragraphs.pop(0).rstrip(".").strip() or None
    title = headline
    published = None
    # A dateline may come before or after the headline.
    for _ in range(2):
        if paragraphs and (date := parse_date(paragraphs[0])) is not None:
            published = published or date
            paragraphs.pop(0)
        elif title is None and len(paragraphs) > 1 and _looks_like_headline(paragraphs[0]):
            title = paragraphs.pop(0)
    if paragraphs:
        dateline, rest = split_dateline(paragraphs[0])
        if dateline is not None:
            published = published or dateline
            paragraphs[0] = rest
    if title is None and paragraphs:
        title = first_sentence(paragraphs[0])
    return ParsedText(title=title, paragraphs=paragraphs, source_name=source_name, published_at=published)


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:(?:[A-Za-z]\.)+|Mr|Mrs|Ms|Dr|Prof|Inc|Co|Corp|Ltd|Jr|Sr|St|No|Gen|Gov|Sen|Rep|vs|etc|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?$"
)
_ABBREVIATION_WINDOW = 40  # characters before a full stop in which an abbreviation is looked for


def first_sentence(paragraph: str, limit: int = 120) -> str:
    """The paragraph's first sentence, not fooled by abbreviations ("U.S.", "Inc.", "John R.")."""
    end = len(paragraph)
    for match in _SENTENCE_END.finditer(paragraph):
        # Only the word before the full stop can be an abbreviation: looking at a short window (not
        # all the text before it) keeps this linear on text full of "Mr. Smith".
        stop = match.start() + 1
        if not _ABBREVIATION.search(paragraph, max(0, stop - _ABBREVIATION_WINDOW), stop):
            end = match.end()
            break
    return cut(paragraph[:end].strip(), limit, words=True)


def html_fragment_paragraphs(fragment: str) -> tuple[str | None, list[str]]:
    """The text of an HTML fragment (feed content, rendered Markdown) as paragraphs: block elements
    and <br><br> separate them, a single <br> is a space; the first heading, if the fragment
    opens with one, is returned apart."""
    fragment = _CONTROL.sub("", fragment.replace("\x00", ""))
    if not fragment.strip():
        return None, []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return None, paragraphs_of(fragment)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    heading = None
    first = next((el for el in root.iter() if isinstance(el.tag, str) and el.tag in _BLOCKS), None)
    if (
        first is not None
        and first.tag in {"h1", "h2"}
        and not (root.text or "").strip()
        and all(not (el.tail or "").strip() for el in first.itersiblings(preceding=True))
    ):
        heading = clean(first.text_content()).replace("\n", " ").strip() or None
        first.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCKS or el.tag in _CONTAINERS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
        elif el.tag in _CELLS:
            el.tail = " " + (el.tail or "")
    return heading, paragraphs_of(root.text_content())


_MARKDOWN = MarkdownIt("commonmark")
_INLINE_MARKDOWN = MarkdownIt("commonmark").enable("strikethrough")


def plain_text(typed: str) -> str:
    """A short piece of text someone typed (a company name after a command) without its formatting:
    HTML tags and Markdown emphasis, code and links taken out, entities decoded, spacing made single
    ("<b>ASE</b>", "**ASE**", "`ASE`" are all "ASE"). Only inline Markdown counts, so "1. ASE" stays
    as typed; the content of <script> and <style> goes with the tags."""
    if not typed.strip():
        return ""
    heading, paragraphs = html_fragment_paragraphs(_INLINE_MARKDOWN.renderInline(typed))
    return " ".join(" ".join(part for part in (heading, *paragraphs) if part).split())


def parse_markdown(raw: str) -> ParsedText:
    heading, paragraphs = html_fragment_paragraphs(_MARKDOWN.render(clean(raw)))
    if heading is None:
        return parse_plain_text("\n\n".join(paragraphs))
    return parse_plain_text("\n\n".join(paragraphs), headline=heading)
