"""/follow, /unfollow and /following: the companies a subscriber wants first in digests and as alerts.
A name that fits several companies or none gets the same buttons as /company, which follow (or
unfollow) the company pressed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.commands import actions
from bot.commands.company import not_one_company
from bot.commands.context import Chat, subscriber
from bot.commands.resolve import resolve_company
from bot.ingest.text import plain_text
from bot.replies import LABEL_LIMIT, Bullets, Button, Paragraph, Reply
from bot.text import cut
from storage.companies import company_by_id
from storage.subscribers import follow, followed_companies, unfollow


def follow_command(session: Session, chat: Chat, args: str) -> Reply:
    args = plain_text(args)
    if not args:
        return Reply.error("Which company do you want to follow?", example="/follow ASE")
    resolution = resolve_company(session, args)
    if resolution.company is None:
        return not_one_company(resolution, actions.follow)
    return follow_company(session, chat, resolution.company.company_id)


def follow_company(session: Session, chat: Chat, company_id: int) -> Reply:
    company = company_by_id(session, company_id)
    if company is None:
        return Reply.text("That company is no longer known.")
    new = follow(session, subscriber(session, chat), company)
    text = f"You follow {company.name} now: it comes first in your digests, and its news as alerts."
    if not new:
        text = f"You already follow {company.name}."
    return Reply(
        (Paragraph((text,)),),
        ((Button(cut(f"Unfollow {company.name}", LABEL_LIMIT), actions.unfollow(company.id)),),),
    )


def unfollow_command(session: Session, chat: Chat, args: str) -> Reply:
    args = plain_text(args)
    if not args:
        return following_command(session, chat, args)
    resolution = resolve_company(session, args)
    if resolution.company is None:
        return not_one_company(resolution, actions.unfollow)
    return unfollow_company(session, chat, resolution.company.company_id)


def unfollow_company(session: Session, chat: Chat, company_id: int) -> Reply:
    company = company_by_id(session, company_id)
    name = company.name if company else "that company"
    if unfollow(session, subscriber(session, chat), company_id):
        return Reply.text(f"You no longer follow {name}.")
    return Reply.text(f"You were not following {name}.")


def following_command(session: Session, chat: Chat, _args: str) -> Reply:
    companies = followed_companies(session, subscriber(session, chat))
    if not companies:
        return Reply.error("You follow no company yet.", example="/follow TSMC")
    buttons = tuple(
        (Button(cut(f"Unfollow {c.name}", LABEL_LIMIT), actions.unfollow(c.id)),) for c in companies[:10]
    )
    return Reply(
        (Paragraph(("You follow:",)), Bullets(tuple((c.name,) for c in companies))),
        buttons,
    )
