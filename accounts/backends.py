"""The password backend: Django's, with the user's agency loaded in the same query.

Every page names the signed-in user's agency in its header (templates/base.html), so
without this each request pays one more query for it. The query's SQL is built once.
"""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import QuerySet

from accounts.models import User
from core.compiled import CompiledQuery


def _user_with_agency(user_id: int) -> QuerySet[User]:
    return User.objects.select_related("agency").filter(pk=user_id)


#: Read on every request, so its SQL is built once per connection (core.compiled).
USER_WITH_AGENCY = CompiledQuery(_user_with_agency, user_id=int)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            user = USER_WITH_AGENCY.first(user_id=int(user_id))
        except (TypeError, ValueError):  # a session naming no user id
            return None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
