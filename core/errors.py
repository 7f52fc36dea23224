"""Errors that services raise and views turn into messages."""

from typing import Any


class ConcurrentEditError(Exception):
    """Someone else saved the object after this edit began; nothing was written."""

    def __init__(self, current: Any) -> None:
        super().__init__("The object was changed by someone else.")
        self.current = current
