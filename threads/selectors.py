from django.db.models import QuerySet

from access.policy import CaseAccess
from threads.models import Message


def messages_for_case(access: CaseAccess) -> QuerySet[Message]:
    """The case's thread; the view's ability (USE_THREAD) has already limited it to current members."""
    return Message.objects.filter(case=access.case).select_related("author", "author__agency").order_by("sent_at", "id")
