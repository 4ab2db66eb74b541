"""From what a user typed (or a button they pressed) to a Reply: the one table of commands both
transports use. "/company@digest_bot ASE" and "/company ASE" are the same; text without a command
is a company query when it names one (as a whole, or inside a sentence), otherwise a short hint."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.commands.admin import addsource_command, removesource_command, sources_command, stats_command
from bot.commands.company import company_command, company_page, text_query
from bot.commands.context import Chat
from bot.commands.digest import digest_command
from bot.commands.follow import (
    follow_command,
    follow_company,
    following_command,
    unfollow_command,
    unfollow_company,
)
from bot.commands.latest import latest_command
from bot.commands.quiet import quiet_command
from bot.commands.search import search_command
from bot.commands.subscribe import settings_action, settings_command, subscribe_command, unsubscribe_command
from bot.replies import Bold, Bullets, Button, Code, Paragraph, Reply

MAX_ARGUMENT = 200


Handler = Callable[[Session, Chat, str], Reply]


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # for Telegram's command menu (setMyCommands) and /help
    example: str


COMMANDS = (
    CommandInfo("start", "What this bot does", "/start"),
    CommandInfo("company", "Facts about a company: name, alias or ticker", "/company ASE"),
    CommandInfo("follow", "Follow a company: first in digests, alerts on news", "/follow TSMC"),
    CommandInfo("unfollow", "Stop following a company", "/unfollow TSMC"),
    CommandInfo("following", "The companies you follow", "/following"),
    CommandInfo("subscribe", "A daily or weekly digest at your time", "/subscribe 08:00 Asia/Taipei"),
    CommandInfo("unsubscribe", "Stop the digest", "/unsubscribe"),
    CommandInfo("settings", "Your digest time, zone and frequency", "/settings"),
    CommandInfo("quiet", "Hours in which alerts wait, in your time zone", "/quiet 22:00-07:00"),
    CommandInfo("digest", "Your digest now: what is new since the last one", "/digest"),
    CommandInfo("search", "Articles that mention some words", "/search Arizona fab"),
    CommandInfo("latest", "The newest articles with their key fact", "/latest 10"),
    CommandInfo("sources", "Where the news comes from", "/sources"),
    CommandInfo("help", "All commands with an example each", "/help"),
)
ADMIN_COMMANDS = (
    CommandInfo("addsource", "Add an RSS or Atom feed (admins)", "/addsource https://example.com/feed.xml"),
    CommandInfo("removesource", "Remove a source (admins)", "/removesource 3"),
    CommandInfo("stats", "Counts and source health (admins)", "/stats"),
)

_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<args>.*))?$", re.S
)


def start_reply() -> Reply:
    useful = [c for c in COMMANDS if c.name in ("company", "follow", "subscribe")]
    return Reply(
        (
            Paragraph(
                (
                    "I read the news and keep the facts that matter about companies: who invests how much "
                    "where, who said what in which role, approvals, funding and earnings. Ask me about a "
                    "company, follow the ones you care about, and get a digest at your hour.",
                )
            ),
            Paragraph((Bold("Try:"),)),
            Bullets(tuple((Code(c.example), f" — {c.description}") for c in useful)),
            Paragraph(("/help lists everything.",)),
        ),
        ((Button("Subscribe to the daily digest", "set:sub"),),),
    )


def help_reply(chat: Chat) -> Reply:
    commands = COMMANDS + (ADMIN_COMMANDS if chat.admin else ())
    return Reply(
        (
            Paragraph((Bold("Commands"),)),
            Bullets(
                tuple(
                    (Code(f"/{c.name}"), f" — {c.description}. Example: ", Code(c.example)) for c in commands
                )
            ),
        )
    )


def handle_text(session: Session, chat: Chat, text: str, *, bot_username: str | None = None) -> Reply | None:
    """A message: a command, or free text taken as a company name; None when it is not for us."""
    text = text.strip()
    match = _COMMAND.match(text)
    if match is None:
        reply = text_query(session, text[:MAX_ARGUMENT]) if text else None
        return reply or Reply.text("Send a company name, or /help to see what I can do.")
    if match["bot"] and bot_username and match["bot"].casefold() != bot_username.casefold():
        return None  # a command for another bot in the group
    name = match["name"].casefold()
    args = " ".join((match["args"] or "").split())
    handler = _HANDLERS.get(name)
    if handler is None:
        return Reply.text(f"I don't know /{name[:32]}. Send /help to see what I can do.")
    reply = handler(session, chat, args[:MAX_ARGUMENT])
    if len(args) > MAX_ARGUMENT and reply.notice is None:
        return Reply(
            reply.blocks,
            reply.buttons,
            reply.link_preview,
            f"Your text was cut at {MAX_ARGUMENT} characters.",
        )
    return reply


def handle_action(session: Session, chat: Chat, action: str) -> Reply:
    """A pressed button: the action string the reply put on it."""
    kind, _, rest = action.partition(":")
    if kind == "co":
        company_id, _, page = rest.partition(":")
        if company_id.isdigit() and page.isdigit():
            return company_page(session, int(company_id), int(page))
    if kind == "cq" and rest:  # a suggestion button of an older reply, which carried the name
        return company_command(session, rest)
    if kind in ("fo", "uf") and rest.isdigit():
        return (follow_company if kind == "fo" else unfollow_company)(session, chat, int(rest))
    if kind == "set":
        return settings_action(session, chat, rest)
    if kind == "start":
        return start_reply()
    return Reply.text("That button has expired. Send /help to start again.")


_HANDLERS: dict[str, Handler] = {
    "start": lambda _session, _chat, _args: start_reply(),
    "help": lambda _session, chat, _args: help_reply(chat),
    "company": lambda session, _chat, args: company_command(session, args),
    "follow": follow_command,
    "unfollow": unfollow_command,
    "following": following_command,
    "subscribe": subscribe_command,
    "unsubscribe": unsubscribe_command,
    "settings": settings_command,
    "quiet": quiet_command,
    "digest": digest_command,
    "search": search_command,
    "latest": latest_command,
    "sources": sources_command,
    "addsource": addsource_command,
    "removesource": removesource_command,
    "stats": stats_command,
}
