"""From what a user typed (or a button they pressed) to a Reply: the one table of commands both
transports use. "/company@digest_bot ASE" and "/company ASE" are the same; text without a command
is a company query when it names one, otherwise a short hint."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from sqlalchemy.orm import Session

from bot.commands.company import company_command, company_page
from bot.commands.resolve import resolve_company
from bot.replies import Bold, Bullets, Code, Paragraph, Reply

MAX_ARGUMENT = 200


@dataclass(frozen=True)
class Chat:
    """Who is asking: the chat (one per subscriber), whether it may run admin commands, and the
    defaults for a new subscription."""

    id: int
    admin: bool = False
    default_time: time = time(8, 0)
    default_zone: str = "UTC"


Handler = Callable[[Session, Chat, str], Reply]


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # for Telegram's command menu (setMyCommands) and /help
    example: str


COMMANDS = (
    CommandInfo("start", "What this bot does", "/start"),
    CommandInfo("company", "Facts about a company: name, alias or ticker", "/company ASE"),
    CommandInfo("help", "All commands with an example each", "/help"),
)

_COMMAND = re.compile(
    r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s+(?P<args>.*))?$", re.S
)


def start_reply() -> Reply:
    return Reply(
        (
            Paragraph(
                (
                    "I read the news and keep the facts that matter about companies: who invests how much "
                    "where, who said what in which role, approvals, funding and earnings.",
                )
            ),
            Paragraph((Bold("Try:"),)),
            Bullets(tuple((Code(c.example), f" — {c.description}") for c in COMMANDS if c.name != "start")),
        ),
    )


def help_reply() -> Reply:
    return Reply(
        (
            Paragraph((Bold("Commands"),)),
            Bullets(
                tuple(
                    (Code(f"/{c.name}"), f" — {c.description}. Example: ", Code(c.example)) for c in COMMANDS
                )
            ),
        )
    )


def handle_text(session: Session, chat: Chat, text: str, *, bot_username: str | None = None) -> Reply | None:
    """A message: a command, or free text taken as a company name; None when it is not for us."""
    text = text.strip()
    match = _COMMAND.match(text)
    if match is None:
        if text and resolve_company(session, text[:MAX_ARGUMENT]).matches:
            return company_command(session, text[:MAX_ARGUMENT])
        return Reply.text("Send a company name, or /help to see what I can do.")
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
    if kind == "cq" and rest:
        return company_command(session, rest)
    if kind == "start":
        return start_reply()
    return Reply.text("That button has expired. Send /help to start again.")


_HANDLERS: dict[str, Handler] = {
    "start": lambda _session, _chat, _args: start_reply(),
    "help": lambda _session, _chat, _args: help_reply(),
    "company": lambda session, _chat, args: company_command(session, args),
}
