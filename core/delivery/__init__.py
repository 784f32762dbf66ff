"""Reminders and moderator broadcasts: a durable outbox, paced per platform, crash safe."""
