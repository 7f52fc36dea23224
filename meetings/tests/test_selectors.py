"""The meeting reads: the agenda is the journal filtered by what the viewer sees; a missing meeting is a 404."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from access.policy import cases_visible_to
from access.tests.oracle import access_for
from accounts.models import User
from journal.models import JournalEntry
from meetings.models import Meeting, MeetingKind
from meetings.selectors import agenda, previous_meeting
from meetings.services import meeting_book
from needs.models import Need
from needs.selectors import needs_for_case
from needs.services import need_update
from plans.selectors import measure_list
from plans.services import measure_move, measure_propose

pytestmark = pytest.mark.django_db


def test_a_meeting_id_no_column_holds_is_the_same_404_as_any_missing_meeting(client_for, personas, case):
    response = client_for(personas.contact_officer).get(f"/cases/{case.code}/meetings/{2**70}/")
    assert response.status_code == 404


def expected_agenda(access, meeting, previous) -> list[int]:
    needs = list(needs_for_case(access))
    need_ids = [str(need.pk) for need in needs]
    measure_ids = [str(measure.pk) for measure in measure_list(access, needs)]
    entries = JournalEntry.objects.filter(case=access.case, at__lte=meeting.starts_at).filter(
        Q(object_type="needs.need", object_id__in=need_ids) | Q(object_type="plans.measure", object_id__in=measure_ids)
    )
    if previous is not None:
        entries = entries.filter(at__gt=previous.starts_at)
    return [entry.pk for entry in entries.order_by("at", "id")]


def test_the_agenda_equals_the_journal_filtered_in_sql_for_every_meeting_and_viewer():
    shown = 0
    for user in User.objects.all():
        visible = set(cases_visible_to(user).values_list("pk", flat=True))
        for meeting in Meeting.objects.filter(case_id__in=visible).select_related("case__person"):
            access = access_for(user, meeting.case)
            previous = previous_meeting(meeting)
            got = [item.entry.pk for item in agenda(access, meeting, previous)]
            assert got == expected_agenda(access, meeting, previous), (user.username, meeting.pk)
            shown += len(got)
    assert shown > 0


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(meeting: Meeting, moment: datetime.datetime) -> Meeting:
    """Move a meeting into the past (booking refuses the past; meetings get held)."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=moment)
    meeting.refresh_from_db()
    return meeting


def test_the_agenda_lists_exactly_the_changes_since_the_previous_meeting_of_the_same_kind(
    case, personas, group_meeting
):
    from access.tests.oracle import access_for

    kari = personas.contact_officer
    # The earlier group meeting was held a moment ago; everything before it is off the agenda.
    earlier = meeting_book(actor=kari, case=case, kind=MeetingKind.GROUP, starts_at=_at(1), place="Rom 1")
    _backdate(earlier, timezone.now())
    # A meeting of another kind in between does not reset the group agenda.
    other_kind = meeting_book(actor=kari, case=case, kind=MeetingKind.WITH_PERSON, starts_at=_at(1), place="Rom 2")
    _backdate(other_kind, timezone.now())

    need = Need.objects.get(case=case, life_area__slug="housing")
    need_update(actor=kari, need=need, version=need.version, status="addressed")
    measure = measure_propose(
        actor=personas.nav_with_consent,
        case=case,
        title="Startlån",
        needs=[need],
        responsible_user=personas.nav_with_consent,
        start_date=timezone.localdate(),
        due_date=timezone.localdate(),
        requires_of_person="x",
    )
    measure = measure_move(actor=kari, measure=measure, status="chosen")
    private = Need.objects.get(case=case, private=True)
    need_update(actor=kari, need=private, version=private.version, summary="Privat endring")

    assert previous_meeting(group_meeting) == earlier
    kari_items = agenda(access_for(kari, case), group_meeting, earlier)
    assert [(item.kind, item.entry.action) for item in kari_items] == [
        ("need", "need.update"),
        ("measure", "measure.propose"),
        ("measure", "measure.chosen"),
        ("need", "need.update"),
    ]
    # NAV is covered by consent but never sees the private need's change.
    nils_items = agenda(access_for(personas.nav_with_consent, case), group_meeting, earlier)
    assert [item.entry.action for item in nils_items] == ["need.update", "measure.propose", "measure.chosen"]
    # The municipality, without consent, sees no needs and no measures of others.
    assert agenda(access_for(personas.municipal_without_consent, case), group_meeting, earlier) == []


def test_the_first_meeting_of_a_kind_lists_every_change_so_far(case, personas, group_meeting):
    from access.tests.oracle import access_for

    assert previous_meeting(group_meeting) is None
    items = agenda(access_for(personas.contact_officer, case), group_meeting, None)
    needs_changed = JournalEntry.objects.filter(case=case, object_type="needs.need").count()
    measures_changed = JournalEntry.objects.filter(case=case, object_type="plans.measure").count()
    assert len(items) == needs_changed + measures_changed > 0
