"""The Slack adapter: slash command, DMs, buttons and App Home, through slack-bolt."""
