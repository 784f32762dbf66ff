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


class DeliveryError(GigguardError):
    """A Messenger could not deliver a message. Adapters raise one of the two subclasses."""


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help (DMs closed, user gone, channel not found); never retried."""

    def __init__(self, reason: str, original: BaseException | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # one of core.outbox.FailReason
        self.original = original


class TransientDeliveryError(DeliveryError):
    """Worth another try (rate limited, 5xx, timeout); `retry_after` in seconds if known.

    `rate_limited` says the platform refused for sending too fast (a 429): the worker's pacer
    then slows down for that workspace. It defaults to "a retry_after was given", which is how
    a 429 reads on both platforms; pass False for a retry_after that is not about pace.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        rate_limited: bool | None = None,
        original: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.rate_limited = retry_after is not None if rate_limited is None else rate_limited
        self.original = original
