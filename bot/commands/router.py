"""From what a user typed (or a button they pressed) to a Reply: the one table of commands both
transports use. "/company@digest_bot ASE" and "/company ASE" are the same; text without a command
is a company query when it names one (as a whole, or inside a sentence), otherwise a short hint.

Two rules hold here, at the one entry point: text with characters that cannot be encoded (a lone
surrogate, which a terminal or a broken client can send) gets a plain reply before it reaches the
store; and in a group only its admins may change the chat (`changes_chat`, `Chat.may_change`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.commands import actions
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
from bot.text import cut

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
        ((Button("Subscribe to the daily digest", actions.change_setting(actions.Setting.SUBSCRIBE)),),),
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


# The commands that change the chat's state: its digest, follows and quiet hours ("/quiet" alone
# and "/settings" only show them). In a group only its admins may run them.
_CHANGING = frozenset({"subscribe", "unsubscribe", "follow", "unfollow", "quiet"})
_CHANGING_ACTIONS = (actions.Follow, actions.Unfollow, actions.ChangeSetting)

_UNREADABLE = Reply.text(
    "That text has characters I cannot read (half of an emoji or a broken symbol). Please type it again."
)
_GROUP_ADMINS_ONLY = Reply.text(
    "In this group only its admins can change the digest, the followed companies and the quiet hours. "
    "/company, /search and /latest work for everyone."
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _readable(text: str) -> bool:
    """False for text holding a lone surrogate: it has no UTF-8 form, so no database can store or
    search it (the driver raises UnicodeEncodeError)."""
    return _SURROGATE.search(text) is None


_NOT_FOR_US = ("", "")  # a command addressed to another bot in the group


def _command(text: str, bot_username: str | None) -> tuple[str, str] | None:
    """The command name (casefolded) and its arguments (spaces collapsed), `_NOT_FOR_US`, or None
    when `text` is not a command."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    if match["bot"] and bot_username and match["bot"].casefold() != bot_username.casefold():
        return _NOT_FOR_US
    return match["name"].casefold(), " ".join((match["args"] or "").split())


def changes_chat(text: str, *, bot_username: str | None = None) -> bool:
    """Whether this message would change the chat's state, so that in a group the transport must
    find out whether the sender is one of its admins (`Chat.may_change`)."""
    command = _command(text, bot_username)
    return command is not None and _changes(*command)


def _changes(name: str, args: str) -> bool:
    return name in _CHANGING and not (name == "quiet" and not args)


def action_changes_chat(action: str) -> bool:
    """Whether this button would change the chat's state (follow, unfollow, the settings buttons)."""
    return isinstance(actions.parse(action), _CHANGING_ACTIONS)


def handle_text(session: Session, chat: Chat, text: str, *, bot_username: str | None = None) -> Reply | None:
    """A message: a command, or free text taken as a company name; None when it is not for us."""
    text = text.strip()
    command = _command(text, bot_username)
    if command == _NOT_FOR_US:
        return None
    if not _readable(text):
        return _UNREADABLE
    if command is None:
        reply = text_query(session, text[:MAX_ARGUMENT]) if text else None
        return reply or Reply.text("Send a company name, or /help to see what I can do.")
    name, args = command
    handler = _HANDLERS.get(name)
    if handler is None:
        return Reply.text(f"I don't know /{cut(name, 32)}. Send /help to see what I can do.")
    if not chat.may_change and _changes(name, args):
        return _GROUP_ADMINS_ONLY
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
    if not _readable(action):
        return _UNREADABLE
    pressed = actions.parse(action)
    if not chat.may_change and isinstance(pressed, _CHANGING_ACTIONS):
        return _GROUP_ADMINS_ONLY
    match pressed:
        case actions.CompanyPage(company_id, page):
            return company_page(session, company_id, page)
        case actions.CompanyQuery(name):
            return company_command(session, name)
        case actions.Follow(company_id):
            return follow_company(session, chat, company_id)
        case actions.Unfollow(company_id):
            return unfollow_company(session, chat, company_id)
        case actions.ChangeSetting(setting):
            return settings_action(session, chat, setting)
        case actions.Start():
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
