"""What I have achieved (issue 18, point 4; seed 002 §5.14, KompAS): staff record certificates and
documented skills through a journaled service, the person reads and prints them, they are kept when
the person moves prison or comes back on a new sentence, and nobody else gets in."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from access.policy import CaseAccess, access_by_code
from accounts.models import Agency, AgencyKind, Role, User
from achievements.models import Achievement, AchievementKind
from achievements.selectors import achievements_for
from achievements.services import achievement_correct, achievement_record, achievement_withdraw
from cases.identity import national_id_digest
from cases.models import Case, LegalStatus, Membership, Person
from cases.services import IntakeData, case_open, membership_add, membership_make_lead
from consent.models import Consent
from consent.services import consent_give, consent_withdraw
from core.errors import ConcurrentEditError
from handover.models import TransitionKind
from handover.services import case_close, membership_accept, transition_complete, transition_invite, transition_plan
from journal.models import JournalEntry
from meetings.models import MeetingKind
from meetings.services import attendance_record, meeting_book

pytestmark = pytest.mark.django_db

FORKLIFT = "Truckførerbevis T1 og T4"  # the demo's, recorded by Kari for Jonas
SCHOOL = "Matematikk 1P"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def access_of(user, case) -> CaseAccess:
    access = access_by_code(user, case.code)
    assert access is not None
    return access


def today() -> datetime.date:
    return timezone.localdate()


def record(actor, case, **overrides) -> Achievement:
    values = {
        "kind": AchievementKind.COURSE,
        "title": "Sveisekurs, trinn 1",
        "issuer": "Verkstedet, Bergen fengsel",
        "achieved_on": today() - datetime.timedelta(days=2),
        "hours": 30,
    }
    return achievement_record(actor=actor, case=case, **{**values, **overrides})


def list_url(case) -> str:
    return reverse("achievements:list", kwargs={"code": case.code})


def edit_url(achievement) -> str:
    return reverse("achievements:edit", kwargs={"code": achievement.case.code, "achievement_id": achievement.pk})


def withdraw_url(achievement) -> str:
    return reverse("achievements:withdraw", kwargs={"code": achievement.case.code, "achievement_id": achievement.pk})


def form_data(**overrides) -> dict:
    data = {
        "kind": "certificate",
        "title": "Hygienebevis",
        "issuer": "Kjøkkenet, Bergen fengsel",
        "achieved_on": (today() - datetime.timedelta(days=1)).isoformat(),
        "hours": "",
        "level": "",
        "description": "",
    }
    return {**data, **overrides}


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "achievements.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


# --- The service ---------------------------------------------------------------------------------


def test_recording_belongs_to_the_persons_and_is_journaled_with_its_values(case, personas):
    achievement = record(personas.contact_officer, case, level="Nivå 1", description="Sveising av stål.")
    assert achievement.person_id == case.person_id and achievement.case_id == case.pk
    entry = JournalEntry.objects.get(action="achievement.record", object_id=str(achievement.pk))
    assert entry.new is not None
    assert entry.case_id == case.pk and entry.actor_id == personas.contact_officer.pk
    assert entry.old is None
    assert entry.new["title"] == "Sveisekurs, trinn 1" and entry.new["hours"] == 30
    assert entry.new["achieved_on"] == (today() - datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": "   "}, "title"),
        ({"issuer": ""}, "issuer"),
        ({"kind": "diploma"}, "kind"),
        ({"achieved_on": None}, "achieved_on"),
        ({"hours": 0}, "hours"),
        ({"hours": 10001}, "hours"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 1001}, "description"),
    ],
)
def test_the_service_refuses_bad_values_naming_the_field_and_writes_nothing(case, personas, overrides, field):
    before = (Achievement.objects.count(), JournalEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        record(personas.contact_officer, case, **overrides)
    assert set(refused.value.message_dict) == {field}
    assert (Achievement.objects.count(), JournalEntry.objects.count()) == before


def test_a_date_in_the_future_is_refused_by_the_projects_clock(case, personas, time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 10, 10, 0, tzinfo=datetime.UTC))
    assert today() == datetime.date(2027, 3, 10)
    with pytest.raises(ValidationError) as refused:
        record(personas.contact_officer, case, achieved_on=datetime.date(2027, 3, 11))
    assert "achieved_on" in refused.value.message_dict
    assert record(personas.contact_officer, case, achieved_on=datetime.date(2027, 3, 10)).pk


def test_a_correction_keeps_old_and_new_in_the_journal_and_counts_the_version(case, personas):
    achievement = record(personas.contact_officer, case)
    corrected = achievement_correct(
        actor=personas.social_worker,
        achievement=achievement,
        version=achievement.version,
        kind=AchievementKind.CERTIFICATE,
        title="Sveisesertifikat, trinn 1",
        issuer="Verkstedet, Bergen fengsel",
        achieved_on=achievement.achieved_on,
        hours=32,
    )
    assert corrected.version == achievement.version + 1
    entry = JournalEntry.objects.get(action="achievement.correct", object_id=str(achievement.pk))
    assert entry.old is not None and entry.new is not None
    assert entry.old["title"] == "Sveisekurs, trinn 1" and entry.new["title"] == "Sveisesertifikat, trinn 1"
    assert entry.old["hours"] == 30 and entry.new["hours"] == 32
    assert entry.actor_id == personas.social_worker.pk


def test_a_stale_correction_is_a_conflict_and_changes_nothing(case, personas):
    achievement = record(personas.contact_officer, case)

    def correct(actor, title: str) -> Achievement:
        return achievement_correct(
            actor=actor,
            achievement=achievement,
            version=1,
            kind=achievement.kind,
            title=title,
            issuer=achievement.issuer,
            achieved_on=achievement.achieved_on,
        )

    correct(personas.contact_officer, "Først")
    entries = JournalEntry.objects.count()
    with pytest.raises(ConcurrentEditError):
        correct(personas.social_worker, "Sist")
    achievement.refresh_from_db()
    assert achievement.title == "Først" and achievement.version == 2
    assert JournalEntry.objects.count() == entries


def test_a_correction_that_changes_nothing_writes_no_entry(case, personas):
    achievement = record(personas.contact_officer, case)
    entries = JournalEntry.objects.count()
    same = achievement_correct(
        actor=personas.contact_officer,
        achievement=achievement,
        version=achievement.version,
        kind=achievement.kind,
        title=achievement.title,
        issuer=achievement.issuer,
        achieved_on=achievement.achieved_on,
        hours=achievement.hours,
    )
    assert same.version == achievement.version and JournalEntry.objects.count() == entries


def test_a_withdrawal_needs_a_reason_leaves_the_pages_and_stays_in_the_journal(client_for, case, personas, tmp_path):
    achievement = record(personas.contact_officer, case, title="Feilført kurs")
    with pytest.raises(ValidationError) as refused:
        achievement_withdraw(actor=personas.contact_officer, achievement=achievement, version=1, reason=" ")
    assert "reason" in refused.value.message_dict
    achievement_withdraw(actor=personas.contact_officer, achievement=achievement, version=1, reason="Feil person.")
    entry = JournalEntry.objects.get(action="achievement.withdraw", object_id=str(achievement.pk))
    assert entry.old is not None and entry.new is not None
    assert entry.old["withdrawn_at"] is None and entry.new["withdrawn_reason"] == "Feil person."
    assert entry.new["title"] == "Feilført kurs"
    assert Achievement.objects.filter(pk=achievement.pk).exists()  # the row stays, marked
    for user in (personas.person, personas.contact_officer, personas.nav_with_consent):
        assert "Feilført kurs" not in client_for(user).get(list_url(case)).content.decode()
    pdf = client_for(personas.person).get(reverse("achievements:pdf", kwargs={"code": case.code}))
    assert "Feilført kurs" not in pdf_text(pdf.content, tmp_path)
    # A withdrawn achievement is no longer there to correct: the same 404 as a missing one.
    assert client_for(personas.contact_officer).get(edit_url(achievement)).status_code == 404
    with pytest.raises(ValidationError):
        achievement_withdraw(actor=personas.contact_officer, achievement=achievement, version=2, reason="Igjen.")


# --- Kept when the person moves prison or comes back on a new sentence ------------------------------


def test_kept_when_the_person_moves_to_another_prison(case, personas):
    """The case moves, and its achievements with it: the new prison's lead sees and corrects them."""
    kari, olav = personas.contact_officer, personas.outsider
    transition = transition_plan(
        actor=kari, case=case, kind=TransitionKind.TRANSFER_PRISON, planned_date=today(), to_agency=olav.agency
    )
    incoming = membership_accept(actor=olav, membership=transition_invite(actor=kari, transition=transition, user=olav))
    meeting = meeting_book(
        actor=kari,
        case=case,
        kind=MeetingKind.HANDOVER_REVIEW,
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        place="Besøksrommet",
    )
    attendance_record(actor=kari, meeting=meeting, membership=incoming, present=True)
    membership_make_lead(actor=kari, membership=incoming)
    transition_complete(actor=kari, transition=transition)
    assert Case.objects.get(pk=case.pk).institution_id == olav.agency_id
    access = access_by_code(olav, case.code)
    assert access is not None and access.runs_the_case
    assert {FORKLIFT, SCHOOL} <= {a.title for a in achievements_for(access)}
    assert access.records_achievements
    person = access_of(personas.person, case)
    assert {FORKLIFT, SCHOOL} <= {a.title for a in achievements_for(person)}


def new_sentence(earlier: Case, actor: User) -> Case:
    person = Person.objects.get(pk=earlier.person_id)
    return case_open(
        actor=actor,
        data=IntakeData(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            national_id=person.national_id,
            home_municipality="Oslo",
            legal_status=LegalStatus.SENTENCED,
            intake_date=today(),
            sentence_start=today(),
            sentence_days=120,
        ),
    )


@pytest.fixture
def later_case(case, personas) -> Case:
    """Jonas released, his case closed, and a new sentence in Oslo fengsel (Olav opens it)."""
    number = "05059010052"  # checksum-valid (cases/tests/test_carry_over.py)
    Person.objects.filter(pk=case.person_id).update(
        national_id=number, national_id_hash=national_id_digest(number), birth_date=datetime.date(1990, 5, 5)
    )
    closed = case_close(actor=personas.contact_officer, case=case, reason="Løslatt.", version=case.version)
    new = new_sentence(closed, personas.outsider)
    assert new.person_id == case.person_id and new.previous_case_id == case.pk
    return new


def test_kept_on_a_new_sentence_for_the_person_not_for_the_new_prison(client_for, later_case, personas, tmp_path):
    olav = personas.outsider
    earlier = Achievement.objects.filter(case__person=later_case.person).exclude(case=later_case)
    assert earlier.filter(title=FORKLIFT).exists()
    mine = client_for(personas.person).get(list_url(later_case)).content.decode()
    assert FORKLIFT in mine and SCHOOL in mine
    pdf = client_for(personas.person).get(reverse("achievements:pdf", kwargs={"code": later_case.code}))
    assert FORKLIFT in pdf_text(pdf.content, tmp_path)
    # The new prison reads only what it records itself (issue 16, hole 1: no history by the identity number).
    new = record(olav, later_case, title="Kurs i Oslo")
    theirs = client_for(olav).get(list_url(later_case)).content.decode()
    assert "Kurs i Oslo" in theirs and FORKLIFT not in theirs and SCHOOL not in theirs
    plan = client_for(olav).get(reverse("personpages:plan_pdf", kwargs={"code": later_case.code}))
    printed = pdf_text(plan.content, tmp_path)
    assert "Kurs i Oslo" in printed and FORKLIFT not in printed
    # Nor can it correct the earlier prison's record under its own code.
    old = earlier.get(title=FORKLIFT)
    url = reverse("achievements:edit", kwargs={"code": later_case.code, "achievement_id": old.pk})
    assert client_for(olav).get(url).status_code == 404
    assert client_for(olav).post(url, {**form_data(title="Overskrevet"), "version": old.version}).status_code == 404
    assert Achievement.objects.get(pk=old.pk).title == FORKLIFT
    assert "Kurs i Oslo" in client_for(personas.person).get(list_url(later_case)).content.decode()
    assert new.person_id == old.person_id


# --- The selector ------------------------------------------------------------------------------------


def test_the_selector_gives_each_viewer_what_the_rules_say(case, personas):
    record(personas.contact_officer, case, title="Nytt kurs")
    expected = {FORKLIFT, SCHOOL, "Nytt kurs"}
    for user in (personas.person, personas.contact_officer, personas.social_worker, personas.nav_with_consent):
        access = access_of(user, case)
        assert {a.title for a in achievements_for(access)} == expected, user
    for user in (personas.municipal_without_consent, personas.volunteer):
        assert not achievements_for(access_of(user, case)).exists(), user
    titles = [a.title for a in achievements_for(access_of(personas.person, case))]
    assert titles.index("Nytt kurs") < titles.index(FORKLIFT)  # newest first


# --- The views --------------------------------------------------------------------------------------


def test_the_person_reads_what_they_achieved_in_plain_words(client_for, case, personas):
    start = client_for(personas.person).get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert list_url(case) in start and "See what you have done at work and school" in start
    page = client_for(personas.person).get(list_url(case)).content.decode()
    assert "What I have achieved" in page and FORKLIFT in page and SCHOOL in page
    assert "From Verkstedet, Bergen fengsel." in page and "40 hours." in page and "Level: Karakter 4." in page
    assert reverse("achievements:add", kwargs={"code": case.code}) not in page
    assert "Correct or withdraw" not in page


def test_staff_see_the_achievements_on_the_case_and_record_one_through_the_form(client_for, case, personas):
    client = client_for(personas.contact_officer)
    overview = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    assert 'data-testid="case-achievements"' in overview and FORKLIFT in overview
    add = reverse("achievements:add", kwargs={"code": case.code})
    assert client.get(add).status_code == 200
    response = client.post(add, form_data(hours="12", level="Bestått"))
    assert response.status_code == 302 and response["Location"] == list_url(case)
    saved = Achievement.objects.get(case=case, title="Hygienebevis")
    assert saved.recorded_by == personas.contact_officer and saved.hours == 12
    assert JournalEntry.objects.filter(action="achievement.record", object_id=str(saved.pk)).exists()
    assert "Hygienebevis" in client_for(personas.person).get(list_url(case)).content.decode()


def test_staff_correct_and_withdraw_through_the_pages_with_the_version(client_for, case, personas):
    achievement = Achievement.objects.get(case=case, title=FORKLIFT)
    client = client_for(personas.contact_officer)
    assert client.get(edit_url(achievement)).status_code == 200
    data = {**form_data(kind="certificate", title="Truckførerbevis T1, T2 og T4", issuer=achievement.issuer)}
    response = client.post(edit_url(achievement), {**data, "version": achievement.version})
    assert response.status_code == 302
    # A second form opened on the old version is a conflict: nothing of it is saved.
    stale = client.post(edit_url(achievement), {**data, "title": "Gammel", "version": achievement.version})
    assert stale.status_code == 400 and "Someone else changed the achievement" in stale.content.decode()
    achievement.refresh_from_db()
    assert achievement.title == "Truckførerbevis T1, T2 og T4"
    refused = client.post(withdraw_url(achievement), {"reason": "", "version": achievement.version})
    assert refused.status_code == 400
    done = client.post(withdraw_url(achievement), {"reason": "Feilregistrert.", "version": achievement.version})
    assert done.status_code == 302
    assert Achievement.objects.get(pk=achievement.pk).withdrawn_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"title": ""},
        {"issuer": "   "},
        {"achieved_on": "not a date"},
        {"achieved_on": "2999-01-01"},
        {"hours": "-3"},
        {"kind": "diploma"},
        {"title": "x" * 5000},
    ],
)
def test_bad_input_is_refused_with_a_400_and_no_server_error(client_for, case, personas, data):
    before = (Achievement.objects.count(), JournalEntry.objects.count())
    response = client_for(personas.contact_officer).post(
        reverse("achievements:add", kwargs={"code": case.code}), form_data(**data)
    )
    assert response.status_code == 400
    assert (Achievement.objects.count(), JournalEntry.objects.count()) == before


# --- The attacker ---------------------------------------------------------------------------------


def test_the_person_cannot_add_correct_or_withdraw(client_for, case, personas):
    achievement = Achievement.objects.get(case=case, title=FORKLIFT)
    client = client_for(personas.person)
    before = (Achievement.objects.count(), JournalEntry.objects.count(), achievement.version)
    assert client.post(reverse("achievements:add", kwargs={"code": case.code}), form_data()).status_code == 403
    edit = {**form_data(title="Jeg har alt"), "version": achievement.version}
    assert client.post(edit_url(achievement), edit).status_code == 403
    gone = {"reason": "Vil ikke", "version": achievement.version}
    assert client.post(withdraw_url(achievement), gone).status_code == 403
    achievement.refresh_from_db()
    assert (Achievement.objects.count(), JournalEntry.objects.count(), achievement.version) == before


def test_another_prisons_officer_and_a_removed_member_get_the_missing_page(client_for, case, personas):
    achievement = Achievement.objects.get(case=case, title=FORKLIFT)
    removed = User.objects.get(username="helge.helse")  # ended in the demo world
    assert not Membership.objects.filter(case=case, user=removed, end_date__isnull=True).exists()
    urls = [list_url(case), edit_url(achievement), reverse("achievements:pdf", kwargs={"code": case.code})]
    for user in (personas.outsider, removed):
        for url in urls:
            assert client_for(user).get(url).status_code == 404, (user, url)
        response = client_for(user).post(withdraw_url(achievement), {"reason": "x", "version": 1})
        assert response.status_code == 404
    assert Achievement.objects.get(pk=achievement.pk).withdrawn_at is None


def test_another_cases_achievement_under_the_own_case_code_is_missing(client_for, case, other_case, personas):
    theirs = record(personas.outsider, other_case, title="Lars sitt kurs")
    client = client_for(personas.contact_officer)
    url = reverse("achievements:edit", kwargs={"code": case.code, "achievement_id": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {**form_data(), "version": 1}).status_code == 404
    withdraw = reverse("achievements:withdraw", kwargs={"code": case.code, "achievement_id": theirs.pk})
    assert client.post(withdraw, {"reason": "x", "version": 1}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Lars sitt kurs" and theirs.withdrawn_at is None and theirs.version == 1
    assert "Lars sitt kurs" not in client_for(personas.person).get(list_url(case)).content.decode()


def test_withdrawn_consent_takes_the_achievements_from_the_covered_member(client_for, case, personas):
    assert client_for(personas.nav_with_consent).get(list_url(case)).status_code == 200
    consent_withdraw(actor=personas.person, case=Case.objects.get(pk=case.pk))
    assert client_for(personas.nav_with_consent).get(list_url(case)).status_code == 403
    for user in (personas.municipal_without_consent, personas.volunteer):
        assert client_for(user).get(list_url(case)).status_code == 403


@pytest.fixture
def school(case, personas) -> User:
    """A teacher of the prison's school in Jonas's group; not yet covered by his consent."""
    agency = Agency.objects.create(name="Skolen i Bergen fengsel", kind=AgencyKind.SCHOOL, municipality="Bergen")
    teacher = User.objects.create(username="lise.laerer", first_name="Lise", role=Role.SCHOOL, agency=agency)
    membership = membership_add(actor=personas.contact_officer, case=case, user=teacher, purpose="Skole")
    membership_accept(actor=teacher, membership=membership)
    return teacher


def cover(case, personas, user) -> None:
    consent = Consent.objects.get(case=case, withdrawn_at__isnull=True)
    scope = [*consent.scope.all(), Membership.objects.get(case=case, user=user, end_date__isnull=True)]
    consent_give(
        actor=personas.contact_officer, case=case, given_on=today(), explained_by=personas.contact_officer, scope=scope
    )


def test_the_school_records_under_the_consent_and_corrects_only_its_own(client_for, case, personas, school):
    add = reverse("achievements:add", kwargs={"code": case.code})
    client = client_for(school)
    assert client.get(add).status_code == 403  # not covered: sees nothing of the case
    assert client.post(add, form_data(kind="school_subject", title="Norsk")).status_code == 403
    cover(case, personas, school)
    assert client.post(add, form_data(kind="school_subject", title="Norsk")).status_code == 302
    own = Achievement.objects.get(case=case, title="Norsk")
    assert client.get(edit_url(own)).status_code == 200
    karis = Achievement.objects.get(case=case, title=FORKLIFT)
    assert client.get(edit_url(karis)).status_code == 403
    assert client.post(withdraw_url(karis), {"reason": "x", "version": karis.version}).status_code == 403
    page = client.get(list_url(case)).content.decode()
    assert edit_url(own) in page and edit_url(karis) not in page
    # A NAV adviser the consent covers reads them, but records nothing.
    assert client_for(personas.nav_with_consent).get(add).status_code == 403
    assert Achievement.objects.get(pk=karis.pk).withdrawn_at is None


# --- On paper -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, heading", [("nb", "Det jeg har klart"), ("da", "Det jeg har klaret"), ("en", "What I have achieved")]
)
def test_the_person_prints_the_list_and_the_plan_with_the_achievements(
    client_for, case, personas, tmp_path, language, heading
):
    client = client_for(personas.person)
    url = reverse("achievements:pdf", kwargs={"code": case.code}) + f"?language={language}"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert heading in text and FORKLIFT in text and SCHOOL in text and "Karakter 4" in text
    assert case.person.full_name in text
    plan = client.get(reverse("personpages:plan_pdf", kwargs={"code": case.code}) + f"?language={language}")
    printed = pdf_text(plan.content, tmp_path)
    assert heading in printed and FORKLIFT in printed and SCHOOL in printed
