"""Access ends on the next request, not at midnight (issue 16, hole 3).

A member removed today, an invitation withdrawn today, every member of a case closed today
and a member a consent stops covering today lose what they saw at once, whatever the time
of day: the membership's end is a moment (``ended_at``), and the consent is read anew on
every request.
"""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.policy import cases_visible_to
from accounts.models import User
from cases.models import Membership
from cases.services import membership_end
from consent.services import consent_give
from handover.services import case_close, membership_accept

pytestmark = pytest.mark.django_db


def _urls(case) -> list[str]:
    return [
        reverse("cases:overview", kwargs={"code": case.code}),
        reverse("needs:map", kwargs={"code": case.code}),
        reverse("plans:plan", kwargs={"code": case.code}),
        reverse("threads:thread", kwargs={"code": case.code}),
        reverse("meetings:list", kwargs={"code": case.code}),
    ]


def test_a_member_removed_today_gets_404_on_the_next_request(client_for, case, personas):
    client = client_for(personas.nav_with_consent)
    urls = _urls(case)
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)
    membership = Membership.objects.get(case=case, user=personas.nav_with_consent, end_date__isnull=True)

    end_url = reverse("cases:member_end", kwargs={"code": case.code, "membership_id": membership.pk})
    assert client_for(personas.contact_officer).post(end_url).status_code == 302

    client = client_for(personas.nav_with_consent)
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert client.post(reverse("threads:thread", kwargs={"code": case.code}), {"body": "x"}).status_code == 404
    assert not cases_visible_to(personas.nav_with_consent).filter(pk=case.pk).exists()
    assert case.person.last_name not in client.get(reverse("cases:caseload")).content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is not None


def test_an_invitation_withdrawn_today_cannot_be_accepted_and_gives_no_access(client_for, case, personas):
    petra = User.objects.get(username="petra.friomsorg")
    invitation = Membership.objects.get(case=case, user=petra, accepted_at__isnull=True, end_date__isnull=True)
    end_url = reverse("cases:member_end", kwargs={"code": case.code, "membership_id": invitation.pk})
    assert client_for(personas.contact_officer).post(end_url).status_code == 302

    invitation.refresh_from_db()
    with contextlib.suppress(ValidationError):
        membership_accept(actor=petra, membership=invitation)
    client = client_for(petra)
    accept = reverse("cases:invitation_accept", kwargs={"membership_id": invitation.pk})
    assert client.post(accept).status_code == 404
    assert case.code not in client.get(reverse("cases:invitations")).content.decode()
    assert [client.get(url).status_code for url in _urls(case)] == [404] * len(_urls(case))
    assert Membership.objects.get(pk=invitation.pk).accepted_at is None
    with pytest.raises(ValidationError):
        membership_accept(actor=petra, membership=invitation)


def test_every_member_of_a_case_closed_today_gets_404_on_the_next_request(client_for, case, personas):
    members = [personas.contact_officer, personas.social_worker, personas.nav_with_consent, personas.volunteer]
    for user in members:
        assert client_for(user).get(reverse("cases:overview", kwargs={"code": case.code})).status_code == 200
    case.refresh_from_db()
    case_close(actor=personas.contact_officer, case=case, reason="Soningen er over.", version=case.version)

    for user in members:
        client = client_for(user)
        assert [client.get(url).status_code for url in _urls(case)] == [404] * len(_urls(case)), user.username
        assert not cases_visible_to(user).filter(pk=case.pk).exists()
    assert not Membership.objects.filter(case=case, ended_at__isnull=True).exists()
    # The person keeps their own case.
    assert client_for(personas.person).get(reverse("cases:overview", kwargs={"code": case.code})).status_code == 200


def test_a_member_the_consent_stops_covering_today_loses_the_needs_on_the_next_request(client_for, case, personas):
    from needs.models import Need

    shared = Need.objects.filter(case=case, private=False).first()
    needs_url = reverse("needs:map", kwargs={"code": case.code})
    client = client_for(personas.nav_with_consent)
    assert shared.summary in client.get(needs_url).content.decode()

    social = Membership.objects.get(case=case, user=personas.social_worker, end_date__isnull=True)
    municipal = Membership.objects.get(case=case, user=personas.municipal_without_consent, end_date__isnull=True)
    with pytest.raises(ValidationError):
        consent_give(
            actor=personas.contact_officer,
            case=case,
            given_on=case.intake_date,
            explained_by=personas.contact_officer,
            scope=[],
        )
    consent_give(
        actor=personas.contact_officer,
        case=case,
        given_on=case.intake_date,
        explained_by=personas.contact_officer,
        scope=[municipal],
    )
    assert social.pk  # the lead's colleague stays prison staff, uncovered or not

    client = client_for(personas.nav_with_consent)
    assert client.get(needs_url).status_code == 403
    assert shared.summary not in client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert shared.summary in client_for(personas.municipal_without_consent).get(needs_url).content.decode()


def test_a_membership_ended_at_a_moment_does_not_count_that_day(case, personas):
    from django.utils import timezone

    from cases.models import membership_is_current

    membership = Membership.objects.get(case=case, user=personas.nav_with_consent, end_date__isnull=True)
    membership_end(actor=personas.contact_officer, membership=membership)
    membership.refresh_from_db()
    assert membership.end_date == timezone.localdate()
    assert not Membership.objects.filter(membership_is_current(), pk=membership.pk).exists()
    assert not membership.counts_on(timezone.localdate())
