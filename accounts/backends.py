"""The password backend: Django's, with the user's agency loaded in the same query.

Every page names the signed-in user's agency in its header (templates/base.html), so
without this each request pays one more query for it. The same query brings the country of
the person's latest case (``case_country``), which their language follows (accounts.language).

With ``OVERGANG_PASSWORD_LOGIN=off`` it checks no password at all (the login form and the
admin's login alike): users sign in through an OpenID provider only (accounts.views).
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import OuterRef, Subquery

from accounts.models import User


class ModelBackend(DjangoModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.PASSWORD_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        from cases.models import Case

        latest = Case.objects.filter(person__user=OuterRef("pk")).order_by("-intake_date", "-id")
        try:
            user = (
                User.objects.select_related("agency")
                .annotate(case_country=Subquery(latest.values("institution__country")[:1]))
                .get(pk=user_id)
            )
        except (User.DoesNotExist, TypeError, ValueError):  # TypeError, ValueError: a session naming no user id
            return None
        return user if self.user_can_authenticate(user) else None
