"""Command logic, free of any transport: each command takes plain arguments and the store and
returns a `bot.replies.Reply`, which the Telegram and terminal adapters render."""
