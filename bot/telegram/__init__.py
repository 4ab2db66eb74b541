"""The Telegram transport: the Bot API client and sending rendered messages (`client`), and
python-telegram-bot's Application with the handlers that hand text and button presses to
`bot.commands` (`app`)."""
