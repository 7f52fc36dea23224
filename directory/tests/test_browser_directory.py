"""Issue 21 in a real browser: Kari searches "bolig" in Drammen, links FRI to a measure and refers the
person; Frida of FRI accepts from what is due; the person sees whom to meet and where.

The case, its housing need and the measure are set up through the services in the server's own
database; every page shown is checked by the harness (axe, a 360 px phone, the console).
"""

import json
import re

import pytest
from playwright.sync_api import expect

from core.tests.live import LIVE_PASSWORD, login

pytestmark = pytest.mark.browser

FRI = "FRI – fra fengsel til varig bolig"
SETUP = """
import datetime, json
from django.utils import timezone
from accounts.models import Role, User
from cases.services import IntakeData, case_open
from needs.services import conversation_record, need_create
from plans.services import measure_propose
from reference.models import LifeArea

kari = User.objects.get(username="kari.kontakt")
eva = User(username="eva.bolig", first_name="Eva", last_name="Boligsen", role=Role.PERSON)
eva.set_password(PASSWORD)
eva.save()
today = timezone.localdate()
start = today - datetime.timedelta(days=20)
case = case_open(actor=kari, person_user=eva, data=IntakeData(
    first_name="Eva", last_name="Boligsen", birth_date=datetime.date(2003, 1, 2), home_municipality="Drammen",
    legal_status="sentenced", intake_date=start, sentence_start=start,
    sentence_days=200, expected_release=today + datetime.timedelta(days=180)))
session = conversation_record(actor=kari, case=case, held_on=today - datetime.timedelta(days=10), completed=True)
need = need_create(actor=kari, case=case, life_area=LifeArea.objects.get(slug="housing"),
                   own_words="Jeg har ikke noe sted å bo.", conversation=session)
measure = measure_propose(actor=kari, case=case, title="Bolig etter løslatelsen", needs=[need], responsible_user=kari,
                          start_date=today, due_date=today + datetime.timedelta(days=60),
                          requires_of_person="Møte FRI før løslatelsen.")
print(json.dumps({"code": case.code, "measure": measure.pk}))
"""


def test_bolig_in_drammen_fri_linked_referred_accepted_and_the_person_sees_where_to_go(live_site, new_page):
    made = json.loads(live_site.manage("shell", "-c", f"PASSWORD = {LIVE_PASSWORD!r}\n" + SETUP).splitlines()[-1])
    code, measure = made["code"], made["measure"]

    kari = new_page()
    login(kari, "kari.kontakt")
    kari.get_by_role("link", name="Services").click()
    kari.get_by_label("Words").fill("bolig")
    kari.get_by_label("Municipality").select_option("Drammen")
    kari.get_by_role("button", name="Search").click()
    results = kari.locator("[data-testid=results]")
    expect(results.locator("[data-testid=service]", has_text=FRI)).to_have_count(1)
    expect(results.locator("[data-testid=service]", has_text="Boligtjenesten i Drammen kommune")).to_have_count(1)

    # From the measure: find the service (the person's home municipality first) and link it.
    kari.goto(f"/cases/{code}/plan/measures/{measure}/")
    kari.get_by_role("link", name="Find a service in the directory").click()
    kari.get_by_label("Words").fill("bolig")
    kari.get_by_role("button", name="Search").click()
    first = kari.locator("[data-testid=service]").first
    expect(first).to_contain_text("Serves Drammen")
    kari.get_by_role("button", name=f"Link “{FRI}” to the measure").click()
    service = kari.locator("[data-testid=measure-service]")
    expect(service).to_contain_text(FRI)

    # The referral, with what Eva agreed to share.
    service.get_by_label("What the person agreed to share with the service").fill("Eva trenger bolig i Drammen.")
    service.get_by_role("button", name="Send the referral").click()
    expect(kari.locator("[role=alert], .ds-alert").first).to_contain_text("The person has agreed", ignore_case=True)
    service = kari.locator("[data-testid=measure-service]")
    service.get_by_label("What the person agreed to share with the service").fill("Eva trenger bolig i Drammen.")
    service.get_by_label("The person has agreed to this referral").check()
    service.get_by_role("button", name="Send the referral").click()
    expect(kari.locator("[data-testid=referrals]")).to_contain_text("Waiting for an answer")

    # Frida (FRI) finds it on what is due and accepts: she joins the group and delivers the measure.
    frida = new_page()
    login(frida, "frida.fri")
    frida.goto("/due/")
    waiting = frida.locator("[data-testid=waiting-referrals]")
    waiting.get_by_role("link", name="Bolig etter løslatelsen").click()
    expect(frida.locator("main")).to_contain_text("Eva trenger bolig i Drammen.")
    frida.get_by_role("button", name="Accept the referral").click()
    expect(frida.locator("main")).to_contain_text("Frida Fri, Kirkens Bymisjon Drammen, FRI")

    # Eva reads whom to meet and where, in plain words.
    eva = new_page()
    login(eva, "eva.bolig")
    eva.goto(f"/cases/{code}/plan/")
    where = eva.locator("[data-testid=where-you-go]")
    expect(where).to_contain_text(f"You meet {FRI} (Kirkens Bymisjon Drammen).")
    expect(where).to_contain_text("Frida Fri will help you.")
    expect(where).to_contain_text(re.compile(r"Where: Drammen\."))
