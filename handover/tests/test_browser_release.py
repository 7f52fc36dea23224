"""Issue 5 in a real browser: a release without a gap (POP steps 7-8).

Set up through the services in the server's own database: Rita's case at Bergen fengsel,
led by Kari, with Sara (social worker), Nils (NAV) and Mona (municipality) in the group,
her needs recorded and consent given. Then, in Chromium, each in their own browser
context: Kari plans the release and invites Petra (probation) and Mona as incoming; Petra
accepts; three members fill in the readiness checklist (Nils, Mona, Petra); Kari holds a
handover review that Petra and Mona attend and goes through its checklist, books the
first meeting after release with Petra, holds the farewell conversation with Rita, hands
the lead to Petra and records the release; Petra, now the lead, marks the first meeting
booked and lets Kari go. Rita reads her readiness in plain words.
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
from cases.services import IntakeData, case_open, membership_add
from handover.services import membership_accept
from consent.services import consent_give
from needs.services import conversation_record, need_create
from reference.models import LifeArea

names = ["kari.kontakt", "sara.sosial", "nils.nav", "mona.kommune"]
kari, sara, nils, mona = (User.objects.get(username=u) for u in names)
rita = User(username="rita.release", first_name="Rita", last_name="Løslatt", role=Role.PERSON)
rita.set_password(PASSWORD)
rita.save()
today = timezone.localdate()
start = today - datetime.timedelta(days=200)
case = case_open(actor=kari, person_user=rita, data=IntakeData(
    first_name="Rita", last_name="Løslatt", birth_date=datetime.date(2001, 7, 8), home_municipality="Bergen",
    legal_status="sentenced", intake_date=start, sentence_start=start,
    sentence_days=210, expected_release=today))
membership_add(actor=kari, case=case, user=sara)
members = [membership_accept(actor=u, membership=membership_add(actor=kari, case=case, user=u)) for u in (nils, mona)]
session = conversation_record(actor=kari, case=case, held_on=start + datetime.timedelta(days=3), completed=True)
for slug, words in (("housing", "Jeg trenger et sted å bo."), ("income", "Jeg har ingen penger når jeg kommer ut.")):
    need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug=slug), own_words=words, conversation=session)
consent_give(actor=kari, case=case, given_on=start + datetime.timedelta(days=3), explained_by=kari, scope=members)
print(json.dumps({"code": case.code}))
"""


def _now() -> datetime.datetime:
    return timezone.localtime()


def _choose(select, text: str) -> None:
    """Select the option whose label contains the text."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def _set_item(page, code: str, key: str, *, state: str | None = None, owner: str | None = None, note: str = ""):
    page.goto(f"/cases/{code}/release/")
    row = page.locator(f"tr[data-key={key}]")
    row.locator("summary").click()
    if owner:
        _choose(row.locator("select[name$=owner]"), owner)
    if state:
        row.locator("select[name$=state]").select_option(state)
    if note:
        row.locator("textarea[name$=note]").fill(note)
    row.get_by_role("button", name="Save").click()
    if state:
        expect(page.locator(f"tr[data-key={key}]")).to_have_attribute("data-state", state)


def _book(page, code: str, kind: str, when: datetime.datetime, place: str) -> None:
    page.goto(f"/cases/{code}/meetings/new/")
    page.locator("[name=kind]").select_option(kind)
    page.locator("[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=place]").fill(place)
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting is booked.")


def _open_meeting(page, code: str, kind_label: str) -> None:
    page.goto(f"/cases/{code}/meetings/")
    page.locator("tbody tr", has_text=kind_label).first.locator("a").first.click()
    expect(page.get_by_role("heading", name=re.compile(kind_label)).first).to_be_visible()


def test_release_with_readiness_review_farewell_and_first_meeting_after_release(live_site, new_page):
    code = json.loads(live_site.manage("shell", "-c", f"PASSWORD = {LIVE_PASSWORD!r}\n" + SETUP).splitlines()[-1])[
        "code"
    ]
    today = _now().date()

    # Step 7: Kari plans the release to the home municipality and invites the incoming actors.
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto(f"/cases/{code}/handover/")
    form = kari.locator("form[action$='/handover/plan/']")
    form.locator("[name=kind]").select_option("release")
    form.locator("[name=planned_date]").fill(today.isoformat())
    _choose(form.locator("[name=to_agency]"), "Bergen kommune")
    form.get_by_role("button", name="Plan").click()
    expect(kari.get_by_role("status")).to_contain_text("The transition is planned.")
    for name in ("Petra", "Mona"):
        form = kari.locator("form[action$='/invite/']")
        _choose(form.locator("[name=user]"), name)
        form.get_by_role("button", name="Invite").click()
        expect(kari.get_by_role("status")).to_contain_text("is invited for the transition.")
    expect(kari.locator("li[data-state=invited]")).to_have_count(1)  # Petra; Mona is already a member
    # Nobody has taken hold yet: the prison's social worker may not let go.
    expect(kari.locator("li[data-may-leave=no]", has_text="Sara")).to_be_visible()

    petra = new_page()
    login(petra, "petra.friomsorg")
    petra.goto("/cases/invitations/")
    petra.get_by_role("button", name=f"Accept the invitation to case {code}").click()
    kari.goto(f"/cases/{code}/handover/")
    expect(kari.locator("li[data-state=accepted]")).to_have_count(2)

    # Readiness: Kari gives the probation plan to Petra; Nils, Mona and Petra mark their own items done.
    _set_item(kari, code, "probation_plan", owner="Petra")
    nils = new_page()
    login(nils, "nils.nav")
    _set_item(nils, code, "income", state="done", note="Vedtak om sosialhjelp fra løslatelsesdagen.")
    mona = new_page()
    login(mona, "mona.kommune")
    _set_item(mona, code, "housing", state="done", note="Kommunal bolig, nøkkel hentes på boligkontoret.")
    _set_item(mona, code, "municipal_contact", state="done")
    _set_item(petra, code, "probation_plan", state="done", note="Tilsynsplan klar.")
    # An external member sees only the items they own.
    expect(petra.locator("tr[data-key]")).to_have_count(1)

    kari.goto(f"/cases/{code}/release/")
    expect(kari.locator("[data-testid=readiness-missing]")).not_to_contain_text("Place to live")
    expect(kari.locator("[data-testid=readiness-missing]")).to_contain_text("First meeting after release booked")

    # The handover review: Petra and Mona attend; the needs are reviewed one by one.
    _book(kari, code, "handover_review", _now().replace(second=0, microsecond=0), "Besøksrommet")
    _open_meeting(kari, code, "Handover review")
    for name in ("Petra", "Mona"):
        # The attendance form is fetched when asked for (htmx swaps it in where the link was).
        kari.get_by_role("link", name="Record attendance").click()
        form = kari.locator("form[action$='/attendance/']")
        _choose(form.locator("[name=membership]"), name)
        form.locator("[name=present]").select_option("1")
        form.get_by_role("button", name="Record attendance").click()
    review = kari.locator("[data-testid=review-checklist]")
    for _ in range(2):
        review.locator("li[data-need-id][data-done=no]").first.get_by_role("button", name="Mark as reviewed").click()
        expect(kari.get_by_role("status")).to_be_visible()
    expect(review.locator("li[data-need-id][data-done=yes]")).to_have_count(2)
    expect(review.locator("[data-testid=review-next-meeting]")).to_have_attribute("data-done", "no")
    kari.goto(f"/cases/{code}/handover/")
    expect(kari.locator("li[data-state=taken_hold]")).to_have_count(2)
    expect(kari.locator("li[data-may-leave=yes]", has_text="Sara")).to_be_visible()

    # The first meeting after release, with Petra, is booked before Rita leaves.
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0))
    _book(kari, code, "with_person", tomorrow, "Friomsorgskontoret Vestland")
    _open_meeting(kari, code, "Handover review")
    expect(kari.locator("[data-testid=review-next-meeting]")).to_have_attribute("data-done", "yes")

    # Step 8: the farewell conversation.
    _book(kari, code, "farewell", _now().replace(second=0, microsecond=0), "Avdeling B")
    _open_meeting(kari, code, "Farewell conversation")
    kari.locator("[name=minutes]").fill("Gikk gjennom hvem Rita møter første dag, og hvordan hun når Petra.")
    kari.get_by_role("button", name="Save the minutes").click()
    expect(kari.get_by_role("status")).to_be_visible()
    kari.goto(f"/cases/{code}/handover/")
    expect(kari.locator("[data-testid=farewell-status]")).to_contain_text("Farewell conversation held on")

    # The lead passes to Petra, who has taken hold; then the release is recorded.
    kari.goto(f"/cases/{code}/group/")
    kari.get_by_role("button", name=re.compile("Make Petra .* the lead")).click()
    expect(kari.get_by_role("status")).to_contain_text("now leads the group")
    kari.goto(f"/cases/{code}/handover/")
    form = kari.locator("form[action$='/complete/']")
    form.locator("[name=on]").fill(today.isoformat())
    form.get_by_role("button", name="Record as done").click()
    expect(kari.get_by_role("status")).to_contain_text("The transition is recorded as done.")
    expect(kari.locator(".case-header")).to_contain_text("After release")

    # After release, Petra leads: she marks the first meeting booked and lets the prison go.
    _set_item(petra, code, "first_meeting", state="done")
    petra.goto(f"/cases/{code}/group/")
    petra.get_by_role("button", name=re.compile("Remove Kari")).click()
    expect(petra.get_by_role("status")).to_contain_text("has left the group")
    petra.get_by_role("button", name=re.compile("Remove Sara")).click()
    expect(petra.get_by_role("status")).to_contain_text("has left the group")

    # Rita reads her readiness in plain words.
    rita = new_page()
    login(rita, "rita.release")
    rita.goto(f"/cases/{code}/release/")
    expect(rita.locator("[data-testid=readiness-count]")).to_contain_text("things are ready")
    expect(rita.locator("li[data-key=housing]")).to_contain_text("Ready")
