"""Moderator dashboard access: one-time login links, sessions, and the moderator re-check."""
