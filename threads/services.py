"""Post to the group thread; journaled like every other change of case data."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.audience import Audience
from journal.services import record_change, snapshot
from threads.models import Message

MAX_LENGTH = 4000


def message_post(*, actor: User, case: Case, body: str, audience: str = Audience.COVERED) -> Message:
    """Post a message to the case's group thread, for the audience the author chose (access.policy reads it)."""
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who reads the message.")})
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body": _("A message can be at most %(max)d characters.") % {"max": MAX_LENGTH}})
    with transaction.atomic():
        message = Message(case=case, author=actor, body=body, audience=audience)
        message.full_clean()
        message.save()
        record_change(
            actor=actor,
            action="message.post",
            obj=message,
            case=case,
            old=None,
            new=snapshot(message, ["body", "audience"]),
        )
    return message
