"""The summons as the contact officer and the person use it, and those who must get nothing of it."""

import datetime
import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Membership, Stage
from cases.services import membership_end
from core.audience import Audience
from handover.services import membership_accept
from personpages.tests.test_lix import lix, visible_text
from summons.models import GroupStart, PreparationItem, Summons, Topic
from summons.services import summons_send
from threads.services import message_post

pytestmark = pytest.mark.django_db

CANARY = "KANARI-{}-kun-for-ansatte"


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "summons.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def test_the_contact_officer_registers_a_person_who_waits_and_writes_and_sends_the_summons(client_for, personas):
    client = client_for(personas.contact_officer)
    start = timezone.localdate() + datetime.timedelta(days=40)
    response = client.post(
        reverse("summons:register"),
        {
            "first_name": "Eirik",
            "last_name": "Strand",
            "birth_date": "2001-03-04",
            "home_municipality": "Bergen",
            "legal_status": "sentenced",
            "intake_date": start.isoformat(),
            "sentence_months": "6",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(person__first_name="Eirik")
    assert response["Location"] == reverse("summons:case", kwargs={"code": case.code})
    assert case.stage == Stage.PREPARATION and case.intake_date == start
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = client.post(
        reverse("summons:case", kwargs={"code": case.code}),
        {
            "meet_at": f"{start.isoformat()} 09:00",
            "place": "Bergen fengsel",
            "address": "Storgaten 1",
            "contact_name": "Kari Nilsen",
            "contact_phone": "55 00 00 00",
            "language": "nb",
            "topics": ["nav", "debt", "home"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    summons = Summons.objects.get(case=case)
    assert sorted(summons.items.values_list("topic", flat=True)) == ["debt", "home", "nav"]
    assert client.post(reverse("summons:send", kwargs={"code": case.code})).status_code == 302
    summons.refresh_from_db()
    assert summons.days_before_start == 40
    assert "40" in client.get(reverse("summons:case", kwargs={"code": case.code})).content.decode()


def test_bad_input_shows_the_form_again_and_changes_nothing(client_for, personas, waiting):
    client = client_for(personas.contact_officer)
    response = client.post(reverse("summons:case", kwargs={"code": waiting.code}), {"place": "X", "topics": ["nope"]})
    assert response.status_code == 400
    assert not Summons.objects.filter(case=waiting).exists()
    response = client.post(reverse("summons:register"), {"first_name": "A", "intake_date": "2001-01-01"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "language, words",
    [
        ("nb", ["Du er kalt inn til soning", "Si fra til NAV", "gratis hjelp med gjeld", "Ring Kari Nilsen"]),
        ("da", ["Du er kaldt ind til afsoning", "Gæld og regninger", "Ring til Kari Nilsen"]),
        ("en", ["You are called in to serve your sentence", "Tell NAV", "free help with debt", "Call Kari Nilsen"]),
    ],
)
def test_the_letter_pdf_says_when_where_whom_and_what_to_prepare_in_plain_words(
    client_for, personas, waiting, summons, tmp_path, language, words
):
    Summons.objects.filter(pk=summons.pk).update(language=language)
    # Staff-only text in the places staff write it: none of it may reach the letter.
    Case.objects.filter(pk=waiting.pk).update(unit=CANARY.format("enhet"))
    message_post(actor=personas.contact_officer, case=waiting, body=CANARY.format("melding"), audience=Audience.STAFF)
    response = client_for(personas.contact_officer).get(reverse("summons:letter_pdf", kwargs={"code": waiting.code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for word in [*words, "Bergen fengsel", "Storgaten 1, 5000 Bergen", "55 00 00 00", "09:00", "Klær for en uke"]:
        assert word in text, (word, text)
    assert "KANARI" not in text
    assert str(waiting.intake_date.year) in text
    score, count = lix(text.replace(". ", ".\n"))
    assert count > 150 and score <= 35, score


@pytest.mark.parametrize("language", ["nb", "da", "en"])
def test_the_persons_page_reads_at_lix_35_or_below(client_for, waiting, summons, language):
    client = client_for(waiting.person.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("summons:mine", kwargs={"code": waiting.code}))
    assert response.status_code == 200
    score, count = lix(visible_text(response.content.decode()))
    assert count > 150 and score <= 35, score


def test_the_person_ticks_told_nav_on_their_page_and_the_officer_sees_it(client_for, personas, waiting, summons):
    nav = summons.items.get(topic=Topic.NAV)
    client = client_for(waiting.person.user)
    page = client.get(reverse("summons:mine", kwargs={"code": waiting.code})).content.decode()
    assert "Si fra til NAV" in page
    url = reverse("summons:tick", kwargs={"code": waiting.code, "prep_item_id": nav.pk})
    assert client.post(url, {"done": "1"}).status_code == 302
    nav.refresh_from_db()
    assert nav.done_at is not None and nav.done_by == waiting.person.user
    officer_page = client_for(personas.contact_officer).get(reverse("summons:case", kwargs={"code": waiting.code}))
    assert 'data-topic="nav">Si fra til NAV: gjort' in officer_page.content.decode()


def test_staff_cannot_tick_for_the_person(client_for, personas, waiting, summons):
    nav = summons.items.get(topic=Topic.NAV)
    url = reverse("summons:tick", kwargs={"code": waiting.code, "prep_item_id": nav.pk})
    assert client_for(personas.contact_officer).post(url, {"done": "1"}).status_code == 403
    assert PreparationItem.objects.get(pk=nav.pk).done_at is None


def test_a_person_cannot_tick_another_persons_list(client_for, personas, waiting, summons, case):
    """Jonas, under his own case's code and under Per's, with Per's item: both as missing; nothing changes."""
    nav = summons.items.get(topic=Topic.NAV)
    client = client_for(personas.person)
    own = reverse("summons:tick", kwargs={"code": case.code, "prep_item_id": nav.pk})
    theirs = reverse("summons:tick", kwargs={"code": waiting.code, "prep_item_id": nav.pk})
    assert client.post(own, {"done": "1"}).status_code == 404
    assert client.post(theirs, {"done": "1"}).status_code == 404
    assert client.get(reverse("summons:mine", kwargs={"code": waiting.code})).status_code == 404
    assert PreparationItem.objects.get(pk=nav.pk).done_at is None


def test_another_prison_gets_nothing(client_for, waiting, summons, ip_group):
    from accounts.models import User

    oslo = client_for(User.objects.get(username="olav.oslo"))
    for name, kwargs in (
        ("summons:case", {}),
        ("summons:letter_pdf", {}),
        ("summons:mine", {}),
        ("summons:send", {}),
        ("summons:group_start", {"existing_group_id": ip_group.pk}),
    ):
        url = reverse(name, kwargs={"code": waiting.code, **kwargs})
        assert oslo.get(url).status_code == 404, name
        assert oslo.post(url).status_code == 404, name
    summons.refresh_from_db()
    assert summons.sent_at is None and not Membership.objects.filter(case=waiting).exclude(pk=waiting.lead_id).exists()


def test_the_group_starts_from_the_ip_group_and_a_removed_member_sees_nothing(client_for, personas, waiting, ip_group):
    client = client_for(personas.contact_officer)
    page = client.get(reverse("summons:case", kwargs={"code": waiting.code})).content.decode()
    assert "Mona Lie (IP-koordinator)" in page
    url = reverse("summons:group_start", kwargs={"code": waiting.code, "existing_group_id": ip_group.pk})
    assert client.post(url).status_code == 302
    mona = Membership.objects.get(case=waiting, user=personas.municipal_without_consent)
    assert mona.accepted_at is None and mona.purpose == "Koordinator for individuell plan (IP)"
    assert GroupStart.objects.get(case=waiting).ip_coordinator == mona
    assert client.post(url).status_code == 400  # once
    membership_accept(actor=personas.municipal_without_consent, membership=mona)
    member = client_for(personas.municipal_without_consent)
    # A member who does not run the case: the case, not the summons (home, debts, health before any consent).
    assert member.get(reverse("summons:case", kwargs={"code": waiting.code})).status_code == 403
    assert member.get(reverse("summons:mine", kwargs={"code": waiting.code})).status_code == 403
    membership_end(actor=personas.contact_officer, membership=Membership.objects.get(pk=mona.pk))
    assert member.get(reverse("summons:mine", kwargs={"code": waiting.code})).status_code == 404
    assert member.get(reverse("summons:letter_pdf", kwargs={"code": waiting.code})).status_code == 404


def test_another_persons_existing_group_answers_as_missing(client_for, personas, waiting, case):
    from summons.models import ExistingGroup, ExistingKind

    jonas_group = ExistingGroup.objects.create(
        person=case.person, municipality=case.home_municipality, kind=ExistingKind.RESPONSIBILITY_GROUP,
        recorded_by=personas.municipal_without_consent,
    )  # fmt: skip
    jonas_group.members.set([personas.nav_with_consent])
    url = reverse("summons:group_start", kwargs={"code": waiting.code, "existing_group_id": jonas_group.pk})
    assert client_for(personas.contact_officer).post(url).status_code == 404
    assert not Membership.objects.filter(case=waiting, user=personas.nav_with_consent).exists()


def test_a_sent_summons_is_not_rewritten_through_the_page(client_for, personas, waiting, summons):
    summons_send(actor=personas.contact_officer, summons=summons)
    client = client_for(personas.contact_officer)
    assert client.post(reverse("summons:case", kwargs={"code": waiting.code}), {"place": "Y"}).status_code == 403
    assert "Sendt" in client.get(reverse("summons:case", kwargs={"code": waiting.code})).content.decode()


def test_a_late_summons_shows_on_what_is_due_for_the_lead(client_for, personas, waiting, settings):
    settings.SUMMONS_MIN_DAYS_AHEAD = 60  # more than the 30 days left: late already
    page = client_for(personas.contact_officer).get(reverse("timetable:due")).content.decode()
    assert f'data-before-start="{waiting.code}"' in page
    assert "Innkalling for sent" in page and "Gruppe for sent" not in page
    # Not the lead's case: another officer of the same prison sees nothing of it there.
    other = client_for(personas.social_worker).get(reverse("timetable:due")).content.decode()
    assert waiting.code not in other


def test_the_persons_front_page_leads_to_the_summons_before_the_start_only(client_for, personas, waiting, case):
    link = reverse("summons:mine", kwargs={"code": waiting.code})
    page = client_for(waiting.person.user).get(reverse("cases:overview", kwargs={"code": waiting.code}))
    assert link in page.content.decode()
    jonas = client_for(personas.person).get(reverse("cases:overview", kwargs={"code": case.code}))
    assert "/summons/mine/" not in jonas.content.decode()
