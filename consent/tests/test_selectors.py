"""The consent as the case pages read it: whom it covers, in bounded queries."""

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from cases import selectors as case_selectors
from cases.models import Case, Membership
from consent import selectors
from consent.models import Consent
from consent.services import consent_give

pytestmark = pytest.mark.django_db


def test_the_active_consent_comes_with_whom_it_covers(django_assert_num_queries):
    with_consent = 0
    for case in Case.objects.all():
        expected = Consent.objects.filter(case=case, withdrawn_at__isnull=True).first()
        with django_assert_num_queries(2 if expected else 1):  # the consent, then whom it covers
            consent = selectors.active_consent(case)
            covered = [(m.pk, m.user.username, m.agency.name) for m in consent.covered] if consent else []
        assert consent == expected
        if consent:
            with_consent += 1
            assert covered == [(m.pk, m.user.username, m.agency.name) for m in expected.scope.order_by("pk")]
    assert with_consent >= 1


def test_the_consent_history_is_latest_first_each_with_whom_it_covers(personas, case, django_assert_num_queries):
    # A second consent replaces the first: a history of two, some members covered by both.
    members = list(case_selectors.current_members(case).exclude(pk=case.lead_id))
    consent_give(
        actor=personas.contact_officer,
        case=case,
        given_on=timezone.localdate(),
        explained_by=personas.contact_officer,
        scope=members,
    )
    most = 0
    for each in Case.objects.all():
        expected = list(
            Consent.objects.filter(case=each)
            .prefetch_related(Prefetch("scope", queryset=Membership.objects.order_by("pk")))
            .order_by("-recorded_at", "-id")
        )
        with django_assert_num_queries(2 if expected else 1):
            history = selectors.consent_history(each)
            got = [
                (c.pk, c.explained_by, c.withdrawn_by, [(m.pk, m.user.username, m.agency.name) for m in c.covered])
                for c in history
            ]
        assert got == [
            (c.pk, c.explained_by, c.withdrawn_by, [(m.pk, m.user.username, m.agency.name) for m in c.scope.all()])
            for c in expected
        ]
        most = max(most, len(history))
    assert most >= 2  # a case whose history has more than one consent
