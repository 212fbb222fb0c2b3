"""Errors raised by services and parsers; views turn them into Chinese messages."""


class InputError(ValueError):
    """Bad user input. ``message`` is Chinese and names what was wrong and where."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(Exception):
    """The current user may not do this (rendered as 403)."""
