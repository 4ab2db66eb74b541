"""/follow, /unfollow and /following: the companies a subscriber wants first in digests and as alerts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.commands.context import Chat, subscriber
from bot.commands.resolve import Match, resolve_company
from bot.replies import Bullets, Button, Paragraph, Reply
from storage.models import Company
from storage.subscribers import follow, followed_companies, unfollow


def follow_command(session: Session, chat: Chat, args: str) -> Reply:
    if not args.strip():
        return Reply.error("Which company do you want to follow?", example="/follow ASE")
    resolution = resolve_company(session, args)
    if resolution.company is None:
        return _not_one(resolution.matches, resolution.suggestions, args, action="fo")
    return follow_company(session, chat, resolution.company.company_id)


def follow_company(session: Session, chat: Chat, company_id: int) -> Reply:
    company = session.get(Company, company_id)
    if company is None:
        return Reply.text("That company is no longer known.")
    new = follow(session, subscriber(session, chat), company)
    text = f"You follow {company.name} now: it comes first in your digests, and its news as alerts."
    if not new:
        text = f"You already follow {company.name}."
    return Reply((Paragraph((text,)),), ((Button(f"Unfollow {company.name}"[:64], f"uf:{company.id}"),),))


def unfollow_command(session: Session, chat: Chat, args: str) -> Reply:
    if not args.strip():
        return following_command(session, chat, args)
    resolution = resolve_company(session, args)
    if resolution.company is None:
        return _not_one(resolution.matches, resolution.suggestions, args, action="uf")
    return unfollow_company(session, chat, resolution.company.company_id)


def unfollow_company(session: Session, chat: Chat, company_id: int) -> Reply:
    company = session.get(Company, company_id)
    name = company.name if company else "that company"
    if unfollow(session, subscriber(session, chat), company_id):
        return Reply.text(f"You no longer follow {name}.")
    return Reply.text(f"You were not following {name}.")


def following_command(session: Session, chat: Chat, _args: str) -> Reply:
    companies = followed_companies(session, subscriber(session, chat))
    if not companies:
        return Reply.error("You follow no company yet.", example="/follow TSMC")
    buttons = tuple((Button(f"Unfollow {c.name}"[:64], f"uf:{c.id}"),) for c in companies[:10])
    return Reply(
        (Paragraph(("You follow:",)), Bullets(tuple((c.name,) for c in companies))),
        buttons,
    )


def _not_one(matches: list[Match], suggestions: list[str], query: str, *, action: str) -> Reply:
    if matches:
        rows = tuple((Button(m.name[:64], f"{action}:{m.company_id}"),) for m in matches[:8])
        return Reply((Paragraph((f"“{query}” fits several companies. Which one?",)),), rows)
    text = f"No company called “{query}” is known yet."
    if suggestions:
        text += f" Did you mean: {', '.join(suggestions)}?"
    return Reply.text(text)
