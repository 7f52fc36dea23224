"""Issue 25 in a real browser: Kari registers Ida, who waits to serve, writes and sends the summons
(the PDF), Ida ticks off "Tell NAV" on her page, the group starts from Bergen's IP group, and on the
start day (the app's clock moved there) the case is in intake with all of it carried over."""

import datetime
import json
import subprocess
import sys

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.tests.live import BASE_DIR, LIVE_PASSWORD, login, on_this_clock

pytestmark = pytest.mark.browser

START_IN = 20

LINK_AND_IP = """
from accounts.models import User
from cases.models import Case
from summons.models import ExistingGroup, ExistingKind
case = Case.objects.get(person__first_name="Ida", person__last_name="Vente")
ida = User(username="ida.vente", first_name="Ida", last_name="Vente", role="person")
ida.set_password(PASSWORD)
ida.save()
case.person.user = ida
case.person.save()
mona, nils = User.objects.get(username="mona.kommune"), User.objects.get(username="nils.nav")
ip = ExistingGroup.objects.create(person=case.person, municipality="Bergen", kind=ExistingKind.INDIVIDUAL_PLAN,
                                  coordinator=mona, recorded_by=mona)
ip.members.set([mona, nils])
print(json.dumps({"code": case.code}))
"""

ON_THE_START_DAY = """
from django.utils import timezone
from cases.models import Case, Membership
from summons.models import PreparationItem
case = Case.objects.get(person__first_name="Ida", person__last_name="Vente")
print(json.dumps({
    "today": timezone.localdate().isoformat(),
    "stage": case.stage_on(timezone.localdate()),
    "days_before_start": case.summons.days_before_start,
    "nav_done": PreparationItem.objects.get(summons__case=case, topic="nav").done_at is not None,
    "invited": sorted(Membership.objects.filter(case=case, ended_at__isnull=True)
                      .exclude(pk=case.lead_id).values_list("user__username", flat=True)),
}))
"""


def shell(live_site, code: str, today: datetime.date | None = None) -> dict:
    env = on_this_clock(live_site.env)
    if today is not None:  # the app's own clock, moved to that day (core.clock)
        env = {key: value for key, value in env.items() if not key.startswith("OVERGANG_TODAY")}
        env["OVERGANG_TODAY"] = f"{today.isoformat()}T10:00"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import json\n" + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_kari_summons_ida_ida_ticks_nav_the_group_starts_from_the_ip_and_intake_carries_it_over(live_site, new_page):
    start = timezone.localdate() + datetime.timedelta(days=START_IN)
    kari = new_page()
    login(kari, "kari.kontakt")
    kari.goto("/summons/new/")
    for name, value in {
        "first_name": "Ida",
        "last_name": "Vente",
        "birth_date": "2003-02-01",
        "home_municipality": "Bergen",
        "intake_date": start.isoformat(),
        "sentence_months": "4",
    }.items():
        kari.locator(f"[name={name}]").fill(value)
    kari.get_by_role("button", name="Register").click()
    expect(kari.get_by_role("heading", name="Write the summons")).to_be_visible()

    kari.locator("[name=meet_at]").fill(f"{start.isoformat()}T09:00")
    kari.locator("[name=address]").fill("Kong Oscars gate 8, 5017 Bergen")
    kari.locator("[name=contact_phone]").fill("55 00 00 00")
    kari.get_by_role("button", name="Save the summons").click()
    expect(kari.locator("#summons-status")).to_contain_text("Not sent yet.")
    pdf = kari.request.get(kari.get_by_role("link", name="The letter as PDF").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    kari.get_by_role("button", name="Record as sent").click()
    expect(kari.locator("#summons-status")).to_contain_text(f"{START_IN} days before the start")

    code = shell(live_site, f"PASSWORD = {LIVE_PASSWORD!r}\n" + LINK_AND_IP)["code"]
    ida = new_page()
    login(ida, "ida.vente")
    ida.goto(f"/cases/{code}/")
    ida.get_by_role("link", name="Your summons, and what you can get ready").click()
    expect(ida.get_by_role("heading", name="You are called in to serve your sentence")).to_be_visible()
    nav = ida.locator("[data-topic=nav]")
    nav.get_by_role("button", name="Done").click()
    expect(ida.locator("[data-topic=nav]")).to_have_attribute("data-done", "yes")

    kari.reload()
    expect(kari.locator(".summons-progress [data-topic=nav]")).to_contain_text("done")
    kari.locator(".existing-group").get_by_role("button", name="Start the group from it").click()
    expect(kari.locator(".existing-group")).to_contain_text("The group is started from this one.")

    on_start = shell(live_site, ON_THE_START_DAY, today=start)
    assert on_start == {
        "today": start.isoformat(),
        "stage": "understand_needs",
        "days_before_start": START_IN,
        "nav_done": True,
        "invited": ["mona.kommune", "nils.nav"],
    }
