"""A new sentence opens a new case linked to the earlier one; the earlier needs and plan are a starting point."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from stdnum.no import fodselsnummer

from accounts.models import User
from cases.identity import national_id_digest
from cases.models import Case, LegalStatus, Membership, Person, Stage
from cases.services import IntakeData, carry_over_ask, carry_over_person_answer, case_open, membership_add
from handover.services import case_close, membership_accept
from journal.models import JournalEntry
from journal.services import snapshot
from needs.models import Need, NeedStatus
from needs.services import need_update
from plans.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English msgids, in pages and in service messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


NEED_VALUES = ["life_area", "tangle", "knot", "own_words", "summary", "acute", "private", "shared_with_volunteers"]


def national_id(birth_date: datetime.date) -> str:
    """A checksum-valid Norwegian national identity number for the birth date."""
    for individual in range(1000):
        base = birth_date.strftime("%d%m%y") + f"{individual:03d}"
        first = fodselsnummer.calc_check_digit1(base)
        number = base + first + fodselsnummer.calc_check_digit2(base + first)
        if fodselsnummer.is_valid(number) and fodselsnummer.get_birth_date(number) == birth_date:
            return number
    raise AssertionError("no valid number found")


@pytest.fixture
def users(personas):
    return {user.username: user for user in User.objects.select_related("agency")}


def earlier_state(case: Case) -> list:
    """Everything of the earlier case that the take-over must leave as it was."""
    needs = [snapshot(need, [*NEED_VALUES, "status", "version"]) for need in Need.objects.filter(case=case)]
    measures = [
        snapshot(measure, ["title", "status", "needs", "responsible_user", "due_date", "version"])
        for measure in Measure.objects.filter(case=case)
    ]
    case = Case.objects.get(pk=case.pk)
    return [needs, measures, snapshot(case, ["stage", "closed_on", "closing_reason", "lead"]), case.version]


@pytest.fixture
def earlier(case, users):
    """Jonas's case, closed, with one need met so that not every need carries over (his private one does)."""
    kari = users["kari.kontakt"]
    met = (
        Need.objects.filter(case=case, private=False)
        .exclude(pk__in=Measure.objects.filter(case=case).values("needs"))
        .first()
    )
    need_update(actor=kari, need=met, version=met.version, status=NeedStatus.MET)
    number = national_id(case.person.birth_date)
    Person.objects.filter(pk=case.person_id).update(national_id=number, national_id_hash=national_id_digest(number))
    return case_close(actor=kari, case=case, reason="Løslatt og oppfølgingen er ferdig.", version=case.version)


def new_sentence(earlier: Case, actor: User) -> Case:
    person = Person.objects.get(pk=earlier.person_id)
    return case_open(
        actor=actor,
        data=IntakeData(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            national_id=person.national_id,
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=timezone.localdate(),
            sentence_start=timezone.localdate(),
            sentence_days=180,
        ),
    )


def carried_over(new: Case, users, *, needs_and_plan: bool = True, group: bool = False) -> tuple[list, list]:
    """Ask as Kari, agree as Jonas (the earlier case is closed: no one else is asked); return what was copied."""
    asked = carry_over_ask(actor=users["kari.kontakt"], case=new, needs_and_plan=needs_and_plan, group=group)
    carry_over_person_answer(actor=users["jonas"], carry_over=asked, agree=True)
    needs = list(Need.objects.filter(case=new, copied_from__isnull=False).order_by("copied_from_id"))
    measures = list(Measure.objects.filter(case=new, copied_from__isnull=False).order_by("copied_from_id"))
    return needs, measures


def test_a_new_sentence_opens_a_new_case_linked_to_the_earlier_one(earlier, users):
    new = new_sentence(earlier, users["kari.kontakt"])
    assert new.pk != earlier.pk
    assert new.person_id == earlier.person_id and new.previous_case_id == earlier.pk
    assert Case.objects.get(pk=earlier.pk).stage == Stage.CLOSED


def test_carrying_over_copies_the_open_needs_that_are_not_private_and_the_plan_that_answers_them(earlier, users):
    kari = users["kari.kontakt"]
    new = new_sentence(earlier, kari)
    open_needs = list(
        Need.objects.filter(case=earlier).exclude(status__in=[NeedStatus.MET, NeedStatus.NOT_RELEVANT]).order_by("pk")
    )
    shared = [need for need in open_needs if not need.private]
    assert shared and any(need.private for need in open_needs)
    unfinished = [
        measure
        for measure in Measure.objects.filter(
            case=earlier, status__in=[MeasureStatus.CHOSEN, MeasureStatus.STARTED]
        ).order_by("pk")
        if all(need in shared for need in measure.needs.all())
    ]
    assert unfinished and Need.objects.filter(case=earlier, status=NeedStatus.MET).exists()

    needs, measures = carried_over(new, users)

    # A private need never travels (issue 16, hole 1).
    assert [need.copied_from_id for need in needs] == [need.pk for need in shared]
    values = [value for value in NEED_VALUES if value != "shared_with_volunteers"]
    for copy, original in zip(needs, shared, strict=True):
        assert copy.case_id == new.pk and copy.status == NeedStatus.OPEN and copy.conversation_id is None
        assert snapshot(copy, values) == snapshot(original, values)
    copy_of = {need.copied_from_id: need.pk for need in needs}
    assert [measure.copied_from_id for measure in measures] == [measure.pk for measure in unfinished]
    for copy, original in zip(measures, unfinished, strict=True):
        assert copy.case_id == new.pk and copy.status == MeasureStatus.PROPOSED
        assert (copy.title, copy.requires_of_person) == (original.title, original.requires_of_person)
        assert copy.start_date >= timezone.localdate() and copy.due_date >= copy.start_date
        # Linked to the copies of the needs it answered, never to the earlier case's needs.
        assert sorted(need.pk for need in copy.needs.all()) == sorted(copy_of[need.pk] for need in original.needs.all())
        # The earlier responsible actor is not in the new group: the one who asked holds it.
        assert copy.responsible_user_id == kari.pk
    actions = list(JournalEntry.objects.filter(case=new).values_list("action", flat=True))
    assert actions.count("need.take_over") == len(shared)
    assert actions.count("measure.take_over") == len(unfinished)


def test_carrying_over_leaves_the_earlier_case_as_it_was(earlier, users):
    kari = users["kari.kontakt"]
    before = earlier_state(earlier)
    journal_before = JournalEntry.objects.filter(case=earlier).count()
    new = new_sentence(earlier, kari)
    carried_over(new, users)
    assert earlier_state(earlier) == before
    assert JournalEntry.objects.filter(case=earlier).count() == journal_before


def test_asking_twice_is_refused(earlier, users):
    new = new_sentence(earlier, users["kari.kontakt"])
    needs, measures = carried_over(new, users)
    with pytest.raises(ValidationError, match="already asked"):
        carry_over_ask(actor=users["kari.kontakt"], case=new, needs_and_plan=True, group=False)
    assert Need.objects.filter(case=new).count() == len(needs)
    assert Measure.objects.filter(case=new).count() == len(measures)


def test_a_case_without_an_earlier_case_has_nothing_to_carry_over(case, users):
    with pytest.raises(ValidationError, match="no earlier case"):
        carry_over_ask(actor=users["kari.kontakt"], case=case, needs_and_plan=True, group=False)
    assert not Need.objects.filter(case=case, copied_from__isnull=False).exists()


def test_a_responsible_actor_who_is_invited_again_keeps_the_task(earlier, users):
    new = new_sentence(earlier, users["kari.kontakt"])
    unfinished = Measure.objects.filter(case=earlier, status__in=[MeasureStatus.CHOSEN, MeasureStatus.STARTED])
    responsible = {
        measure.pk: measure.responsible_user_id
        for measure in unfinished
        if not measure.needs.filter(private=True).exists()
    }
    _, measures = carried_over(new, users, group=True)
    assert {measure.copied_from_id: measure.responsible_user_id for measure in measures} == responsible


# The pages.


def test_staff_ask_from_the_overview_and_the_person_agrees_on_their_page(client, earlier, users):
    kari = users["kari.kontakt"]
    new = new_sentence(earlier, kari)
    client.force_login(kari)
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    assert reverse("cases:carry_over_ask", kwargs={"code": new.code}) in page
    # The earlier case closed, and its group's access with it (issue 16, hole 3): no link to it.
    assert reverse("cases:overview", kwargs={"code": earlier.code}) not in page

    response = client.post(
        reverse("cases:carry_over_ask", kwargs={"code": new.code}), {"needs_and_plan": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "Waiting for the person" in response.content.decode()
    assert not Need.objects.filter(case=new).exists()  # nothing before the person agrees

    client.force_login(users["jonas"])
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    asked = new.carry_overs.get()
    answer = reverse("cases:carry_over_person", kwargs={"code": new.code, "carry_over_id": asked.pk})
    assert answer in page
    assert client.post(answer, {"agree": "yes"}).status_code == 302
    assert Need.objects.filter(case=new, copied_from__isnull=False).exists()
    assert client.post(answer, {"agree": "yes"}).status_code == 400  # answered once

    client.force_login(kari)
    again = client.post(reverse("cases:carry_over_ask", kwargs={"code": new.code}), {"needs_and_plan": "on"})
    assert again.status_code == 400 and "already asked" in again.content.decode()


def test_the_overview_never_reveals_an_earlier_case_the_viewer_cannot_see(client, earlier, users):
    kari, petra = users["kari.kontakt"], users["petra.friomsorg"]
    new = new_sentence(earlier, kari)
    # Petra never accepted in the earlier case; in the new one she does.
    membership_accept(actor=petra, membership=membership_add(actor=kari, case=new, user=petra))
    assert not Membership.objects.filter(case=earlier, user=petra, accepted_at__isnull=False).exists()
    client.force_login(petra)
    page = client.get(reverse("cases:overview", kwargs={"code": new.code})).content.decode()
    assert earlier.code not in page
    assert "Earlier case" not in page
    assert client.get(reverse("cases:overview", kwargs={"code": earlier.code})).status_code == 404
    # Nor may she ask to carry it over: she does not run the case.
    asked = client.post(reverse("cases:carry_over_ask", kwargs={"code": new.code}), {"needs_and_plan": "on"})
    assert asked.status_code == 403
    assert not Need.objects.filter(case=new).exists()


def test_the_overviews_of_the_new_and_the_closed_earlier_case_keep_the_query_budget(
    client, earlier, users, django_assert_max_num_queries
):
    from cases.tests.test_query_budget import OVERVIEW_BUDGET

    new = new_sentence(earlier, users["kari.kontakt"])
    client.force_login(users["kari.kontakt"])
    with django_assert_max_num_queries(OVERVIEW_BUDGET):
        assert client.get(reverse("cases:overview", kwargs={"code": new.code})).status_code == 200
    # The closed case is the person's to read now; its group's access ended with it.
    assert client.get(reverse("cases:overview", kwargs={"code": earlier.code})).status_code == 404
    client.force_login(users["jonas"])
    with django_assert_max_num_queries(OVERVIEW_BUDGET):
        assert client.get(reverse("cases:overview", kwargs={"code": earlier.code})).status_code == 200
