"""Issue 20, "Done when", in a real browser: a person found eligible for Exit with reasons applies, is
interviewed, waits, gets a place, moves through the phases across release, and the programme's view shows it."""

import pytest

from core.tests.live import login

pytestmark = pytest.mark.browser

SETUP = """
import datetime
from django.utils import timezone
from accounts.models import User
from cases.models import LegalStatus
from cases.services import IntakeData, case_open
from programmes.models import Enrolment, EnrolmentState, Programme
from programmes.services import programme_facts_set
today = timezone.localdate()
karl = User.objects.get(username="karl.kontakt")
started = today - datetime.timedelta(days=60)
data = IntakeData(first_name="Ali", last_name="Nielsen", birth_date=datetime.date(2000, 2, 3),
    home_municipality="København", legal_status=LegalStatus.SENTENCED, intake_date=started, sentence_start=started,
    sentence_days=300)
case = case_open(actor=karl, data=data)
programme_facts_set(actor=karl, case=case, expulsion_order="no", gang_ties="yes", wants_to_leave_crime="yes",
    earlier_sentences=1, version=None)
programme = Programme.objects.get(slug="exit")
full = Enrolment.objects.filter(programme=programme, state=EnrolmentState.PARTICIPANT).count()
Programme.objects.filter(pk=programme.pk).update(annual_places=full)  # every place taken: Ali will wait
mikkel = Enrolment.objects.get(programme=programme, case__person__first_name="Mikkel")
print(case.code, mikkel.pk, today.isoformat())
"""

RELEASE = """
from django.utils import timezone
from accounts.models import User
from cases.models import Case, Membership
from handover.models import TransitionKind
from handover.services import transition_complete, transition_plan
karl = User.objects.get(username="karl.kontakt")
case = Case.objects.get(code="{code}")
release = transition_plan(actor=karl, case=case, kind=TransitionKind.RELEASE, planned_date=timezone.localdate(),
    reason="Løsladelse")
transition_complete(actor=karl, transition=release)
print(Membership.objects.filter(case=case, user__username="emma.exit", ended_at__isnull=True).count())
"""


def test_a_person_eligible_for_exit_applies_waits_gets_a_place_and_moves_through_the_phases(live_site, new_page):
    code, mikkel_enrolment, today = live_site.manage("shell", "-c", SETUP).split()[-3:]

    karl = new_page()
    login(karl, "karl.kontakt")
    karl.goto(f"/cases/{code}/programmes/")
    card = karl.locator('[data-programme="exit"]')
    assert card.locator('[data-testid="status"]').get_attribute("data-status") == "eligible"
    assert "Wants to leave crime: yes" in card.inner_text()
    assert "Registered in København" in card.inner_text()
    karl.check()
    card.get_by_label("The person has agreed that I apply on their behalf").check()
    card.get_by_role("button", name="Apply to Exitprogrammet").click()
    karl.get_by_text("The application is sent on the person's behalf.").wait_for()

    emma = new_page()
    login(emma, "emma.exit")
    emma.goto("/programmes/exit/")
    emma.locator('[data-testid="applicants"]').get_by_role("link", name="Ali Nielsen").click()
    interview = emma.locator('[data-testid="form-interview"]')
    interview.get_by_label("Intake conversation held on").fill(today)
    interview.get_by_label("Note from the conversation").fill("Vil ud af gruppen.")
    interview.get_by_role("button", name="Save").click()
    emma.get_by_text("The intake conversation is recorded.").wait_for()
    decision = emma.locator('[data-testid="form-decide"]')
    decision.get_by_label("Accept").check()
    decision.get_by_label("Decision date").fill(today)
    decision.get_by_role("button", name="Save").click()
    emma.get_by_text("The person is on the waiting list.").wait_for()
    assert "Number 1 on the waiting list." in emma.locator("main").inner_text()  # gang ties first
    emma.check()

    # Mikkel completes: the freed place goes to the first in line.
    emma.goto(f"/programmes/enrolments/{mikkel_enrolment}/")
    closing = emma.locator('[data-testid="form-close"]')
    closing.get_by_label("Completed").check()
    closing.get_by_label("Ended on").fill(today)
    closing.get_by_role("button", name="Save").click()
    emma.get_by_text("The place is closed.").wait_for()
    emma.goto("/programmes/exit/")
    emma.locator('[data-testid="phase-assessment"]').get_by_role("link", name="Ali Nielsen").click()
    assert emma.locator('[data-testid="state"]').get_attribute("data-state") == "participant"
    phase = emma.locator('[data-testid="form-phase"]')
    phase.get_by_label("Next phase").select_option("intervention")
    phase.get_by_label("From").fill(today)
    phase.get_by_role("button", name="Save").click()
    emma.get_by_text("The participant is in the next phase.").wait_for()

    # Released: the adviser stays in the group across the wall and moves him on.
    assert live_site.manage("shell", "-c", RELEASE.format(code=code)).split()[-1] == "1"
    phase = emma.locator('[data-testid="form-phase"]')
    phase.get_by_label("Next phase").select_option("ending")
    phase.get_by_label("From").fill(today)
    phase.get_by_role("button", name="Save").click()
    emma.get_by_text("The participant is in the next phase.").wait_for()
    assert [step.get_attribute("data-phase") for step in emma.locator('[data-testid="steps"] li').all()] == [
        "assessment",
        "intervention",
        "ending",
    ]
    emma.goto("/programmes/exit/")
    assert "Ali Nielsen" in emma.locator('[data-testid="phase-ending"]').inner_text()
    assert "Ali Nielsen" not in emma.locator("#waiting-heading + p, [data-testid='waiting']").first.inner_text()
    emma.check()
