"""The three-month follow-up in a real browser (issue 22, point 3): the lead of a case released three
months ago writes down the person's situation; the page passes axe (WCAG 2.1 A/AA) and fits 360 px
(``core.tests.live``).

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
kari = User.objects.get(username="kari.kontakt")
then = timezone.now() - datetime.timedelta(days=100)
with time_machine.travel(then, tick=False):
    day = timezone.localdate()
    started = day - datetime.timedelta(days=200)
    data = IntakeData(first_name="Siri", last_name="Strand", birth_date=datetime.date(1996, 4, 5),
        home_municipality="Bergen", legal_status=LegalStatus.SENTENCED, intake_date=started, sentence_start=started,
        sentence_days=200)
    case = case_open(actor=kari, data=data)
    release = transition_plan(actor=kari, case=case, kind=TransitionKind.RELEASE, planned_date=day)
    transition_complete(actor=kari, transition=release, on=day)
print(case.code, timezone.localdate().isoformat())
"""


def test_the_lead_records_the_situation_three_months_after_release(live_site, new_page):
    code, today = live_site.manage("shell", "-c", SETUP).split()[-2:]
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto(f"/cases/{code}/")
    kari.get_by_role("link", name="After release").click()
    form = kari.locator('[data-testid="follow-up-form"]')
    form.wait_for()
    assert kari.locator('[data-testid="follow-up-due"]').count() == 1
    kari.check()
    form.get_by_label("In education", exact=True).check()
    form.get_by_label("Found out on").fill(today)
    form.get_by_role("button", name="Save the situation").click()
    kari.get_by_text("The situation three months after release is recorded.").wait_for()
    recorded = kari.locator('[data-testid="follow-up"]')
    assert recorded.get_attribute("data-situation") == "education"
    assert "In education" in recorded.inner_text()
    assert kari.get_by_role("button", name="Correct the situation").count() == 1
    kari.check()
