"""Adapters that turn a transport-neutral `bot.replies.Reply` into what a transport shows:
`telegram_html` (Telegram HTML parse mode and inline keyboards) and `terminal` (plain text with
numbered choices). They only render; what to say is decided by commands and digests."""
