"""The administrator manages accounts but cannot become anyone, and every admin action is journaled."""

import re

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from accounts.models import Agency, AgencyKind, Role, User
from journal.models import JournalEntry

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"


@pytest.fixture
def officer(personas):
    officer = personas.contact_officer
    officer.email = "kari@example.org"
    officer.set_password(PASSWORD)
    officer.save()
    return officer


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.admin)
    return client


def user_form(client, user: User, **changes) -> dict:
    """The admin change form of a user as the page shows it, with the given changes."""
    data = form_data(client.get(change_url(user)).context["adminform"].form)
    data.update(changes)
    return data


def form_data(form) -> dict:
    """A bound or unbound form's current values, as the browser would post them."""
    data = {}
    for bound in form:
        value = bound.value()
        if bound.field.disabled or value is None or value is False or value == "":
            continue
        if isinstance(bound.field.widget, forms.SplitDateTimeWidget):
            day, time = bound.field.widget.decompress(value)
            data[f"{bound.html_name}_0"], data[f"{bound.html_name}_1"] = day.isoformat(), time.isoformat()
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[bound.html_name] = "on" if value is True else str(value)
    return data


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_admin_cannot_set_another_users_password(admin_client, officer):
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(url, {"password1": "admin-chosen-pw-1234", "password2": "admin-chosen-pw-1234"})
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not officer.check_password("admin-chosen-pw-1234")


def test_a_new_user_has_no_password_until_they_set_one_from_the_link_sent_to_them(
    admin_client, client, django_capture_on_commit_callbacks
):
    prison = Agency.objects.filter(kind=AgencyKind.PRISON).first()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "ny.betjent",
                "email": "ny@example.org",
                "role": Role.CONTACT_OFFICER,
                "agency": prison.pk,
                # What the old form took; the new one has no such field.
                "password1": "admin-chosen-pw-1234",
                "password2": "admin-chosen-pw-1234",
                "usable_password": "true",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="ny.betjent")
    assert not user.has_usable_password()
    assert JournalEntry.objects.filter(action="admin.add", object_type="accounts.user", object_id=str(user.pk))
    [message] = mail.outbox
    assert message.to == ["ny@example.org"]
    link = re.search(r"https?://[^/\s]+(/password/\S+/)", message.body).group(1)
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "my-own-secret-pw-77", "new_password2": "my-own-secret-pw-77"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("my-own-secret-pw-77")
    assert "_auth_user_id" not in client.session  # setting a password does not sign in


def test_send_password_link_mails_the_user_and_is_journaled(admin_client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_password_link", "_selected_action": [officer.pk]},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [officer.email]
    assert JournalEntry.objects.filter(action="account.password_link", object_id=str(officer.pk)).count() == 1
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)  # the link changes nothing until the user uses it


def test_admin_cannot_give_themselves_a_case_role(admin_client, personas):
    me = personas.admin
    prison = Agency.objects.filter(kind=AgencyKind.PRISON).first()
    data = user_form(admin_client, me, role=Role.CONTACT_OFFICER, agency=prison.pk, first_name="Adaline")
    assert admin_client.post(change_url(me), data).status_code == 302
    me.refresh_from_db()
    assert me.first_name == "Adaline"  # the form was accepted ...
    assert me.role == Role.ADMIN and me.agency_id is None  # ... but not the role


def test_admin_cannot_redirect_an_officers_password_link_to_another_address(admin_client, officer):
    data = user_form(admin_client, officer, email="admin@example.org", first_name="Karianne")
    assert admin_client.post(change_url(officer), data).status_code == 302
    officer.refresh_from_db()
    assert officer.first_name == "Karianne"
    assert officer.email == "kari@example.org"


def test_admin_changes_another_users_role_and_agency_on_the_record(admin_client, personas):
    nav = personas.nav_with_consent
    prison = Agency.objects.filter(kind=AgencyKind.PRISON).first()
    old_agency = nav.agency_id
    data = user_form(admin_client, nav, role=Role.REENTRY_COORDINATOR, agency=prison.pk)
    response = admin_client.post(change_url(nav), data)
    assert response.status_code == 302
    entry = JournalEntry.objects.get(action="admin.change", object_type="accounts.user", object_id=str(nav.pk))
    assert entry.actor_id == personas.admin.pk
    assert entry.old == {"role": Role.NAV, "agency": old_agency}
    assert entry.new == {"role": Role.REENTRY_COORDINATOR, "agency": prison.pk}


def test_admin_add_change_and_delete_are_journaled(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_agency_add"), {"name": "Testkontor", "kind": AgencyKind.NAV, "country": "NO"}
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Testkontor")
    admin_client.post(
        reverse("admin:accounts_agency_change", args=[agency.pk]),
        {"name": "Testkontoret", "kind": AgencyKind.NAV, "country": "NO"},
    )
    admin_client.post(reverse("admin:accounts_agency_delete", args=[agency.pk]), {"post": "yes"})
    assert not Agency.objects.filter(pk=agency.pk).exists()
    entries = JournalEntry.objects.filter(object_type="accounts.agency", object_id=str(agency.pk)).order_by("pk")
    assert [(entry.action, entry.old, entry.new) for entry in entries] == [
        ("admin.add", None, entries[0].new),
        ("admin.change", {"name": "Testkontor"}, {"name": "Testkontoret"}),
        ("admin.delete", entries[2].old, None),
    ]
    assert entries[0].new["name"] == "Testkontor" and entries[2].old["name"] == "Testkontoret"


def test_every_model_in_the_admin_writes_the_journal():
    from accounts.admin import JournaledAdmin

    registered = [model for model in apps.get_models() if admin.site.is_registered(model)]
    assert len(registered) >= 8
    unjournaled = [
        model._meta.label for model in registered if not isinstance(admin.site.get_model_admin(model), JournaledAdmin)
    ]
    assert unjournaled == []


def page_data(client, url: str) -> dict:
    """Every field of an admin change page, the inline rows included, as the browser would post it."""
    response = client.get(url)
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for row in formset.forms:
            data.update(form_data(row))
    return data


def test_inline_rows_changed_in_the_admin_are_journaled(admin_client):
    from timetable.models import Rule, RuleSet

    rule_set = RuleSet.objects.filter(rules__isnull=False).distinct().first()
    url = reverse("admin:timetable_ruleset_change", args=[rule_set.pk])
    data = page_data(admin_client, url)
    first = Rule.objects.filter(rule_set=rule_set).order_by("position", "pk").first()
    prefix = next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(first.pk))
    data[f"{prefix}-citation"] = "Changed in the admin"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    entry = JournalEntry.objects.get(action="admin.change", object_type="timetable.rule", object_id=str(first.pk))
    assert entry.old == {"citation": first.citation} and entry.new == {"citation": "Changed in the admin"}
