"""/search WORDS: the stored articles whose title or text has the words, best match first, each with
a passage where they appear and the article's top fact."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.commands.context import Chat
from bot.commands.latest import article_line
from bot.replies import Bold, Bullets, Heading, Inline, Paragraph, Reply
from bot.text import cut
from storage.search import SearchHit, search_articles

LIMIT = 5
EXAMPLE = "/search Arizona fab"
ECHO_LIMIT = 60  # characters of the words looked for, quoted back


def search_command(session: Session, _chat: Chat, args: str) -> Reply:
    words = " ".join(args.split())
    if not words:
        return Reply.error("What should I look for? Give a few words.", example=EXAMPLE)
    hits = search_articles(session, words, limit=LIMIT)
    if not hits:
        return Reply(
            (
                Paragraph((f"No article mentions “{cut(words, ECHO_LIMIT)}”.",)),
                Paragraph(("Try fewer or other words, or a company name with /company.",)),
            )
        )
    return Reply(
        (
            Heading(f"Best matches for “{cut(words, ECHO_LIMIT)}”"),
            Bullets(tuple(article_line(hit, _snippet(hit)) for hit in hits)),
        )
    )


def _snippet(hit: SearchHit) -> tuple[Inline | str, ...]:
    """A new line with the passage, the words that matched in bold."""
    if not hit.snippet:
        return ()
    parts: list[Inline | str] = ["\n"]
    done = 0
    for start, end in hit.highlights:
        if start < done:
            continue
        if start > done:
            parts.append(hit.snippet[done:start])
        parts.append(Bold(hit.snippet[start:end]))
        done = end
    if done < len(hit.snippet):
        parts.append(hit.snippet[done:])
    return tuple(parts)
