"""An id out of the database's integer range is a field error (400), never a 500.

SQLite raises OverflowError for an integer beyond 64 bits; PostgreSQL answers "no such
row". Every form that takes a row's id checks the range first, so both give the same
field error.
"""

import importlib

import pytest
from django import forms
from django.urls import reverse

from accounts.models import User
from cases.models import Membership
from core.forms import DsForm
from needs.models import Need
from plans.models import Measure

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["-99999999999999999999", "99999999999999999999"]
FORM_MODULES = ["cases", "consent", "handover", "meetings", "needs", "plans", "release", "threads", "timetable"]


def project_forms() -> list[type[forms.Form]]:
    for app in FORM_MODULES:
        try:
            importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
    found, todo = [], [DsForm]
    while todo:
        form = todo.pop()
        found.append(form)
        todo.extend(form.__subclasses__())
    return [form for form in found if not form.__module__.startswith("core.")]


def test_every_row_choice_of_every_form_checks_the_id_range():
    from core.forms import InRangeModelChoiceField, InRangeModelMultipleChoiceField

    fields = [
        (form.__name__, name, field)
        for form in project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
    ]
    assert len(fields) >= 10
    unchecked = [
        f"{form}.{name}"
        for form, name, field in fields
        if not isinstance(field, InRangeModelChoiceField | InRangeModelMultipleChoiceField)
    ]
    assert unchecked == []


def form_cases(case):
    """(form, data field) for every form that takes a row's id, built as its view builds it."""
    from cases.forms import IntakeForm, MemberAddForm
    from consent.forms import ConsentForm
    from handover.forms import InviteForm, TransitionForm
    from meetings.forms import AttendanceForm, DecisionForm, DecisionNewMeasureForm
    from needs.forms import NeedForm, ResourceForm
    from plans.forms import MeasureEditForm, ProposalForm
    from timetable.forms import CaseRuleSetForm

    needs = Need.objects.filter(case=case)
    members = Membership.objects.filter(case=case)
    plan = {"needs": needs, "members": members}
    return [
        (lambda data: ProposalForm(data, **plan), "needs"),
        (lambda data: ProposalForm(data, **plan), "responsible_user"),
        (lambda data: MeasureEditForm(data, **plan), "needs"),
        (lambda data: DecisionNewMeasureForm(data, **plan), "needs"),
        (lambda data: ConsentForm(data, members=members), "scope"),
        (lambda data: ConsentForm(data, members=members), "explained_by"),
        (lambda data: AttendanceForm(data, members=list(members)), "membership"),
        (lambda data: DecisionForm(data, measures=Measure.objects.filter(case=case)), "measure"),
        (lambda data: NeedForm(data), "life_area"),
        (lambda data: NeedForm(data), "knot"),
        (lambda data: ResourceForm(data), "life_area"),
        (lambda data: IntakeForm(data, country="NO"), "acute_life_area"),
        (lambda data: MemberAddForm(data, case=case), "user"),
        (lambda data: TransitionForm(data, case=case), "to_agency"),
        (lambda data: InviteForm(data, case=case), "user"),
        (lambda data: CaseRuleSetForm(data, country="NO"), "rule_set"),
    ]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_every_form_gives_a_field_error_for_an_id_out_of_range(case, value):
    checked = 0
    for build, field in form_cases(case):
        several = isinstance(build(None).fields[field], forms.ModelMultipleChoiceField)
        form = build({field: [value] if several else value})
        assert not form.is_valid()
        assert field in form.errors, (type(form).__name__, field, form.errors)
        checked += 1
    assert checked == len(form_cases(case)) > 10


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_propose_with_a_need_out_of_range_is_a_400_with_the_field_error(client, personas, case, value):
    client.force_login(personas.contact_officer)
    response = client.post(reverse("plans:propose", kwargs={"code": case.code}), {"needs": [value], "title": "X"})
    assert response.status_code == 400
    assert "needs" in response.context["proposal_form"].errors


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_measure_edit_with_a_need_out_of_range_is_a_400_with_the_field_error(client, personas, case, value):
    measure = Measure.objects.filter(case=case, status="started")[0]
    client.force_login(personas.contact_officer)
    url = reverse("plans:measure_edit", kwargs={"code": case.code, "measure_id": measure.pk})
    response = client.post(url, {"needs": [value], "title": "X", "version": measure.version})
    assert response.status_code == 400
    assert "needs" in response.context["form"].errors


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_consent_give_with_a_scope_out_of_range_is_a_400_with_the_field_error(client, personas, case, value):
    client.force_login(personas.contact_officer)
    response = client.post(reverse("consent:give", kwargs={"code": case.code}), {"scope": [value]})
    assert response.status_code == 400
    assert "scope" in response.context["form"].errors


def test_an_id_in_range_is_still_accepted(case):
    from plans.forms import ProposalForm

    needs = Need.objects.filter(case=case, private=False)
    need = needs[0]
    form = ProposalForm({"needs": [str(need.pk)]}, needs=needs, members=Membership.objects.filter(case=case))
    form.is_valid()
    assert "needs" not in form.errors
    assert User.objects.exists()
