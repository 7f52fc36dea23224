"""The timetable pages: what is due, the case's timetable, release notices, inbox and calendar."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from journal.models import AccessEvent, JournalEntry
from timetable.models import CaseRuleSet, ReleaseNotice, RuleSet

pytestmark = pytest.mark.django_db


def test_the_case_timetable_shows_deadlines_with_state_owner_and_source(client_for, personas):
    emil = Case.objects.get(person__first_name="Emil")
    response = client_for(personas.contact_officer).get(reverse("timetable:case", kwargs={"code": emil.code}))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-deadline="needs-conversation"' in body
    assert "POP-trinn 2: behovssamtalen senest innen en uke etter innkomst (Stimulab, 2024)" in body
    assert 'data-state="upcoming"' in body


def test_the_overview_loads_the_timetable_with_htmx(client_for, personas, case):
    response = client_for(personas.contact_officer).get(reverse("cases:overview", kwargs={"code": case.code}))
    assert f'hx-get="{reverse("timetable:case", kwargs={"code": case.code})}"' in response.content.decode()
    partial = client_for(personas.contact_officer).get(
        reverse("timetable:case", kwargs={"code": case.code}), headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b'class="road' in partial.content


def test_a_met_needs_conversation_shows_the_day_it_was_held(client_for, personas):
    mohammed = Case.objects.get(person__first_name="Mohammed")
    body = client_for(personas.contact_officer).get(reverse("timetable:case", kwargs={"code": mohammed.code})).content
    assert b'data-deadline="needs-conversation" data-state="met"' in body


def test_the_outsider_gets_404_for_the_case_timetable(client_for, personas, case):
    response = client_for(personas.outsider).get(reverse("timetable:case", kwargs={"code": case.code}))
    assert response.status_code == 404


def test_recording_a_release_notice_meets_the_nav_deadline_and_is_journaled(client_for, personas, case):
    client = client_for(personas.contact_officer)
    url = reverse("timetable:release_notice", kwargs={"code": case.code})
    today = timezone.localdate()
    response = client.post(
        url, {"recipient": "nav", "release_date": case.expected_release.isoformat(), "told_on": today.isoformat()}
    )
    assert response.status_code == 302
    notice = ReleaseNotice.objects.get(case=case)
    assert JournalEntry.objects.filter(action="timetable.release_notice_recorded", object_id=str(notice.pk)).exists()
    body = client.get(reverse("timetable:case", kwargs={"code": case.code})).content
    assert b'data-deadline="nav-told" data-state="met"' in body


def test_a_release_notice_cannot_be_dated_in_the_future(client_for, personas, case):
    client = client_for(personas.contact_officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.post(
        reverse("timetable:release_notice", kwargs={"code": case.code}),
        {"recipient": "nav", "release_date": case.expected_release.isoformat(), "told_on": tomorrow.isoformat()},
    )
    assert not ReleaseNotice.objects.filter(case=case).exists()


def test_a_nav_adviser_cannot_record_a_release_notice(client_for, personas, case):
    response = client_for(personas.nav_with_consent).post(
        reverse("timetable:release_notice", kwargs={"code": case.code}),
        {"recipient": "nav", "release_date": "2027-01-01", "told_on": "2026-01-01"},
    )
    assert response.status_code == 403
    assert not ReleaseNotice.objects.filter(case=case).exists()


def test_the_case_can_follow_another_rule_set_of_its_country_with_a_reason(client_for, personas, case):
    client = client_for(personas.contact_officer)
    new_version = RuleSet.objects.create(
        code="no-pop", version=2, name="Norway: POP, trial", country="NO", source="Test", valid_from="2026-06-01"
    )
    danish = RuleSet.objects.get(country="DK")
    url = reverse("timetable:case_rule_set", kwargs={"code": case.code})
    client.post(url, {"rule_set": danish.pk, "reason": "Moved"})
    assert not CaseRuleSet.objects.filter(case=case).exists()
    client.post(url, {"rule_set": new_version.pk, "reason": "Trial of version 2"})
    assert CaseRuleSet.objects.get(case=case).rule_set == new_version
    body = client.get(reverse("timetable:case", kwargs={"code": case.code})).content.decode()
    assert "Norway: POP, trial" in body
    assert "data-deadline=" not in body  # version 2 has no rules yet


def test_the_start_page_sends_staff_to_what_is_due(client_for, personas):
    response = client_for(personas.contact_officer).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("timetable:due")


def test_what_is_due_lists_only_the_users_own_items_and_logs_the_reads(client_for, personas, other_case):
    client = client_for(personas.contact_officer)
    before = AccessEvent.objects.filter(user=personas.contact_officer, view="timetable:due").count()
    body = client.get(reverse("timetable:due")).content.decode()
    assert 'data-kind="needs_conversation"' in body
    assert other_case.code not in body
    assert AccessEvent.objects.filter(user=personas.contact_officer, view="timetable:due").count() > before
    other = client_for(personas.volunteer).get(reverse("timetable:due")).content.decode()
    assert 'data-kind="needs_conversation"' not in other


def test_release_risks_show_to_the_prison_staff_and_not_to_members_without_consent(client_for, personas, case):
    fredrik = Case.objects.get(person__first_name="Fredrik")
    body = client_for(personas.contact_officer).get(reverse("timetable:due")).content.decode()
    assert f"{fredrik.code})</a>:" in body
    assert 'data-risk="friday_release"' in body
    # Mona is in Jonas's group without consent: she sees no release facts of his case.
    Case.objects.filter(pk=case.pk).update(expected_release=datetime.date(2027, 1, 22))  # a Friday
    mona = client_for(personas.municipal_without_consent)
    assert 'data-risk="' not in mona.get(reverse("timetable:due")).content.decode()
    page = mona.get(reverse("timetable:case", kwargs={"code": case.code})).content.decode()
    assert 'data-risk="' not in page
    assert "road__line" not in page
    nils = client_for(personas.nav_with_consent).get(reverse("timetable:case", kwargs={"code": case.code}))
    assert 'data-risk="friday_release"' in nils.content.decode()


def test_a_notice_on_the_day_of_release_says_how_many_days_before_it_came(client_for, personas, case):
    """Issue 17, point 8: not only "Met (late)", but "NAV was told 0 days before release"."""
    from django.utils import translation

    from timetable import engine
    from timetable.models import Rule

    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(expected_release=today)
    client = client_for(personas.contact_officer)
    client.post(
        reverse("timetable:release_notice", kwargs={"code": case.code}),
        {"recipient": "nav", "release_date": today.isoformat(), "told_on": today.isoformat()},
    )
    body = client.get(reverse("timetable:case", kwargs={"code": case.code})).content.decode()
    row = body[body.index('data-deadline="nav-told"') :]
    assert "<span data-notice>NAV fikk beskjed 0 dager før løslatelsen.</span>" in row[: row.index("</tr>")]

    nav_told = engine.RuleData.of(Rule.objects.filter(code="nav-told").first())
    result = engine.DeadlineResult(
        rule=nav_told, due=today, state="met", met_on=today - datetime.timedelta(days=1), release_on=today
    )
    with translation.override("en"):
        assert result.notice_text == "NAV was told 1 day before release."
    danish = engine.DeadlineResult(rule=nav_told, due=today, state="met", met_on=today, release_on=today, country="DK")
    with translation.override("da"):
        assert danish.notice_text == "Jobcentret fik besked 0 dage før løsladelsen."
    after = engine.DeadlineResult(
        rule=nav_told, due=today, state="met", met_on=today + datetime.timedelta(days=2), release_on=today
    )
    with translation.override("en"):
        assert after.notice_text == "NAV was told 2 days after release."
