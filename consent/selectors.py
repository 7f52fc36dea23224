"""Reads of the comprehensive consent and its history; the access module decides who reaches them."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, Membership
from consent.models import Consent


def _covered(queryset: QuerySet[Consent]) -> QuerySet[Consent]:
    """The consents with the members each covers in ``covered``, with their users and agencies."""
    members = Membership.objects.select_related("user", "agency").order_by("pk")
    return queryset.prefetch_related(Prefetch("scope", queryset=members, to_attr="covered"))


def held_on(day: datetime.date) -> Q:
    """Consents given on or before the day and not withdrawn by its end (issue 22's "cases with consent")."""
    return Q(given_on__lte=day) & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__date__gt=day))


def active_consent(case: Case) -> Consent | None:
    """The case's active consent (at most one, by a constraint), with the members it covers in ``covered``."""
    return _covered(Consent.objects.filter(case=case, withdrawn_at__isnull=True).select_related("explained_by")).first()


def consent_history(case: Case) -> list[Consent]:
    """The case's consents, latest first, each with the members it covers in ``covered``."""
    return list(
        _covered(
            Consent.objects.filter(case=case)
            .select_related("explained_by", "withdrawn_by", "recorded_by")
            .order_by("-recorded_at", "-id")
        )
    )
