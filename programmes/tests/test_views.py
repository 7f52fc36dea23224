"""The programme pages as the contact officer, the person, the Exit adviser and attackers meet them (points 2, 3, 5)."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from applications.models import Application
from cases.models import Membership
from consent.services import consent_give, consent_withdraw
from journal.models import AccessEvent, AccessPurpose
from programmes.models import CatchmentCount, Enrolment, Programme, ProgrammeStaff
from programmes.services import programme_staff_remove

pytestmark = pytest.mark.django_db


def test_the_contact_officer_sees_which_programmes_fit_and_why(client_for, karl, yusuf):
    body = client_for(karl).get(reverse("programmes:case", args=[yusuf.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert body.status_code == 200
    page = body.content.decode()
    assert 'data-programme="exit"' in page and 'data-status="eligible"' in page
    assert 'data-kind="wants_to_leave_crime" data-state="yes"' in page
    assert "Udvikling og tilpasning af Exitprogrammet (Københavns Kommune, 2015), spor 3" in page


def test_staff_apply_on_the_persons_behalf_through_the_page_only_with_the_box_ticked(client_for, karl, mikkel):
    client = client_for(karl)
    url = reverse("programmes:apply", args=[mikkel.code])
    before = Application.objects.count()
    assert client.post(url, {"programme": "tog"}).status_code == 302
    assert Application.objects.count() == before
    assert client.post(url, {"programme": "tog", "person_agrees": "on"}).status_code == 302
    enrolment = Enrolment.objects.get(case=mikkel, programme__slug="tog")
    assert not enrolment.application.by_person


def test_the_person_applies_and_reads_a_refusals_reason_among_their_applications(client_for, personas, case):
    client = client_for(personas.person)
    page = client.get(reverse("programmes:case", args=[case.code]))
    assert page.status_code == 200
    assert client.post(reverse("programmes:apply", args=[case.code]), {"programme": "exin"}).status_code == 302
    enrolment = Enrolment.objects.get(case=case, programme__slug="exin")
    assert enrolment.application.by_person
    Application.objects.filter(pk=enrolment.application_id).update(outcome="refused", reason="Du bor ikke i bydelen.")
    listed = client.get(reverse("applications:list", args=[case.code])).content.decode()
    assert "Du bor ikke i bydelen." in listed


def test_the_adviser_sees_her_programme_and_its_people_and_each_read_is_logged(client_for, emma, mikkel, yusuf):
    client = client_for(emma)
    page = client.get(reverse("programmes:detail", args=["exit"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "Mikkel Sørensen" in body and "Yusuf Demir" in body and "1 af 55 pladser i brug, 54 ledige." in body
    )  # in Danish, her agency's language
    events = AccessEvent.objects.filter(user=emma, purpose=AccessPurpose.PROGRAMME)
    assert set(events.values_list("case_id", flat=True)) == {mikkel.pk, yusuf.pk}
    enrolment = Enrolment.objects.get(case=yusuf)
    assert client.get(reverse("programmes:enrolment", args=[enrolment.pk])).status_code == 200


def test_the_programme_view_keeps_its_query_budget(
    client_for, emma, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_for(emma)
    url = reverse("programmes:detail", args=["exit"])
    # 15, not 27: the view no longer reads the sources, nor counts the places it has already read, nor the
    # ended enrolments in a query of their own; the first request of a worker reads the programmes' definitions
    # (4 queries, once a minute: selectors.kept_definition), the next ones 4 queries fewer.
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_programme_view_shows_the_nights_count_of_the_catchment_not_a_count_of_its_own(
    client_for, emma, exit_programme
):
    client = client_for(emma)
    url = reverse("programmes:detail", args=["exit"])
    CatchmentCount.objects.filter(programme=exit_programme).update(
        by_status={"eligible": 12, "almost": 3, "not_eligible": 40}
    )
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    catchment = body[body.index('data-testid="catchment"') :][:400]
    assert "12" in catchment and "færre end 5" in catchment  # almost: 3, hidden
    assert "Optalt" in body  # when it was counted, in Danish, her agency's language
    CatchmentCount.objects.filter(programme=exit_programme).delete()
    body = client.get(url).content.decode()
    assert "Ikke optalt endnu" in body


def test_another_programmes_participant_is_as_missing(client_for, emma, karl, mikkel):
    from programmes.services import enrolment_apply

    theirs = enrolment_apply(
        actor=karl, case=mikkel, programme=Programme.objects.get(slug="tog"), by_person=False, person_agrees=True
    )
    client = client_for(emma)
    missing = client.get(reverse("programmes:enrolment", args=[theirs.pk + 10_000]))
    other = client.get(reverse("programmes:enrolment", args=[theirs.pk]))
    assert other.status_code == missing.status_code == 404
    before = theirs.version
    data = {"interview-held_on": "2026-01-01", "interview-version": 1}
    posted = client.post(reverse("programmes:interview", args=[theirs.pk]), data)
    assert posted.status_code == 404
    theirs.refresh_from_db()
    assert theirs.version == before and theirs.interview_on is None
    assert client.get(reverse("programmes:detail", args=["tog"])).status_code == 403


def test_another_prison_sees_no_case_and_no_programme(client_for, personas, mikkel, mikkel_enrolment):
    client = client_for(personas.outsider)  # a contact officer of Oslo prison
    assert client.get(reverse("programmes:case", args=[mikkel.code])).status_code == 404
    assert client.get(reverse("programmes:enrolment", args=[mikkel_enrolment.pk])).status_code == 404
    assert client.get(reverse("programmes:detail", args=["exit"])).status_code == 403


def test_a_removed_adviser_sees_nothing_from_the_next_request(client_for, emma, mikkel_enrolment, personas):
    client = client_for(emma)
    assert client.get(reverse("programmes:enrolment", args=[mikkel_enrolment.pk])).status_code == 200
    programme_staff_remove(actor=personas.admin, post=ProgrammeStaff.objects.get(user=emma))
    assert client.get(reverse("programmes:enrolment", args=[mikkel_enrolment.pk])).status_code == 404
    assert client.get(reverse("programmes:detail", args=["exit"])).status_code == 403
    # Programme staff of another agency, with no post, see no programme's people either.
    stranger = User.objects.create(username="p.stranger", role=Role.PROGRAMME_STAFF, agency=emma.agency)
    assert client_for(stranger).get(reverse("programmes:detail", args=["exit"])).status_code == 403


def test_withdrawn_consent_takes_the_needs_from_the_adviser_but_not_her_programme_work(
    client_for, emma, karl, mikkel, mikkel_enrolment
):
    membership = Membership.objects.get(pk=mikkel_enrolment.membership_id)
    consent_give(actor=karl, case=mikkel, given_on=mikkel.intake_date, explained_by=karl, scope=[membership])
    client = client_for(emma)
    assert client.get(reverse("needs:map", args=[mikkel.code])).status_code == 200
    consent_withdraw(actor=karl, case=mikkel)
    assert client.get(reverse("needs:map", args=[mikkel.code])).status_code == 403
    assert client.get(reverse("programmes:case", args=[mikkel.code])).status_code == 403
    assert client.get(reverse("programmes:enrolment", args=[mikkel_enrolment.pk])).status_code == 200


def test_an_empty_or_wrong_post_changes_nothing_and_never_fails(client_for, emma, yusuf_enrolment):
    client = client_for(emma)
    for name in ("interview", "decide", "phase", "close"):
        response = client.post(reverse(f"programmes:{name}", args=[yusuf_enrolment.pk]), {f"{name}-version": "x"})
        assert response.status_code in {200, 400}, name
    decided = client.post(
        reverse("programmes:decide", args=[yusuf_enrolment.pk]),
        {"decide-decision": "accept", "decide-decided_on": "2026-01-01", "decide-version": yusuf_enrolment.version},
    )
    assert decided.status_code == 400  # the intake conversation comes first
    yusuf_enrolment.refresh_from_db()
    assert yusuf_enrolment.state == "applied"


def test_each_list_of_the_programme_view_is_paged_and_only_its_page_is_logged(
    client_for, emma, karl, yusuf, monkeypatch
):
    """Issue 17, point 9: the applicants (and every list of the view) page by their own parameter."""
    from cases.models import Case
    from core import paging
    from programmes.services import enrolment_apply

    monkeypatch.setattr(paging, "SIDE_PAGE_SIZE", 1)
    exit_programme = Programme.objects.get(slug="exit")
    other = (
        Case.objects.filter(closed_on__isnull=True, lead__isnull=False)
        .exclude(enrolments__programme=exit_programme)
        .exclude(pk=yusuf.pk)
        .select_related("lead__user")
        .first()
    )
    assert other is not None and other.lead is not None
    enrolment_apply(actor=other.lead.user, case=other, programme=exit_programme, by_person=False, person_agrees=True)
    applicants = {yusuf.pk, other.pk}
    client = client_for(emma)
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first = client.get(reverse("programmes:detail", args=["exit"]))
    assert 'href="?applicants=2"' in first.content.decode()
    on_first = {
        case_id for case_id in applicants if Case.objects.get(pk=case_id).person.full_name in first.content.decode()
    }
    assert len(on_first) == 1
    off_first = (applicants - on_first).pop()
    assert not AccessEvent.objects.filter(id__gt=before, case_id=off_first).exists()
    second = client.get(reverse("programmes:detail", args=["exit"]), {"applicants": "2"}).content.decode()
    assert Case.objects.get(pk=off_first).person.full_name in second
    assert AccessEvent.objects.filter(id__gt=before, case_id=off_first, purpose=AccessPurpose.PROGRAMME).exists()


def test_the_programme_view_costs_the_same_queries_with_or_without_applicants_and_a_waiting_list(
    client_for, emma, exit_programme
):
    """What the checks read of the pending persons comes with the enrolments: at 500 cases no one was pending and
    the page made 14 queries, at 50,000 it made 17 (three more for their cases, facts and earlier cases)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(emma)
    url = reverse("programmes:detail", args=["exit"])

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    pending = Enrolment.objects.filter(programme=exit_programme, state__in=["applied", "waiting"])
    assert pending.exists()
    client.get(url)  # the worker reads the programmes' definitions once (selectors.kept_definition)
    with_pending = counted()
    pending.update(state="refused")
    assert counted() == with_pending
