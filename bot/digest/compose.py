"""Wording digests and alerts: one entry per story with its headline, source, key fact, how many
other sources carried it, and why it is there ("you follow ASE")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.select import Selection
from bot.extract.card import fact_summary, source_label
from bot.replies import Bold, Bullets, Heading, Italic, Line, Paragraph, Reply, title_link
from storage.digest import DigestStory


def compose_digest(
    selection: Selection,
    followed: dict[int, str],
    *,
    since: datetime,
    until: datetime,
    zone: str,
    send_empty: bool = True,
    lines: dict[tuple[int, tuple[str, ...]], Line] | None = None,
) -> Reply | None:
    """None when there is nothing to say and the subscriber did not ask for "nothing new" notes.
    `since` and `until` bound the news it covers, told in the subscriber's `zone`. `lines` keeps
    each story's line for the next digests composed from the same stories."""
    if selection.empty:
        if not send_empty:
            return None
        return Reply.text(f"Nothing new about companies since {local_time(since, until, zone)}.")
    blocks: list = [
        Heading("Your digest"),
        Paragraph((Italic(f"News since {local_time(since, until, zone)}"),)),
    ]
    if selection.followed:
        blocks.append(Paragraph((Bold("Companies you follow"),)))
        blocks.append(Bullets(tuple(_cached_line(s, followed, lines) for s in selection.followed)))
    if selection.others:
        blocks.append(Paragraph((Bold("Other company news"),)))
        blocks.append(Bullets(tuple(_cached_line(s, followed, lines) for s in selection.others)))
    if selection.hidden > 0:
        blocks.append(Paragraph((Italic(f"… and {selection.hidden} more. /latest lists the newest."),)))
    return Reply(tuple(blocks))


def local_time(moment: datetime, now: datetime, zone: str) -> str:
    """A moment as the subscriber reads it: their wall-clock time and zone, with the day when it was
    not today there ("08:00, Europe/Berlin"; "Mon 30 Nov 08:00, Europe/Berlin")."""
    tz = ZoneInfo(zone)
    local, today = moment.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        return f"{local:%H:%M}, {zone}"
    if local.year == today.year:
        return f"{local:%a} {local.day} {local:%b %H:%M}, {zone}"
    return f"{local.day} {local:%b %Y %H:%M}, {zone}"


def compose_alert(story: DigestStory, followed: dict[int, str]) -> Reply:
    """A push for one story about a followed company."""
    names = [name for cid, name in story.companies if cid in followed] or [n for _, n in story.companies]
    return Reply(
        (
            Paragraph((Bold(f"🔔 {', '.join(names)} in the news"),)),
            Paragraph(story_line(story, followed)),
        ),
        link_preview=True,
    )


def _cached_line(
    story: DigestStory, followed: dict[int, str], lines: dict[tuple[int, tuple[str, ...]], Line] | None
) -> Line:
    if lines is None:
        return story_line(story, followed)
    key = (story.key, tuple(name for cid, name in story.companies if cid in followed))
    line = lines.get(key)
    if line is None:
        line = lines[key] = story_line(story, followed)
    return line


def story_line(story: DigestStory, followed: dict[int, str]) -> Line:
    parts: list = [title_link(story.title, story.url), f" ({source_label(story.source_name, story.url)})"]
    if story.other_sources:
        plural = "s" if story.other_sources > 1 else ""
        parts.append(f", also reported by {story.other_sources} source{plural}")
    fact = story.fact
    if fact is not None:
        summary = fact_summary(fact.kind, fact.company, fact.amount_value, fact.amount_currency, fact.place)
        parts.append(" — " + summary)
    why = [name for cid, name in story.companies if cid in followed]
    if why:
        parts.append(Italic(f" — you follow {', '.join(why)}"))
    return tuple(parts)
