"""The password backend: Django's, with the user's agency loaded in the same query.

Every page names the signed-in user's agency in its header (templates/base.html), so
without this each request pays one more query for it.
"""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.models import User


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            user = User.objects.select_related("agency").get(pk=user_id)
        except (User.DoesNotExist, TypeError, ValueError):  # TypeError, ValueError: a session naming no user id
            return None
        return user if self.user_can_authenticate(user) else None
