"""Logging an obstacle on a case (DOMAIN.md §8): who may, who reads it, the journal, the agenda, the coding.

Attacker tests: another prison's coordinator, another case's obstacle id, a removed member,
a withdrawn consent.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Membership
from cases.services import membership_end
from consent.services import consent_withdraw
from journal.models import AccessEvent, JournalEntry
from meetings.models import Meeting
from obstacles.models import Challenge, Obstacle, Source
from obstacles.services import obstacle_log

pytestmark = pytest.mark.django_db


def log(client, case, **extra):
    data = {
        "what_happened": "NAV hørte om løslatelsen samme dag.",
        "happened_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "stage": "release",
        "failed_agency": "prison",
        "bore_agency": "nav",
        **extra,
    }
    return client.post(reverse("obstacles:case", kwargs={"code": case.code}), data)


def an_obstacle(case, user, text="Boligkontoret svarte ikke."):
    return obstacle_log(
        actor=user,
        case=case,
        is_person=False,
        what_happened=text,
        happened_on=timezone.localdate(),
        stage="preparing_release",
    )


def test_a_contact_officer_logs_an_obstacle_journaled_and_on_the_next_meetings_agenda(client_for, personas, case):
    client = client_for(personas.contact_officer)
    response = log(client, case)
    assert response.status_code == 302
    obstacle = Obstacle.objects.get(case=case, what_happened="NAV hørte om løslatelsen samme dag.")
    assert (obstacle.source, obstacle.logged_by, obstacle.challenge) == (Source.GROUP, personas.contact_officer, None)
    entry = JournalEntry.objects.get(action="obstacle.log", object_id=str(obstacle.pk))
    assert entry.actor == personas.contact_officer and entry.case_id == case.pk
    meeting = Meeting.objects.filter(case=case, starts_at__gt=timezone.now()).order_by("starts_at").first()
    assert meeting is not None
    page = client.get(reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk}))
    assert "NAV hørte om løslatelsen samme dag." in page.content.decode()


def test_the_person_logs_one_in_their_own_words(client_for, personas, case):
    response = log(client_for(personas.person), case, failed_agency="", bore_agency="")
    assert response.status_code == 302
    assert Obstacle.objects.get(case=case, logged_by=personas.person).source == Source.PERSON


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(client_for, personas, case):
    client = client_for(personas.contact_officer)
    before = Obstacle.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    for bad in ({"what_happened": "  "}, {"stage": "nowhere"}, {"happened_on": future}, {"challenge": "99999999999"}):
        response = log(client, case, **bad)
        assert response.status_code == 400, bad
    assert Obstacle.objects.count() == before


def test_an_uncovered_member_logs_but_reads_only_their_own(client_for, personas, case):
    an_obstacle(case, personas.contact_officer, "Skjult for kommunen")
    client = client_for(personas.municipal_without_consent)
    assert log(client, case, what_happened="Kommunens egen").status_code == 302
    page = client.get(reverse("obstacles:case", kwargs={"code": case.code})).content.decode()
    assert "Kommunens egen" in page and "Skjult for kommunen" not in page
    covered = client_for(personas.nav_with_consent).get(reverse("obstacles:case", kwargs={"code": case.code}))
    assert "Skjult for kommunen" in covered.content.decode()


def test_a_withdrawn_consent_hides_the_others_obstacles_from_a_covered_member(client_for, personas, case):
    obstacle = an_obstacle(case, personas.contact_officer, "Etter tilbaketrekking")
    consent_withdraw(actor=personas.contact_officer, case=case)
    client = client_for(personas.nav_with_consent)
    page = client.get(reverse("obstacles:case", kwargs={"code": case.code}))
    assert "Etter tilbaketrekking" not in page.content.decode()
    meeting = Meeting.objects.filter(case=case).order_by("-starts_at").first()
    assert meeting is not None
    agenda = client.get(reverse("meetings:detail", kwargs={"code": case.code, "meeting_id": meeting.pk}))
    assert "Etter tilbaketrekking" not in agenda.content.decode()
    done = client.post(
        reverse("obstacles:done", kwargs={"code": case.code, "obstacle_id": obstacle.pk}),
        {f"o{obstacle.pk}-what_was_done": "x", f"o{obstacle.pk}-version": obstacle.version},
    )
    assert done.status_code == 404


def test_a_removed_member_can_neither_log_nor_read(client_for, personas, case):
    an_obstacle(case, personas.nav_with_consent, "Fra NAV")
    before = Obstacle.objects.count()
    membership = Membership.objects.get(case=case, user=personas.nav_with_consent, ended_at__isnull=True)
    membership_end(actor=personas.contact_officer, membership=membership)
    client = client_for(personas.nav_with_consent)
    assert client.get(reverse("obstacles:case", kwargs={"code": case.code})).status_code == 404
    assert log(client, case).status_code == 404
    assert Obstacle.objects.count() == before


def test_another_cases_obstacle_id_is_404_on_this_case(client_for, personas, case, other_case):
    theirs = an_obstacle(other_case, other_case.created_by, "Oslo")
    client = client_for(personas.contact_officer)
    response = client.post(
        reverse("obstacles:done", kwargs={"code": case.code, "obstacle_id": theirs.pk}),
        {f"o{theirs.pk}-what_was_done": "x", f"o{theirs.pk}-version": theirs.version},
    )
    assert response.status_code == 404
    assert Obstacle.objects.get(pk=theirs.pk).what_was_done == ""


def test_the_logger_writes_what_was_done(client_for, personas, case):
    obstacle = an_obstacle(case, personas.municipal_without_consent)
    client = client_for(personas.municipal_without_consent)
    response = client.post(
        reverse("obstacles:done", kwargs={"code": case.code, "obstacle_id": obstacle.pk}),
        {f"o{obstacle.pk}-what_was_done": "Ringte NAV.", f"o{obstacle.pk}-version": obstacle.version},
    )
    assert response.status_code == 302
    assert Obstacle.objects.get(pk=obstacle.pk).what_was_done == "Ringte NAV."
    assert JournalEntry.objects.filter(action="obstacle.done", object_id=str(obstacle.pk)).exists()


def test_the_coordinator_codes_their_prisons_obstacle_and_not_another_prisons(client_for, case, other_case):
    tove, otto = User.objects.get(username="tove.koordinator"), User.objects.get(username="otto.koordinator")
    ours = an_obstacle(case, case.created_by, "Boligkontoret svarte ikke.")
    challenge = Challenge.objects.get(code="4")
    client = client_for(tove)
    page = client.get(reverse("obstacles:unit"))
    assert page.status_code == 200 and "Boligkontoret svarte ikke." in page.content.decode()
    assert AccessEvent.objects.filter(user=tove, case=case).exists()
    data = {f"o{ours.pk}-challenge": challenge.pk, f"o{ours.pk}-version": ours.version}
    # Otto coordinates Oslo: Bergen's obstacle is not his to see or code.
    assert client_for(otto).post(reverse("obstacles:code", kwargs={"obstacle_id": ours.pk}), data).status_code == 404
    assert "Boligkontoret" not in client_for(otto).get(reverse("obstacles:unit")).content.decode()
    response = client_for(tove).post(reverse("obstacles:code", kwargs={"obstacle_id": ours.pk}), data)
    assert response.status_code == 302
    coded = Obstacle.objects.get(pk=ours.pk)
    assert (coded.challenge, coded.coded_by) == (challenge, tove)
    # A second coding from the same stale form is a conflict: nothing changes.
    again = client_for(tove).post(
        reverse("obstacles:code", kwargs={"obstacle_id": ours.pk}),
        {f"o{ours.pk}-challenge": Challenge.objects.get(code="7").pk, f"o{ours.pk}-version": ours.version},
    )
    assert again.status_code == 302
    assert Obstacle.objects.get(pk=ours.pk).challenge == challenge
    assert Case.objects.filter(pk=other_case.pk).exists()
