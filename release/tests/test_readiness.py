"""The release checklist: default owners, done/total and missing, who may change what, conflicts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
from cases.models import Case, Membership
from consent.services import consent_give
from core.errors import ConcurrentEditError
from handover.models import TransitionKind
from handover.services import transition_cancel, transition_plan
from journal.models import JournalEntry
from release.models import ReadinessItem, ReadinessKey, ReadinessState
from release.services import readiness_item_update
from release.tests.conftest import open_case
from timetable.services import release_notice_record

pytestmark = pytest.mark.django_db


def plan_release(case: Case, actor: User, days: int = 30, kind: str = TransitionKind.RELEASE):
    return transition_plan(
        actor=actor, case=case, kind=kind, planned_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def items_of(transition) -> dict[str, ReadinessItem]:
    return {item.key: item for item in ReadinessItem.objects.filter(transition=transition).select_related("owner")}


def owner_name(item: ReadinessItem) -> str | None:
    return item.owner.user.username if item.owner else None


def test_planning_a_release_creates_the_checklist_with_owners_by_role(remand_case, users):
    transition = plan_release(remand_case, users["kari.kontakt"])
    items = items_of(transition)
    assert set(items) == set(ReadinessKey.values)
    assert {key: owner_name(item) for key, item in items.items()} == {
        "housing": "mona.kommune",
        "income": "nils.nav",
        "bank": "nils.nav",
        "id_papers": "kari.kontakt",
        "tax_card": "kari.kontakt",
        "health": None,  # no health worker in the group
        "municipal_contact": "mona.kommune",
        "probation_plan": "petra.friomsorg",
        "first_meeting": "kari.kontakt",
        "told": "kari.kontakt",
    }
    assert all(item.state == ReadinessState.MISSING for item in items.values())
    assert items["probation_plan"].due_date is None  # Norway: no 7-day rule
    assert JournalEntry.objects.filter(action="readiness.create", case=remand_case).count() == 10


def test_a_transfer_gets_no_checklist_and_planning_twice_is_refused_without_a_second_checklist(remand_case, users):
    kari = users["kari.kontakt"]
    transfer = transition_plan(
        actor=kari, case=remand_case, kind=TransitionKind.TRANSFER_UNIT, planned_date=timezone.localdate(), to_unit="B"
    )
    assert not ReadinessItem.objects.filter(transition=transfer).exists()
    transition_cancel(actor=kari, transition=transfer, reason="Feil", version=transfer.version)
    parole = plan_release(remand_case, kari, kind=TransitionKind.PAROLE)
    assert len(items_of(parole)) == 10


def test_danish_probation_plan_is_due_seven_days_after_the_planned_release(db):
    prison = Agency.objects.create(
        name="Vestre Fængsel", kind=AgencyKind.PRISON, country=Country.DENMARK, security_level=SecurityLevel.HIGH
    )
    officer = User.objects.create(username="dk.officer", role=Role.CONTACT_OFFICER, agency=prison)
    case = open_case(officer, home_municipality="København")
    assert case.country == "DK"
    transition = plan_release(case, officer, days=20)
    items = items_of(transition)
    assert items["probation_plan"].due_date == transition.planned_date + datetime.timedelta(days=7)
    assert {key for key, item in items.items() if item.due_date} == {"probation_plan"}


def test_a_danish_release_on_another_day_than_planned_moves_the_probation_plan_due_date(db):
    from handover.services import transition_complete

    prison = Agency.objects.create(
        name="Vestre Fængsel", kind=AgencyKind.PRISON, country=Country.DENMARK, security_level=SecurityLevel.HIGH
    )
    officer = User.objects.create(username="dk.officer", role=Role.CONTACT_OFFICER, agency=prison)
    case = open_case(officer, home_municipality="København")
    transition = plan_release(case, officer, days=20)
    today = timezone.localdate()
    transition_complete(
        actor=officer, transition=transition, on=today, early_reason="Prøveløsladt tidligere end planlagt."
    )
    item = items_of(transition)["probation_plan"]
    assert item.due_date == today + datetime.timedelta(days=7)
    change = JournalEntry.objects.get(action="readiness.update", case=case, object_id=str(item.pk))
    assert change.new is not None
    assert change.new["due_date"] == (today + datetime.timedelta(days=7)).isoformat()


def test_the_page_shows_done_of_total_and_what_is_missing(client_for, remand_case, users):
    kari = users["kari.kontakt"]
    transition = plan_release(remand_case, kari)
    items = items_of(transition)
    readiness_item_update(
        actor=kari, item=items["id_papers"], owner=items["id_papers"].owner, state="done", note="", version=1
    )
    readiness_item_update(
        actor=kari, item=items["probation_plan"], owner=None, state="not_needed", note="Ingen prøvetid", version=1
    )
    for recipient in ["nav", "municipality"]:
        release_notice_record(
            actor=kari,
            case=remand_case,
            recipient=recipient,
            release_date=transition.planned_date,
            told_on=timezone.localdate(),
        )
    response = client_for(kari).get(reverse("release:readiness", kwargs={"code": remand_case.code}))
    assert response.status_code == 200
    readiness = response.context["readiness"]
    assert (readiness.done, readiness.total) == (2, 9)  # ID papers, told; probation plan not needed
    assert [item.key for item in readiness.missing] == [
        "housing",
        "income",
        "bank",
        "tax_card",
        "health",
        "municipal_contact",
        "first_meeting",
    ]
    body = response.content.decode()
    assert '<span data-testid="readiness-count">2/9</span>' in body
    assert 'data-key="told" data-state="done"' in body
    assert body.count("No owner") >= 2  # the health row, and the "no owner" choice in the forms
    told = response.context["told"]
    assert told == {"nav": timezone.localdate(), "municipality": timezone.localdate()}
    overview = client_for(kari).get(reverse("cases:overview", kwargs={"code": remand_case.code})).content.decode()
    assert "Readiness 2/9</a>, missing: Place to live" in overview
    assert "Health follow-up or treatment booked (no owner)" in overview


def test_the_owner_edits_their_own_item(client_for, remand_case, users):
    transition = plan_release(remand_case, users["kari.kontakt"])
    income = items_of(transition)["income"]
    url = reverse("release:item_update", kwargs={"code": remand_case.code, "item_id": income.pk})
    response = client_for(users["nils.nav"]).post(
        url,
        {
            f"item-{income.pk}-owner": income.owner_id,
            f"item-{income.pk}-state": "done",
            f"item-{income.pk}-note": "Vedtak fattet",
            f"item-{income.pk}-version": 1,
        },
    )
    assert response.status_code == 302
    income.refresh_from_db()
    assert (income.state, income.note, income.done_on, income.version) == (
        "done",
        "Vedtak fattet",
        timezone.localdate(),
        2,
    )
    entry = JournalEntry.objects.filter(action="readiness.update", object_id=str(income.pk)).get()
    assert entry.new is not None
    assert entry.actor == users["nils.nav"] and entry.new["state"] == "done"


def test_the_owner_sees_only_their_own_items_without_consent(client_for, remand_case, users):
    plan_release(remand_case, users["kari.kontakt"])
    response = client_for(users["mona.kommune"]).get(reverse("release:readiness", kwargs={"code": remand_case.code}))
    assert response.status_code == 200
    assert [item.key for item in response.context["readiness"].items] == ["housing", "municipal_contact"]
    assert "readiness-summary" not in response.content.decode()


def test_a_member_who_does_not_own_the_item_cannot_change_it(client_for, remand_case, users):
    kari = users["kari.kontakt"]
    transition = plan_release(remand_case, kari)
    housing = items_of(transition)["housing"]  # Mona's
    url = reverse("release:item_update", kwargs={"code": remand_case.code, "item_id": housing.pk})
    data = {f"item-{housing.pk}-state": "done", f"item-{housing.pk}-version": 1}
    # Nils without consent does not see the item at all: 404.
    assert client_for(users["nils.nav"]).post(url, data).status_code == 404
    # Covered by consent he sees it, but it is not his: 403.
    nils = Membership.objects.get(case=remand_case, user=users["nils.nav"])
    consent_give(actor=kari, case=remand_case, given_on=timezone.localdate(), explained_by=kari, scope=[nils])
    assert client_for(users["nils.nav"]).post(url, data).status_code == 403
    housing.refresh_from_db()
    assert (housing.state, housing.version) == ("missing", 1)


def test_a_stale_edit_is_refused_as_a_conflict_and_changes_nothing(client_for, remand_case, users):
    kari = users["kari.kontakt"]
    transition = plan_release(remand_case, kari)
    bank = items_of(transition)["bank"]
    readiness_item_update(actor=users["nils.nav"], item=bank, owner=bank.owner, state="done", note="Konto", version=1)
    with pytest.raises(ConcurrentEditError):
        readiness_item_update(actor=kari, item=bank, owner=None, state="missing", note="", version=1)
    response = client_for(kari).post(
        reverse("release:item_update", kwargs={"code": remand_case.code, "item_id": bank.pk}),
        {f"item-{bank.pk}-state": "missing", f"item-{bank.pk}-version": 1},
    )
    assert response.status_code == 409
    assert "Someone else changed this item while you were working" in response.content.decode()
    bank.refresh_from_db()
    assert (bank.state, bank.note, bank.version, owner_name(bank)) == ("done", "Konto", 2, "nils.nav")


def test_an_owner_outside_the_group_is_refused_with_a_message_and_nothing_changes(
    client_for, remand_case, users, other_case
):
    kari = users["kari.kontakt"]
    transition = plan_release(remand_case, kari)
    housing = items_of(transition)["housing"]
    outsider = Membership.objects.filter(case=other_case)[0]
    journal_before = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        readiness_item_update(actor=kari, item=housing, owner=outsider, state="missing", note="", version=1)
    assert refused.value.message_dict == {"owner": ["The owner must be a current member of the group."]}
    response = client_for(kari).post(
        reverse("release:item_update", kwargs={"code": remand_case.code, "item_id": housing.pk}),
        {f"item-{housing.pk}-owner": outsider.pk, f"item-{housing.pk}-state": "done", f"item-{housing.pk}-version": 1},
    )
    assert response.status_code == 400
    assert "The owner must be a current member of the group." in response.content.decode()
    housing.refresh_from_db()
    assert (owner_name(housing), housing.state, housing.version) == ("mona.kommune", "missing", 1)
    assert JournalEntry.objects.count() == journal_before


def test_the_person_sees_the_checklist_in_plain_words(client_for, case, users):
    transition = plan_release(case, users["kari.kontakt"])
    assert items_of(transition)
    response = client_for(users["jonas"]).get(reverse("release:readiness", kwargs={"code": case.code}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ready for release" in body
    assert "0 of 10 things are ready." in body
    assert "A place to live" in body and "Money to live on from the first day" in body
    assert "NAV decision" not in body and "<form" not in body.split("case-nav")[-1]


# Changing Mona's housing item on Jonas's case (consent covers NAV only), by persona: an
# empty form is refused as invalid (400) only for those allowed to change the item.
#               anon person co   sw   nav  muni vol  out  adm  ana
ITEM_LADDER = "L 403 400 400 403 400 404 404 404 404"
# How many items each persona sees on the readiness page (- for a refusal).
PAGE_LADDER = "L 10 10 10 10 2 0 404 404 404"


def test_who_sees_and_who_changes_an_item_on_jonas_case(client, personas, case):
    transition = plan_release(case, personas.contact_officer)
    housing = items_of(transition)["housing"]
    assert owner_name(housing) == "mona.kommune"
    change = reverse("release:item_update", kwargs={"code": case.code, "item_id": housing.pk})
    page = reverse("release:readiness", kwargs={"code": case.code})
    users = [None] + [user for _, user in personas.items()]
    for user, expected_change, expected_page in zip(users, ITEM_LADDER.split(), PAGE_LADDER.split(), strict=True):
        client.logout()
        if user is not None:
            client.force_login(user)
        posted = client.post(change, {})
        got = "L" if posted.status_code == 302 else str(posted.status_code)
        assert got == expected_change, (user, got)
        shown = client.get(page)
        if shown.status_code == 200:
            got = str(len(shown.context["readiness"].items))
        else:
            got = "L" if shown.status_code == 302 else str(shown.status_code)
        assert got == expected_page, (user, got)
    housing.refresh_from_db()
    assert housing.version == 1
