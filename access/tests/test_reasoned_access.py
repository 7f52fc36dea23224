"""Access outside a standing membership, with a reason from a list (DOMAIN.md §5; issue 17, point 10).

The reentry coordinator sees the prison's cases by stage, with overdue deadlines and risks
worked out on request; opens one with a reason until the end of the day; prison staff
break the glass in an emergency for two hours. The person sees each look and its reason;
an emergency is flagged to the lead. The attackers: another prison's coordinator, a reason
not in the list, an expired reason, a removed member, a withdrawn consent.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from access.models import Reason, ReasonedAccess
from accounts.models import Role, User
from cases.models import Case, Membership, Stage
from cases.services import membership_end
from consent.services import consent_withdraw
from journal.models import AccessEvent, AccessPurpose, JournalEntry
from needs.models import Need
from timetable.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db) -> User:
    return User.objects.select_related("agency").get(username="tove.koordinator")


@pytest.fixture
def other_coordinator(db) -> User:
    return User.objects.select_related("agency").get(username="otto.koordinator")


def open_with(client, case: Case, reason: str):
    return client.post(reverse("cases:open_with_reason", kwargs={"code": case.code}), {"reason": reason})


def overview(client, case: Case):
    return client.get(reverse("cases:overview", kwargs={"code": case.code}))


def without_tokens(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", body)


# --- The unit overview ------------------------------------------------------------------


def test_the_unit_overview_lists_cases_by_stage_label_with_overdue_and_risk_without_the_batch_job(
    client_for, coordinator
):
    assert not Deadline.objects.exists()  # compute_deadlines has not run
    nora = Case.objects.get(person__first_name="Nora")
    response = client_for(coordinator).get(reverse("cases:unit"))
    assert response.status_code == 200
    body = response.content.decode()
    found = re.search(rf'<tr data-case="{nora.code}">(.*?)</tr>', body, re.S)
    assert found is not None
    row = found.group(1)
    assert 'data-color="danger">' in row  # her needs conversation is overdue, counted now
    stage_label = str(Stage(nora.stage).label)
    assert stage_label in row and f">{nora.stage}<" not in body
    counts = re.findall(r'<tr data-stage="([a-z_]+)"><td><a [^>]+>([^<]+)</a></td><td>(\d+)</td><td>(\d+)</td>', body)
    assert counts and all(label != code for code, label, _, _ in counts)
    assert sum(int(overdue) for _, _, _, overdue in counts) > 0
    bergen = Case.objects.filter(institution=coordinator.agency).exclude(stage=Stage.CLOSED)
    assert sum(int(cases) for _, _, cases, _ in counts) == bergen.count()
    assert Case.objects.get(person__first_name="Lars").code not in body  # Oslo's case


def test_what_is_due_counts_overdue_for_the_coordinator_before_the_batch_job(client_for, coordinator):
    assert not Deadline.objects.exists()
    body = client_for(coordinator).get(reverse("timetable:due")).content.decode()
    overdue = [int(n) for n in re.findall(r"<tr><td>[^<]+</td><td>\d+</td><td>(\d+)</td>", body)]
    assert sum(overdue) > 0


def test_each_case_on_the_unit_page_is_one_access_event_the_person_can_see(client_for, coordinator, case):
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client_for(coordinator).get(reverse("cases:unit"))
    events = AccessEvent.objects.filter(id__gt=last, user=coordinator)
    assert events.filter(case=case, purpose=AccessPurpose.UNIT_OVERVIEW).count() == 1
    assert not events.exclude(case__institution=coordinator.agency).exists()


def test_another_prisons_coordinator_sees_only_their_own_unit_and_finds_nothing_of_bergen(
    client_for, other_coordinator, case
):
    client = client_for(other_coordinator)
    body = client.get(reverse("cases:unit")).content.decode()
    assert case.code not in body and "Jonas" not in body
    found = client.post(reverse("cases:unit"), {"q": case.code}).content.decode()
    assert 'data-search-count="0"' in found
    assert not AccessEvent.objects.filter(user=other_coordinator, case=case).exists()


# --- Opening a case with a reason --------------------------------------------------------


def test_the_coordinator_gets_404_without_a_reason_and_reads_the_case_with_one(client_for, coordinator, case):
    client = client_for(coordinator)
    assert overview(client, case).status_code == 404
    response = open_with(client, case, Reason.COORDINATE_MEASURES)
    assert response.status_code == 302
    assert overview(client, case).status_code == 200
    grant = ReasonedAccess.objects.get(user=coordinator, case=case)
    assert grant.kind == "unit"
    assert timezone.localtime(grant.expires_at).time() == datetime.time(0, 0)
    assert timezone.localtime(grant.expires_at).date() == timezone.localdate() + datetime.timedelta(days=1)
    entry = JournalEntry.objects.get(action="access.unit", case=case)
    assert entry.actor == coordinator and entry.new is not None and entry.new["reason"] == Reason.COORDINATE_MEASURES
    assert AccessEvent.objects.filter(user=coordinator, case=case, purpose=AccessPurpose.UNIT_REASON).exists()


def test_the_coordinators_look_is_read_only_and_hides_private_needs(client_for, coordinator, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.STAND_IN)
    needs = client.get(reverse("needs:map", kwargs={"code": case.code}))
    assert needs.status_code == 200
    private = Need.objects.filter(case=case, private=True).first()
    assert private is not None and private.summary not in needs.content.decode()
    for name in ("consent:page", "cases:changes", "cases:meeting_new", "cases:access_log", "threads:thread"):
        assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 403, name
    assert client.post(reverse("needs:add", kwargs={"code": case.code}), {}).status_code == 403


def test_another_prisons_coordinator_gets_the_404_of_a_missing_case_and_leaves_no_trace(
    client_for, other_coordinator, case
):
    client = client_for(other_coordinator)
    events, grants, journal = AccessEvent.objects.count(), ReasonedAccess.objects.count(), JournalEntry.objects.count()
    theirs = client.get(reverse("cases:open_with_reason", kwargs={"code": case.code}))
    missing = client.get(reverse("cases:open_with_reason", kwargs={"code": "nosuchcase234"}))
    assert theirs.status_code == missing.status_code == 404
    assert without_tokens(theirs.content.decode()).replace(case.code, "C") == without_tokens(
        missing.content.decode()
    ).replace("nosuchcase234", "C")
    for reason in (Reason.COORDINATE_MEASURES, Reason.HEALTH_OR_LIFE):
        assert open_with(client, case, reason).status_code == 404
    assert overview(client, case).status_code == 404
    assert (AccessEvent.objects.count(), ReasonedAccess.objects.count(), JournalEntry.objects.count()) == (
        events,
        grants,
        journal,
    )


@pytest.mark.parametrize("reason", ["curiosity", "", "health_or_life ", "coordinate_measures\x00"])
def test_a_reason_not_in_the_list_is_refused_and_nothing_is_recorded(client_for, coordinator, case, reason):
    client = client_for(coordinator)
    journal = JournalEntry.objects.count()
    response = open_with(client, case, reason)
    assert response.status_code == 400
    assert not ReasonedAccess.objects.exists()
    assert JournalEntry.objects.count() == journal
    assert overview(client, case).status_code == 404


def test_a_contact_officer_cannot_choose_a_coordinators_reason(client_for, personas, case):
    """The unit's reasons are the coordinator's; other prison staff have only the emergencies."""
    officer = User.objects.create(
        username="vakt.bergen", role=Role.CONTACT_OFFICER, agency=personas.contact_officer.agency
    )
    client = client_for(officer)
    assert open_with(client, case, Reason.COORDINATE_MEASURES).status_code == 400
    assert not ReasonedAccess.objects.exists()
    assert open_with(client, case, Reason.HEALTH_OR_LIFE).status_code == 302
    assert overview(client, case).status_code == 200


def test_an_expired_reason_gives_404_again(client_for, coordinator, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.OVERDUE_DEADLINE)
    grant = ReasonedAccess.objects.get()
    # The session's own limits are not what is tested: sign in again at each moment.
    with time_machine.travel(grant.expires_at - datetime.timedelta(seconds=1)):
        assert overview(client_for(coordinator), case).status_code == 200
    with time_machine.travel(grant.expires_at):
        assert overview(client_for(coordinator), case).status_code == 404


def test_a_look_opened_by_a_server_whose_clock_is_ahead_counts_at_once(client_for, coordinator, case):
    # The POST is answered by one process and the page after it by another, whose clock may be
    # a little behind: the look must count on that page too.
    client = client_for(coordinator)
    open_with(client, case, Reason.COORDINATE_MEASURES)
    ReasonedAccess.objects.update(opened_at=timezone.now() + datetime.timedelta(milliseconds=50))
    assert overview(client, case).status_code == 200


def test_an_emergency_lasts_two_hours(client_for, coordinator, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.HEALTH_OR_LIFE)
    grant = ReasonedAccess.objects.get()
    assert grant.kind == "emergency" and grant.expires_at - grant.opened_at == datetime.timedelta(hours=2)
    with time_machine.travel(grant.opened_at + datetime.timedelta(hours=1, minutes=59)):
        assert overview(client_for(coordinator), case).status_code == 200
    with time_machine.travel(grant.opened_at + datetime.timedelta(hours=2, minutes=1)):
        assert overview(client_for(coordinator), case).status_code == 404


def test_a_coordinator_moved_to_another_prison_loses_the_look_at_once(client_for, coordinator, other_case, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.STAND_IN)
    assert overview(client, case).status_code == 200
    User.objects.filter(pk=coordinator.pk).update(agency=other_case.institution)
    assert overview(client, case).status_code == 404


def test_a_removed_member_has_no_access_and_an_emergency_is_flagged_to_the_lead(client_for, personas, case):
    sara = personas.social_worker
    membership = Membership.objects.get(case=case, user=sara, ended_at__isnull=True)
    assert membership.pk != case.lead_id
    membership_end(actor=personas.contact_officer, membership=membership)
    client = client_for(sara)
    assert overview(client, case).status_code == 404
    assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 404
    assert open_with(client, case, Reason.STAFF_UNREACHABLE).status_code == 302
    assert overview(client, case).status_code == 200
    assert client.post(reverse("needs:add", kwargs={"code": case.code}), {}).status_code == 403
    assert JournalEntry.objects.filter(action="access.emergency", case=case, actor=sara).exists()
    lead = client_for(personas.contact_officer)
    flag = lead.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert "data-emergency-access" in flag and sara.last_name in flag
    due = lead.get(reverse("timetable:due")).content.decode()
    assert f'data-emergency-case="{case.code}"' in due


def test_a_withdrawn_consent_does_not_open_the_case_to_an_external_member_with_a_reason(client_for, personas, case):
    consent_withdraw(actor=personas.person, case=case)
    nav = personas.nav_with_consent
    client = client_for(nav)
    assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 403
    for reason in (Reason.HEALTH_OR_LIFE, Reason.COORDINATE_MEASURES):
        assert open_with(client, case, reason).status_code == 404
    assert client.get(reverse("cases:open_with_reason", kwargs={"code": case.code})).status_code == 404
    assert not ReasonedAccess.objects.exists()
    assert client.get(reverse("needs:map", kwargs={"code": case.code})).status_code == 403


def test_a_closed_case_cannot_be_opened_with_a_reason(client_for, coordinator, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.STAND_IN)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=timezone.localdate(), anonymise_on=timezone.localdate(), closing_reason="x"
    )
    assert overview(client, case).status_code == 404
    assert open_with(client, case, Reason.HEALTH_OR_LIFE).status_code == 404


def test_the_person_sees_who_looked_and_why(client_for, coordinator, personas, case):
    client = client_for(coordinator)
    open_with(client, case, Reason.RELEASE_OR_TRANSFER)
    overview(client, case)
    log = client_for(personas.person).get(reverse("cases:access_log", kwargs={"code": case.code}))
    body = log.content.decode()
    assert coordinator.last_name in body
    assert f'data-reason="{Reason.RELEASE_OR_TRANSFER}"' in body
    assert str(Reason.RELEASE_OR_TRANSFER.label) in body


def test_the_emergency_accesses_on_a_case_are_paged_not_cut(
    client_for, coordinator, other_coordinator, personas, case, monkeypatch
):
    """Issue 17, point 9: the flag on the case listed the newest 20 and said nothing of the rest."""
    from core import paging

    monkeypatch.setattr(paging, "SIDE_PAGE_SIZE", 1)
    open_with(client_for(coordinator), case, Reason.HEALTH_OR_LIFE)
    sara = personas.social_worker
    membership_end(
        actor=personas.contact_officer, membership=Membership.objects.get(case=case, user=sara, ended_at__isnull=True)
    )
    open_with(client_for(sara), case, Reason.STAFF_UNREACHABLE)
    lead = client_for(personas.contact_officer)
    url = reverse("cases:overview", kwargs={"code": case.code})
    first = lead.get(url).content.decode()
    second = lead.get(url, {"emergencies": "2"}).content.decode()
    assert 'href="?emergencies=2"' in first

    def flag(body: str) -> str:
        found = re.search(r"data-emergency-access>(.*?)</div>", body, re.S)
        assert found is not None
        return found.group(1)

    for name in (sara.display_name, coordinator.display_name):  # each look on one page
        assert (name in flag(first)) != (name in flag(second)), name
