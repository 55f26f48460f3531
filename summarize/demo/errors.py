"""The demo's one user-facing error."""

from __future__ import annotations

__all__ = ["DemoError"]


class DemoError(Exception):
    """A problem the visitor can fix (bad input, unavailable model): shown verbatim."""

    def __init__(self, message: str, title: str = "Cannot do that") -> None:
        super().__init__(message)
        self.message = message
        self.title = title
