"""The console adapter: talk to the bot in a terminal, or script it through a pipe."""
