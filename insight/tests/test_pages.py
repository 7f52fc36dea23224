"""The analyst's pages and the attacker's tests (issue 22): who reads which scope, taking, progress, the baseline."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, User
from insight.models import Baseline, Measurement
from insight.registry import Period, indicators
from insight.scopes import Scope
from insight.services import measurement_take
from insight.tests.world import PERIOD, build_world
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db


def bergen() -> Agency:
    return Agency.objects.get(name="Bergen fengsel")


def oslo() -> Agency:
    return Agency.objects.get(name="Oslo fengsel")


def index(client, scope: str):
    return client.get(reverse("insight:index"), {"scope": scope})


def test_the_analyst_reads_the_demo_baseline_and_every_indicator(client_for, personas):
    client = client_for(personas.analyst)
    response = index(client, "country:NO")
    assert response.status_code == 200
    page = response.content.decode()
    assert "nullpunktsmåling" in page.lower()  # the page speaks the default language, nb
    for indicator in indicators():
        assert f'data-indicator="{indicator.key}"' in page
    base = Baseline.objects.get(scope_kind="country", scope_key="NO").measurement
    assert client.get(reverse("insight:measurement", args=[base.pk])).status_code == 200


def test_the_analyst_takes_a_measurement_follows_its_progress_and_marks_it_the_baseline(client_for, personas):
    client = client_for(personas.analyst)
    today = timezone.localdate()
    response = client.post(
        reverse("insight:take"),
        {"scope": "region:no-vest", "start": today - datetime.timedelta(days=365), "end": today},
    )
    assert response.status_code == 302
    taken = Measurement.objects.get(scope_kind="region", scope_key="no-vest")
    assert not taken.done and taken.expected == len(indicators())
    page = client.get(response["Location"]).content.decode()
    assert 'hx-post="{}"'.format(reverse("insight:status", args=[taken.pk])) in page
    for _poll in range(len(indicators()) + 1):
        polled = client.post(reverse("insight:status", args=[taken.pk]), HTTP_HX_REQUEST="true")
        assert polled.status_code == 200
        if polled.get("HX-Refresh") == "true":
            break
    taken.refresh_from_db()
    assert taken.done and taken.values.count() == len(indicators())
    assert JournalEntry.objects.filter(
        action="insight.measure", object_id=str(taken.pk), actor=personas.analyst
    ).exists()
    marked = client.post(reverse("insight:baseline", args=[taken.pk]))
    assert marked.status_code == 302
    assert Baseline.objects.get(scope_kind="region", scope_key="no-vest").measurement == taken
    entry = JournalEntry.objects.get(action="insight.baseline", actor=personas.analyst, new__measurement=taken.pk)
    assert entry.old is None


def test_the_period_is_checked_and_no_input_gives_a_server_error(client_for, personas):
    client = client_for(personas.analyst)
    today = timezone.localdate()
    bad = [
        {"scope": "country:NO", "start": today, "end": today - datetime.timedelta(days=1)},
        {"scope": "country:NO", "start": today, "end": today + datetime.timedelta(days=1)},
        {"scope": "country:NO", "start": "1900-01-01", "end": today},
        {"scope": "country:NO", "start": "not a day", "end": ""},
    ]
    for data in bad:
        assert client.post(reverse("insight:take"), data).status_code == 400, data
    for scope in (
        "prison:abc",
        "unit:",
        "unit:1",
        "region:no-where",
        "country:FI",
        "nothing",
        "agency:99999999",
        "programme:none",
    ):
        assert index(client, scope).status_code == 404, scope
    assert not Measurement.objects.filter(scope_kind="country", state="running").exists()


def test_a_coordinator_reads_their_prison_and_country_and_nothing_else(client_for):
    tove = User.objects.get(username="tove.koordinator")
    client = client_for(tove)
    assert index(client, f"prison:{bergen().pk}").status_code == 200
    assert client.get(reverse("insight:index")).status_code == 200  # their prison by default
    assert index(client, "country:NO").status_code == 200
    for refused in (f"prison:{oslo().pk}", "country:DK", "region:no-vest", "programme:exit", f"agency:{bergen().pk}"):
        assert index(client, refused).status_code == 404, refused
    # Read, never take or mark.
    assert client.post(reverse("insight:take"), {"scope": f"prison:{bergen().pk}"}).status_code == 403
    base = Baseline.objects.get(scope_kind="country", scope_key="NO").measurement
    assert client.get(reverse("insight:measurement", args=[base.pk])).status_code == 200
    assert client.post(reverse("insight:baseline", args=[base.pk])).status_code == 403


def test_a_coordinator_cannot_open_another_prisons_measurement_by_its_id(client_for, personas):
    theirs = measurement_take(
        actor=personas.analyst, scope=Scope("prison", str(oslo().pk)), period=Period(PERIOD.start, PERIOD.end)
    )
    client = client_for(User.objects.get(username="tove.koordinator"))
    assert client.get(reverse("insight:measurement", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("insight:status", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("insight:measurement", args=[999999])).status_code == 404
    otto = client_for(User.objects.get(username="otto.koordinator"))
    assert otto.get(reverse("insight:measurement", args=[theirs.pk])).status_code == 200


def test_the_person_staff_and_a_volunteer_see_no_figure(client_for, personas):
    base = Baseline.objects.get(scope_kind="country", scope_key="NO").measurement
    for user in (
        personas.person,
        personas.volunteer,
        personas.contact_officer,
        personas.nav_with_consent,
        personas.admin,
    ):
        client = client_for(user)
        assert index(client, "country:NO").status_code == 403, user
        assert client.get(reverse("insight:measurement", args=[base.pk])).status_code == 403, user
        assert client.post(reverse("insight:baseline", args=[base.pk])).status_code == 403, user
    assert Baseline.objects.get(scope_kind="country", scope_key="NO").measurement == base


def test_a_removed_coordinator_sees_nothing(client_for):
    tove = User.objects.get(username="tove.koordinator")
    tove.is_active = False
    tove.save()
    client = client_for(None)
    client.force_login(tove)
    assert index(client, f"prison:{bergen().pk}").status_code in (302, 403, 404)


def test_small_counts_never_reach_the_page(client_for, personas):
    world = build_world()
    taken = measurement_take(actor=personas.analyst, scope=world.scope, period=PERIOD)
    page = client_for(personas.analyst).get(reverse("insight:measurement", args=[taken.pk])).content.decode()
    table = page.split('id="comparison"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, flags=re.S)
    assert len(cells) == 4 * len(indicators())
    assert any("færre enn 5" in cell for cell in cells)
    # No count from 1 to 4 in any cell; every share in the world is of fewer than 10 cases: none is shown.
    assert [cell for cell in cells if re.search(r"(?<![\d.,])[1-4](?![\d.,])", cell)] == []
    assert not any("%" in cell for cell in cells)
