"""The three-month follow-up in a real browser (issue 22, point 3): the lead of a case released three
months ago writes down the person's situation; the page passes axe (WCAG 2.1 A/AA) and fits 360 px
(``core.tests.live``).

The lead is Karl, in Copenhagen: the release leaves a handover gap on the lead's "What is due", which
the browser test of Kari's "What is due" (timetable) does not expect at the top of hers.

The case is opened and released through the services on a clock moved 100 days back (time-machine in
the setup's process only), so the live server, on today's clock, finds the release 100 days behind.
"""

import pytest

from core.tests.live import login

pytestmark = pytest.mark.browser

SETUP = """
import datetime
import time_machine
from django.utils import timezone
from accounts.models import User
from cases.models import LegalStatus
from cases.services import IntakeData, case_open
from handover.models import TransitionKind
from handover.services import transition_complete, transition_plan
karl = User.objects.get(username="karl.kontakt")
then = timezone.now() - datetime.timedelta(days=100)
with time_machine.travel(then, tick=False):
    day = timezone.localdate()
    started = day - datetime.timedelta(days=200)
    data = IntakeData(first_name="Signe", last_name="Holm", birth_date=datetime.date(1996, 4, 5),
        home_municipality="København", legal_status=LegalStatus.SENTENCED, intake_date=started, sentence_start=started,
        sentence_days=200)
    case = case_open(actor=karl, data=data)
    release = transition_plan(actor=karl, case=case, kind=TransitionKind.RELEASE, planned_date=day)
    transition_complete(actor=karl, transition=release, on=day)
print(case.code, timezone.localdate().isoformat())
"""


def test_the_lead_records_the_situation_three_months_after_release(live_site, new_page):
    code, today = live_site.manage("shell", "-c", SETUP).split()[-2:]
    karl = new_page()
    login(karl, "karl.kontakt")
    karl.goto(f"/cases/{code}/")
    karl.get_by_role("link", name="After release").click()
    form = karl.locator('[data-testid="follow-up-form"]')
    form.wait_for()
    assert karl.locator('[data-testid="follow-up-due"]').count() == 1
    karl.check()
    form.get_by_label("In education", exact=True).check()
    form.get_by_label("Found out on").fill(today)
    form.get_by_role("button", name="Save the situation").click()
    karl.get_by_text("The situation three months after release is recorded.").wait_for()
    recorded = karl.locator('[data-testid="follow-up"]')
    assert recorded.get_attribute("data-situation") == "education"
    assert "In education" in recorded.inner_text()
    assert karl.get_by_role("button", name="Correct the situation").count() == 1
    karl.check()
