"""Reference data a worker keeps for a while: read whole once, read again after a minute or a save.

Reference data (the taxonomy's life areas, tangles and knots, the agencies) changes in the admin or
by migration, and many pages name it. A worker keeps what it read for ``seconds``. The worker that
saves or deletes a row forgets at once: ``forget_on_change`` connects Django's ``post_save`` and
``post_delete`` in the app's ``ready``. Every other worker reads it again within the time. A reader
that finds an id it does not know (a row a migration added since) asks for it ``fresh``.

Never keep case data here: nothing kept is checked against who asks.
"""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class Kept(Generic[T]):
    """What ``read`` returns, kept by this worker for ``seconds``."""

    def __init__(self, read: Callable[[], T], seconds: float = 60.0) -> None:
        self.read = read
        self.seconds = seconds
        self.value: T | None = None
        self.read_at = 0.0

    def __call__(self, *, fresh: bool = False) -> T:
        """The kept value; read again when asked ``fresh``, after a save, or when the time has passed."""
        now = time.monotonic()
        if fresh or self.value is None or now - self.read_at > self.seconds:
            self.value, self.read_at = self.read(), now
        return self.value

    def forget(self, **_signal: object) -> None:
        """Read again when next asked (a signal's receiver: a row was saved or deleted)."""
        self.value = None

    def forget_on_change(self, *senders: type[models.Model] | str, uid: str) -> None:
        """Forget when a row of any of these models is saved or deleted in this worker."""
        for sender in senders:
            label = sender if isinstance(sender, str) else sender._meta.label_lower
            for signal, event in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(self.forget, sender=sender, dispatch_uid=f"{uid}.{label}.{event}")
