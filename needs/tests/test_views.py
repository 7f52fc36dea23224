"""Recording needs, resources and sessions through the pages, and refusing bad input."""

import pytest
from django.urls import reverse

from journal.models import JournalEntry
from needs.models import Need, NeedsConversation, Resource
from reference.models import Knot, LifeArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.contact_officer)
    return client


def need_data(**overrides) -> dict:
    data = {
        "life_area": str(LifeArea.objects.get(slug="housing").pk),
        "knot": "",
        "own_words": "I need somewhere to live.",
        "summary": "",
        "status": "open",
    }
    data.update(overrides)
    return data


def test_htmx_need_add_returns_the_needs_section_with_the_new_need(officer, case):
    before = Need.objects.filter(case=case).count()
    response = officer.post(reverse("needs:add", kwargs={"code": case.code}), need_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="needs-section"' in response.content
    assert b"I need somewhere to live." in response.content
    assert Need.objects.filter(case=case).count() == before + 1
    need = Need.objects.filter(case=case).latest("id")
    entry = JournalEntry.objects.get(object_type="needs.need", object_id=str(need.pk))
    assert entry.action == "need.create" and entry.old is None and entry.new["own_words"] == "I need somewhere to live."
    assert entry.actor_id and entry.at


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("own_words", {"own_words": "   ", "summary": ""}),
        ("life_area", {"life_area": ""}),
        ("knot", {"knot": "3.2"}),
    ],
)
def test_bad_need_gets_a_message_and_saves_nothing(officer, case, field, overrides):
    if field == "knot":
        # A knot of another tangle than the life area's (housing is tangle 3; knot 1.1 is tangle 1).
        overrides = {"knot": str(Knot.objects.get(code="1.1").pk)}
    before = (Need.objects.count(), JournalEntry.objects.count())
    response = officer.post(reverse("needs:add", kwargs={"code": case.code}), need_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["need_form"].errors
    assert (Need.objects.count(), JournalEntry.objects.count()) == before


def test_need_edit_is_journaled_with_old_and_new_values(officer, case):
    need = Need.objects.filter(case=case, private=False).first()
    data = need_data(life_area=str(need.life_area_id), own_words=need.own_words, summary="Changed", status="addressed")
    data["version"] = str(need.version)
    response = officer.post(reverse("needs:edit", kwargs={"code": case.code, "need_id": need.pk}), data)
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.summary == "Changed" and need.status == "addressed" and need.version == 2
    entry = JournalEntry.objects.filter(object_type="needs.need", object_id=str(need.pk), action="need.update").get()
    assert entry.old["status"] == "open" and entry.new["status"] == "addressed"
    assert entry.new["summary"] == "Changed"


def test_stale_need_edit_is_refused_and_shows_the_current_values(officer, case, personas):
    from needs.services import need_update

    need = Need.objects.filter(case=case, private=False).first()
    stale_version = need.version
    need_update(actor=personas.social_worker, need=need, version=stale_version, summary="Saved first")
    data = need_data(life_area=str(need.life_area_id), own_words=need.own_words, summary="Saved second")
    data["version"] = str(stale_version)
    response = officer.post(reverse("needs:edit", kwargs={"code": case.code, "need_id": need.pk}), data)
    assert response.status_code == 409
    assert b"Saved first" in response.content
    need.refresh_from_db()
    assert need.summary == "Saved first"
    assert JournalEntry.objects.filter(object_id=str(need.pk), action="need.update").count() == 1


def test_resource_and_conversation_session_are_recorded(officer, case):
    before = (Resource.objects.count(), NeedsConversation.objects.count())
    assert (
        officer.post(
            reverse("needs:resource_add", kwargs={"code": case.code}), {"description": "Good with his hands"}
        ).status_code
        == 302
    )
    assert (
        officer.post(
            reverse("needs:conversation_add", kwargs={"code": case.code}),
            {"part": "1", "held_on": case.intake_date.isoformat(), "note": "Third session"},
        ).status_code
        == 302
    )
    assert (Resource.objects.count(), NeedsConversation.objects.count()) == (before[0] + 1, before[1] + 1)


def test_conversation_before_intake_or_in_the_future_is_refused(officer, case):
    import datetime

    before = NeedsConversation.objects.count()
    for held_on in [case.intake_date - datetime.timedelta(days=1), datetime.date(2999, 1, 1)]:
        response = officer.post(
            reverse("needs:conversation_add", kwargs={"code": case.code}), {"part": "1", "held_on": held_on.isoformat()}
        )
        assert response.status_code == 400
        assert "held_on" in response.context["conversation_form"].errors
    assert NeedsConversation.objects.count() == before


def test_empty_resource_is_refused(officer, case):
    before = Resource.objects.count()
    response = officer.post(reverse("needs:resource_add", kwargs={"code": case.code}), {"description": ""})
    assert response.status_code == 400
    assert Resource.objects.count() == before


def test_the_person_reads_the_needs_map_in_own_words_and_staff_keep_theirs(settings, client_for, case, personas):
    """Issue 18: headings and tags for the person in plain words; the staff's map is unchanged."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    url = reverse("needs:map", kwargs={"code": case.code})
    with translation.override("en"):
        person = client_for(personas.person).get(url).content.decode()
        staff = client_for(personas.contact_officer).get(url).content.decode()
    yours = ["What you need", "What you are good at", "Only your contact officer sees this"]
    theirs = ["Needs map", "Strengths", ">Private<"]
    assert all(text in person for text in yours) and not any(text in person for text in theirs)
    assert all(text in staff for text in theirs) and not any(text in staff for text in yours)
