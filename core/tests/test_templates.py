"""Every Jinja2 template escapes what people type, and none prints a forgotten call or a missing name.

Every free-text column of the case data is filled with hostile text, then every page is fetched
as every persona (with the hostile text in the query string too, which the pages echo), and a
few forms are sent with it so that bound forms are shown again. The hostile text must come back
escaped wherever it is shown, and every template in the project must have been rendered.
"""

from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.tests.test_url_walk import PERSONAS, TABLE, url_kwargs, walked_patterns
from accounts.models import User
from cases.models import Case
from core.views import server_error
from directory.models import Service
from needs.models import Need
from ownwords.services import meeting_request, need_words_write, wish_write
from plans.services import measure_propose, measure_service_set
from programmes.models import Enrolment
from summons.models import ExistingGroup

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
HOSTILE = f"X{SCRIPT}{ATTRIBUTE}{TEMPLATE}"
#: What the hostile text must never be seen as in a page.
RAW = [SCRIPT, "<img src=x onerror", '"><img']
#: What a page shows instead (markupsafe's escaping).
ESCAPED = "X&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;{{7*7}}"
#: What a template prints for a method it forgot to call, or an object it has no words for.
FORGOTTEN = ["bound method", "<function ", " object at 0x", "&lt;bound method", "&lt;function "]
CASE_APPS = {
    "accounts",
    "cases",
    "needs",
    "consent",
    "timetable",
    "plans",
    "meetings",
    "threads",
    "handover",
    "release",
    "programmes",
    "summons",
}
#: Text columns that are keys, secrets or identifiers, not words shown.
NOT_SHOWN = {"password", "username", "email", "national_id", "code", "token_hash", "municipality", "home_municipality"}
#: Forms sent with hostile text: shown again when refused, or stored and shown by the walk.
POSTED = ["threads:thread", "plans:propose", "needs:add", "needs:resource_add", "plans:note_add", "meetings:minutes"]
FIELDS = {
    name: HOSTILE
    for name in ["title", "own_words", "summary", "body", "text", "minutes", "description", "requires_of_person"]
}


def fill_every_text_column_with_hostile_text() -> int:
    """Overwrite every free-text column of the case data; returns how many columns."""
    from django.apps import apps

    filled = 0
    for model in apps.get_models():
        if model._meta.app_label not in CASE_APPS:
            continue
        columns = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and field.name not in NOT_SHOWN
            and (field.max_length is None or field.max_length >= len(HOSTILE) + 10)
        ]
        if columns:  # each row's own text, for the columns that must be unique
            text = Concat(Value(HOSTILE), Cast("pk", models.CharField()), output_field=models.TextField())
            model._default_manager.update(**dict.fromkeys(columns, text))
            filled += len(columns)
    return filled


def template_names() -> set[str]:
    """Every Jinja2 template of the project, by the name it is loaded with."""
    base = Path(settings.BASE_DIR)
    names = set()
    for directory in [base / "jinja2", *base.glob("*/jinja2")]:
        names |= {str(path.relative_to(directory)) for path in directory.rglob("*.html")}
    return names


def problems_in(label: str, response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    body = response.content.decode()
    return [f"{label}: {text!r} in the page" for text in RAW + FORGOTTEN if text in body]


def test_every_page_escapes_hostile_text_and_every_template_is_rendered(client, personas, case):
    hostile = measure_propose(  # a change-log entry that holds the hostile text too
        actor=personas.contact_officer,
        case=case,
        title=HOSTILE,
        needs=[Need.objects.filter(case=case, private=False)[0]],
        responsible_user=personas.contact_officer,
        start_date=timezone.localdate(),
        due_date=timezone.localdate(),
        requires_of_person=HOSTILE,
    )
    # The measure names a service, so the person's plan says where to go (issue 21).
    measure_service_set(
        actor=personas.contact_officer, measure=hostile, service=Service.objects.filter(status="active").first()
    )
    # The person's own words (issue 18, point 3), so the pages that show them render them.
    need_words_write(actor=personas.person, need=Need.objects.filter(case=case, private=False)[0], text=HOSTILE)
    wish_write(actor=personas.person, case=case, text=HOSTILE)
    meeting_request(actor=personas.person, case=case, text=HOSTILE, suits=HOSTILE[:100])
    assert fill_every_text_column_with_hostile_text() > 25
    users = dict(personas.items())
    rendered: set[str] = set()
    get_template = jinja2.Environment.get_template

    def recording(self, name, *args, **kwargs):
        rendered.add(name)
        return get_template(self, name, *args, **kwargs)

    found, shown, pages = [], 0, 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.Environment, "get_template", recording)
        for name, pattern in walked_patterns():
            url = reverse(name, kwargs=url_kwargs(pattern, case) if pattern else {})
            for persona, expected in zip(PERSONAS, TABLE[name].split(), strict=True):
                client.logout()
                if persona != "anonymous":
                    client.force_login(users[persona])
                if name in POSTED and persona == "contact_officer":
                    found += problems_in(f"POST {name}", client.post(url, FIELDS))
                if expected == "405":
                    continue
                for query in [{"q": HOSTILE, "next": HOSTILE}, {"form": name.split(":")[-1]}]:
                    response = client.get(url, query)
                    pages += 1
                    found += problems_in(f"GET {name} as {persona}", response)
                    shown += ESCAPED.encode() in response.content  # a PDF is bytes
        # The reentry coordinator's pages (issue 17, point 10): the unit, and a case opened with a reason.
        client.force_login(User.objects.get(username="tove.koordinator"))
        reason_url = reverse("cases:open_with_reason", kwargs={"code": case.code})
        for url in (reverse("cases:unit"), reason_url, reverse("obstacles:unit")):
            response = client.get(url, {"q": HOSTILE})
            pages += 1
            found += problems_in(f"GET {url} as the coordinator", response)
        # A programme's own view and one of its people (issue 20), as the Exit adviser.
        client.force_login(User.objects.get(username="emma.exit"))
        for enrolment in Enrolment.objects.filter(programme__slug="exit"):
            for url in (
                reverse("programmes:detail", args=["exit"]),
                reverse("programmes:enrolment", args=[enrolment.pk]),
            ):
                response = client.get(url, {"q": HOSTILE})
                pages += 1
                found += problems_in(f"GET {url} as the Exit adviser", response)
        client.force_login(User.objects.get(username="tove.koordinator"))
        client.post(reason_url, {"reason": "stand_in"})
        found += problems_in("the case opened with a reason", client.get(reverse("cases:overview", args=[case.code])))
        # Before the sentence starts (issue 25): the demo's Mats, his summons and his IP group.
        mats = Case.objects.get(person__user__username="mats")
        client.force_login(personas.contact_officer)
        for url in (reverse("summons:case", args=[mats.code]), reverse("summons:letter_pdf", args=[mats.code])):
            pages += 1
            found += problems_in(f"GET {url} as the contact officer", client.get(url))
        start = reverse("summons:group_start", args=[mats.code, ExistingGroup.objects.get(person=mats.person).pk])
        client.post(start)
        found += problems_in("the group started twice", client.post(start))
        client.force_login(mats.person.user)
        found += problems_in("the person's summons", client.get(reverse("summons:mine", args=[mats.code])))
        # The second factor's pages (issue 23), at the password step: giving a code, and setting up
        # the authenticator for a user who has none.
        TOTPDevice.objects.filter(user=personas.analyst).delete()
        for user, name in (
            (personas.contact_officer, "second_factor_verify"),
            (personas.analyst, "second_factor_enrol"),
        ):
            client.logout()
            client.force_login(user, second_factor=False)
            for response in (
                client.get(reverse(name), {"next": HOSTILE}),
                client.post(reverse(name), {"code": HOSTILE}),
            ):
                pages += 1
                found += problems_in(f"{name} as {user.username}", response)
        # The indicators (issue 22): a measurement while it is taken shows its progress.
        client.force_login(personas.analyst)
        today = timezone.localdate()
        taken = client.post(reverse("insight:take"), {"scope": "country:NO", "start": today, "end": today})
        pages += 1
        found += problems_in("a measurement being taken", client.get(taken["Location"], {"q": HOSTILE}))
        request = RequestFactory().get("/", {"q": HOSTILE})
        found += problems_in("500", server_error(request))
        body = render_to_string("registration/locked_out.html", request=request)
        found += [f"locked out: {text!r}" for text in RAW + FORGOTTEN if text in body]
        # The pages after a refused sign-in through an OpenID provider (accounts.views.oidc_callback).
        for template in ("registration/oidc_failed.html", "registration/oidc_unknown.html"):
            body = render_to_string(template, {"contact_email": HOSTILE, "for_person": True}, request=request)
            found += [f"{template}: {text!r}" for text in RAW + FORGOTTEN if text in body]
        form_on_demand = render_to_string(
            "core/_form_on_demand.html", {"form_name": HOSTILE, "target_id": HOSTILE, "label": HOSTILE}
        )
        assert ESCAPED in form_on_demand and SCRIPT not in form_on_demand
    assert found == [], "\n".join(found)
    assert pages > 300 and shown > 100, (pages, shown)  # the hostile text was there to escape
    assert template_names() - rendered == set(), "templates no page rendered"


@pytest.mark.parametrize("language", ["nb", "da", "en"])
def test_translated_text_with_hostile_values_is_escaped_in_every_language(client, personas, case, language):
    """``{% trans %}`` fills its placeholders escaped, in each catalogue."""
    case.person.first_name = HOSTILE
    case.person.save(update_fields=["first_name"])
    client.force_login(personas.person)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    body = client.get(reverse("cases:overview", kwargs={"code": case.code})).content.decode()
    greeting = {"nb": "Hei, ", "da": "Hej ", "en": "Hi, "}[language]
    assert f"{greeting}{ESCAPED}" in body
    assert SCRIPT not in body
