"""Issue 3 in a real browser: POP steps 4-6.3 from proposals to a delivered measure and the next group meeting.

Steps 0-3 (the case, the group, the needs conversation and the consent) are set up through
the services in the server's own database; issue 2's browser story covers them. Then, in
Chromium, each in their own browser context: Nils (NAV) and Mona (municipality), both
covered by the consent, propose measures; Ola, the person, chooses two and rejects one with
a reason; Nils starts and delivers his measure and writes what was done; Kari books the next
group meeting, whose agenda lists exactly the changes since the previous group meeting.
"""

import datetime
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.tests.live import LIVE_PASSWORD, login

pytestmark = pytest.mark.browser


SETUP = """
import datetime, json
from django.utils import timezone
from accounts.models import Role, User
from meetings.models import Meeting, MeetingKind
from cases.services import IntakeData, case_open, membership_add
from meetings.services import meeting_book
from handover.services import membership_accept
from consent.services import consent_give
from needs.services import conversation_record, need_create
from reference.models import LifeArea

kari, nils, mona = (User.objects.get(username=u) for u in ["kari.kontakt", "nils.nav", "mona.kommune"])
ola = User(username="ola.plan", first_name="Ola", last_name="Plansen", role=Role.PERSON)
ola.set_password(PASSWORD)
ola.save()
today = timezone.localdate()
start = today - datetime.timedelta(days=9)
case = case_open(actor=kari, person_user=ola, data=IntakeData(
    first_name="Ola", last_name="Plansen", birth_date=datetime.date(2002, 3, 4), home_municipality="Bergen",
    legal_status="sentenced", intake_date=start, sentence_start=start,
    sentence_days=300, expected_release=today + datetime.timedelta(days=280)))
members = []
for user in (nils, mona):
    members.append(membership_accept(actor=user, membership=membership_add(actor=kari, case=case, user=user)))
session = conversation_record(actor=kari, case=case, held_on=today - datetime.timedelta(days=2), completed=True)
for slug, words in (("housing", "Jeg trenger et sted å bo."), ("income", "Jeg har ingen penger når jeg kommer ut.")):
    need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug=slug), own_words=words, conversation=session)
consent_give(actor=kari, case=case, given_on=today - datetime.timedelta(days=2), explained_by=kari, scope=members)
# The previous group meeting was held just now: everything above is behind it.
soon = timezone.now() + datetime.timedelta(hours=1)
held = meeting_book(actor=kari, case=case, kind=MeetingKind.GROUP, starts_at=soon, place="Møterom 1")
Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now())
print(json.dumps({"code": case.code}))
"""

INCOME = "Sosialhjelp fra løslatelsesdagen"
HOUSING = "Kommunal bolig ved løslatelse"
HOSTEL = "Hybel på hospits"


def _today() -> datetime.date:
    return timezone.localdate()


def _propose(page, code: str, *, title: str, need: str, requires: str) -> None:
    page.goto(f"/cases/{code}/plan/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Propose a measure").click()
    form = page.locator("form[action$='/plan/propose/']")
    form.locator("[name=title]").fill(title)
    form.get_by_role("checkbox", name=re.compile(need)).check()
    form.locator("[name=start_date]").fill(_today().isoformat())
    form.locator("[name=due_date]").fill((_today() + datetime.timedelta(days=30)).isoformat())
    form.locator("[name=requires_of_person]").fill(requires)
    form.get_by_role("button", name="Save the proposal").click()
    expect(page.locator("#plan-body [role=status]")).to_contain_text("The proposal is saved.")
    expect(page.locator("#proposals")).to_contain_text(title)
    assert page.evaluate("window.notReloaded") is True, "the proposal reloaded the page instead of using htmx"


def test_two_members_propose_the_person_chooses_a_measure_is_delivered_and_the_agenda_lists_the_changes(
    live_site, new_page
):
    code = json.loads(live_site.manage("shell", "-c", f"PASSWORD = {LIVE_PASSWORD!r}\n" + SETUP).splitlines()[-1])[
        "code"
    ]

    # Step 4: two external members, covered by the consent, propose; each sees the other's proposal.
    nils = new_page()
    login(nils, "nils.nav")
    _propose(nils, code, title=INCOME, need="Income", requires="Signere søknaden i møte med NAV.")
    _propose(nils, code, title=HOSTEL, need="Housing", requires="Bo på hospits de første ukene.")
    mona = new_page()
    login(mona, "mona.kommune")
    _propose(mona, code, title=HOUSING, need="Housing", requires="Møte på boligkontoret før løslatelsen.")
    expect(mona.locator("#proposals")).to_contain_text(INCOME)
    expect(mona.locator("#plan-body")).to_contain_text("Proposals are due by")

    # A proposal without a need is refused next to the field, and nothing is saved.
    form = mona.locator("form[action$='/plan/propose/']")
    form.locator("[name=title]").fill("Uten behov")
    form.get_by_role("button", name="Save the proposal").click()
    expect(mona.locator("#id_needs_error")).to_contain_text("Choose at least one need")
    expect(mona.locator("#proposals")).not_to_contain_text("Uten behov")

    # Step 5: Ola decides, in his own view. Rejecting needs a reason.
    ola = new_page()
    login(ola, "ola.plan")
    ola.get_by_role("link", name=re.compile("choose what you want to do")).click()
    expect(ola.locator("#plan-by-need .need-without-measure")).to_have_count(2)
    ola.evaluate("window.notReloaded = true")
    for title in (INCOME, HOUSING):
        ola.get_by_role("button", name=f"Choose “{title}”").click()
        expect(ola.locator("#plan-body [role=status]")).to_contain_text(f"“{title}” is now chosen.")
    expect(ola.locator("#plan-by-need .need-without-measure")).to_have_count(0)
    row = ola.locator("#proposals tr", has_text=HOSTEL)
    row.locator("summary", has_text="Reject").click()
    row.get_by_role("button", name=f"Reject “{HOSTEL}”").click()
    expect(ola.locator("#plan-body [role=alert]")).to_contain_text("Give the reason")
    expect(ola.locator("#proposals")).to_contain_text(HOSTEL)
    row = ola.locator("#proposals tr", has_text=HOSTEL)
    row.locator("summary", has_text="Reject").click()
    row.locator("textarea[name=reason]").fill("Jeg vil heller bo hos søsteren min.")
    row.get_by_role("button", name=f"Reject “{HOSTEL}”").click()
    expect(ola.locator("#plan-body [role=status]")).to_contain_text(f"“{HOSTEL}” is now rejected.")
    expect(ola.locator("section[aria-labelledby=closed-heading]")).to_contain_text(
        "Jeg vil heller bo hos søsteren min."
    )
    assert ola.evaluate("window.notReloaded") is True

    # Step 6: Nils, responsible, starts and delivers his measure and documents what was done.
    nils.goto(f"/cases/{code}/plan/")
    nils.get_by_role("button", name=f"Start “{INCOME}”").click()
    expect(nils.locator("#plan-body [role=status]")).to_contain_text("is now started.")
    nils.get_by_role("button", name=f"Mark “{INCOME}” done").click()
    expect(nils.locator("#plan-body [role=status]")).to_contain_text("is now done.")
    # Mona cannot move Nils's measure: she has no button for it.
    mona.goto(f"/cases/{code}/plan/")
    expect(mona.get_by_role("button", name=re.compile(INCOME))).to_have_count(0)
    nils.get_by_role("link", name=INCOME).first.click()
    nils.locator("[name=text]").fill("Søknaden er innvilget fra løslatelsesdagen.")
    nils.get_by_role("button", name="Save the note").click()
    expect(nils.get_by_role("status")).to_contain_text("The delivery note is saved.")
    expect(nils.locator("section[aria-labelledby=notes-heading]")).to_contain_text("innvilget")

    # Step 6.2-6.3: Kari books the next group meeting; its agenda lists exactly what changed since the last one.
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto(f"/cases/{code}/meetings/new/")
    next_week = datetime.datetime.combine(_today() + datetime.timedelta(days=7), datetime.time(10, 0))
    kari.locator("[name=kind]").select_option("group")
    kari.locator("[name=starts_at]").fill(next_week.strftime("%Y-%m-%dT%H:%M"))
    kari.locator("[name=place]").fill("Møterom 2")
    kari.get_by_role("button", name="Book").click()
    expect(kari.get_by_role("status")).to_contain_text("The meeting is booked.")
    kari.locator("tbody tr").last.locator("a").first.click()
    expect(kari.get_by_role("heading", name=re.compile("Group meeting"))).to_be_visible()
    actions = kari.locator("#agenda .agenda-item").evaluate_all("rows => rows.map(row => row.dataset.action)")
    assert actions == [
        "measure.propose",
        "measure.propose",
        "measure.propose",
        "measure.chosen",
        "measure.chosen",
        "measure.rejected",
        "measure.started",
        "measure.done",
    ]
    agenda = kari.locator("#agenda")
    for title in (INCOME, HOUSING, HOSTEL):
        expect(agenda).to_contain_text(title)
    expect(agenda).not_to_contain_text("Jeg trenger et sted å bo.")  # recorded before the last meeting

    # The meeting downloads as an .ics file.
    with kari.expect_download() as download:
        kari.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
