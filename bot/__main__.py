"""`python -m bot` is the `digestbot` command."""

from bot.cli import main

raise SystemExit(main())
