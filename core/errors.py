"""One error hierarchy for the whole bot; adapters catch GigguardError at their boundary."""

from __future__ import annotations


class GigguardError(Exception):
    """Base of every error gigguard raises on purpose."""


class UserInputError(GigguardError):
    """The member's input cannot be acted on; the message is safe to show them."""


class StorageError(GigguardError):
    """The database failed; nothing was written. Wraps the driver's error as `.original`."""

    def __init__(self, message: str, original: BaseException | None = None) -> None:
        super().__init__(message)
        self.original = original
