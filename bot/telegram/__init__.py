"""The Telegram transport: python-telegram-bot's Application, the handlers that hand text and button
presses to `bot.commands`, and sending the rendered replies."""
