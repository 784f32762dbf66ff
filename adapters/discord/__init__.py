"""The Discord adapter: /optout app commands, DMs and persistent buttons, via discord.py."""
