"""A release at short notice: urgent tasks for the owners of missing items, every member alerted once."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from handover.models import Transition, TransitionState
from handover.services import release_sudden, transition_complete, transition_plan
from journal.models import JournalEntry
from release.models import ReadinessItem, ReleaseAlert
from release.services import readiness_item_update

pytestmark = pytest.mark.django_db


def test_a_sudden_release_of_a_remand_case_gives_the_owners_urgent_tasks_exactly_once(
    client_for, remand_case, users, smtp_settings, django_capture_on_commit_callbacks
):
    kari = users["kari.kontakt"]
    today = timezone.localdate()
    # The checklist exists from a planned release; one item is already done.
    transition = transition_plan(
        actor=kari, case=remand_case, kind="release", planned_date=today + datetime.timedelta(days=40)
    )
    bank = ReadinessItem.objects.get(transition=transition, key="bank")
    readiness_item_update(actor=users["nils.nav"], item=bank, owner=bank.owner, state="done", note="", version=1)

    url = reverse("release:sudden", kwargs={"code": remand_case.code})
    client = client_for(kari)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"on": today.isoformat(), "reason": "Løslatt fra varetekt"})
        double = client.post(url, {"on": today.isoformat(), "reason": "Løslatt fra varetekt"})
        rerun = release_sudden(actor=kari, case=remand_case, on=today, reason="Igjen")
    assert first.status_code == double.status_code == 302
    assert rerun.repeated

    transition.refresh_from_db()
    assert (transition.state, transition.sudden, transition.completed_on) == (TransitionState.COMPLETED, True, today)
    remand_case.refresh_from_db()
    assert (remand_case.stage, remand_case.released_on) == (Stage.AFTER_RELEASE, today)
    assert Transition.objects.filter(case=remand_case).count() == 1

    items = list(ReadinessItem.objects.filter(transition=transition))
    missing = [item for item in items if item.state == "missing"]
    assert len(missing) == 9
    assert all(item.urgent_since is not None for item in missing)
    assert bank.key not in {item.key for item in items if item.urgent_since}
    marks = JournalEntry.objects.filter(case=remand_case, action="readiness.urgent")
    assert sorted(int(entry.object_id) for entry in marks) == sorted(item.pk for item in missing)
    assert JournalEntry.objects.filter(case=remand_case, action="release.sudden").count() == 1

    members = ["kari.kontakt", "sara.sosial", "nils.nav", "mona.kommune", "petra.friomsorg"]
    received = Counter(message["To"] for message in smtp_settings.messages)
    assert received == Counter({f"{name}@example.invalid": 1 for name in members})
    assert ReleaseAlert.objects.filter(transition=transition, sent_at__isnull=False).count() == len(members)
    to_mona = next(m for m in smtp_settings.messages if m["To"] == "mona.kommune@example.invalid")
    body = to_mona.get_payload(decode=True).decode()
    assert remand_case.code in to_mona["Subject"]
    assert "Ali" not in body and "Varetekt" not in body  # no name in the e-mail
    assert "Place to live" in body or "Bolig" in body


def test_a_sudden_release_without_a_planned_one_plans_it_and_the_owner_sees_it_first_on_what_is_due(
    client_for, remand_case, users, smtp_settings, django_capture_on_commit_callbacks
):
    kari = users["kari.kontakt"]
    with django_capture_on_commit_callbacks(execute=True):
        result = release_sudden(actor=kari, case=remand_case, on=timezone.localdate(), reason="Tidlig beslutning")
    assert result.transition.sudden and result.transition.state == TransitionState.COMPLETED
    # Every item was missing, the ownerless health item too (it stays listed as "no owner").
    assert result.urgent == 10
    assert ReadinessItem.objects.filter(transition=result.transition, urgent_since__isnull=False).count() == 10
    assert len(smtp_settings.messages) == 5
    response = client_for(users["mona.kommune"]).get(reverse("timetable:due"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index('data-testid="urgent-release"') < body.index("All my cases")
    assert body.count('class="urgent-item"') == 2  # housing and the municipal contact
    assert "Nothing is due for you." not in body


def test_the_caseload_flags_a_recent_sudden_release_while_items_are_missing(
    client_for, remand_case, users, django_capture_on_commit_callbacks
):
    kari = users["kari.kontakt"]
    flag = 'data-flag="sudden-release"'
    caseload = reverse("cases:caseload")
    assert flag not in client_for(kari).get(caseload).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        result = release_sudden(actor=kari, case=remand_case, on=timezone.localdate(), reason="Løslatt")
    assert client_for(users["nils.nav"]).get(caseload).content.decode().count(flag) == 1
    # Thirty-one days on, the flag is gone even with items missing.
    Transition.objects.filter(pk=result.transition.pk).update(
        completed_on=timezone.localdate() - datetime.timedelta(days=31)
    )
    assert flag not in client_for(kari).get(caseload).content.decode()
    Transition.objects.filter(pk=result.transition.pk).update(completed_on=timezone.localdate())
    # With nothing missing, no flag.
    for item in ReadinessItem.objects.filter(transition=result.transition).select_related("owner"):
        readiness_item_update(
            actor=kari, item=item, owner=item.owner, state="not_needed", note="Ordnet annet sted", version=item.version
        )
    assert flag not in client_for(kari).get(caseload).content.decode()


def test_an_ordinary_release_is_not_flagged(client_for, remand_case, users):
    kari = users["kari.kontakt"]
    transition = transition_plan(actor=kari, case=remand_case, kind="release", planned_date=timezone.localdate())
    transition_complete(actor=kari, transition=transition)
    assert 'data-flag="sudden-release"' not in client_for(kari).get(reverse("cases:caseload")).content.decode()
    assert not ReadinessItem.objects.filter(transition=transition, urgent_since__isnull=False).exists()


def test_only_the_case_staff_and_lead_record_a_sudden_release_and_a_reason_is_required(client_for, remand_case, users):
    url = reverse("release:sudden", kwargs={"code": remand_case.code})
    today = timezone.localdate().isoformat()
    assert client_for(users["nils.nav"]).post(url, {"on": today, "reason": "x"}).status_code == 403
    response = client_for(users["kari.kontakt"]).post(url, {"on": today, "reason": ""})
    assert response.status_code == 400
    remand_case.refresh_from_db()
    assert remand_case.released_on is None
    assert not ReleaseAlert.objects.exists()


def test_urgent_items_nobody_owns_are_the_leads_until_someone_takes_them(
    client_for, remand_case, users, django_capture_on_commit_callbacks
):
    """Issue 17, point 3: no owner, or an owner who left the group: on the lead's "what is due"."""
    from cases.models import Membership
    from cases.services import membership_end

    kari = users["kari.kontakt"]
    mona = Membership.objects.get(case=remand_case, user=users["mona.kommune"])
    transition = transition_plan(
        actor=kari, case=remand_case, kind="release", planned_date=timezone.localdate() + datetime.timedelta(days=40)
    )
    assert ReadinessItem.objects.get(transition=transition, key="health").owner is None
    assert ReadinessItem.objects.get(transition=transition, key="housing").owner_id == mona.pk
    membership_end(actor=kari, membership=mona)  # Mona leaves; her items are nobody's now
    with django_capture_on_commit_callbacks(execute=False):
        release_sudden(actor=kari, case=remand_case, on=timezone.localdate(), reason="Løslatt fra varetekt")

    body = client_for(kari).get(reverse("timetable:due")).content.decode()
    for key in ["health", "housing", "municipal_contact"]:
        item = body[body.index(f'data-key="{key}"') :]
        assert "data-unowned" in item[: item.index("</li>")]
    assert body.count("data-unowned") == 3
    # The NAV adviser sees his own items, not the ones nobody owns.
    nav = client_for(users["nils.nav"]).get(reverse("timetable:due")).content.decode()
    assert 'data-key="health"' not in nav and "data-unowned" not in nav and 'data-key="income"' in nav

    # Once someone takes an item, it is theirs and no longer the lead's.
    health = ReadinessItem.objects.get(transition=transition, key="health")
    sara = Membership.objects.get(case=remand_case, user=users["sara.sosial"])
    readiness_item_update(actor=kari, item=health, owner=sara, state="missing", note="", version=health.version)
    body = client_for(kari).get(reverse("timetable:due")).content.decode()
    assert 'data-key="health"' not in body and body.count("data-unowned") == 2
    assert 'data-key="health"' in client_for(users["sara.sosial"]).get(reverse("timetable:due")).content.decode()
