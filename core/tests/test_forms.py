"""Form rendering: Designsystemet markup, and templates parsed once, not per form."""

import datetime
from unittest import mock

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.base import Parser
from django.utils.safestring import mark_safe

from core.forms import DESIGNSYSTEMET_RENDERER, FAST_WIDGETS, DateInput, DateTimeInput, DesignsystemetRenderer, DsForm


class ExampleForm(DsForm):
    name = forms.CharField(label="Name")


def test_fields_render_with_designsystemet_markup():
    html = str(ExampleForm())
    assert 'class="ds-field"' in html
    assert 'class="ds-input"' in html


def test_form_templates_are_parsed_once_across_forms():
    str(ExampleForm())  # warm the template cache
    with mock.patch.object(Parser, "parse", wraps=Parser.parse, autospec=True) as parse:
        for _ in range(5):
            str(ExampleForm())
    assert parse.call_count == 0


# The widgets written out in Python (core.forms.FAST_WIDGETS) give what Django's templates give.


class TemplatesOnly(DjangoTemplates):
    """The same renderer without the fast widgets: every widget through Django's templates."""

    form_template_name = DesignsystemetRenderer.form_template_name
    field_template_name = DesignsystemetRenderer.field_template_name


TEMPLATES_ONLY = TemplatesOnly()
AWKWARD = ['<b>"Tom & Jerry"</b>', mark_safe("<i>safe</i>"), "", None, 0, 42, 3.5, True, ("a", 1), "Blåbær ’quote’"]
CHOICES = [
    ("", "---------"),
    ("a", "A & <b>"),
    (1, 2),
    ("Group <1>", [("x", "X"), ("y", mark_safe("<em>Y</em>"))]),
    (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
]
ATTRS = [{}, {"class": "ds-input", "required": True, "disabled": False, "data-x": '"q"&', "id": "id_f"}]


def widgets():
    yield forms.TextInput(), AWKWARD
    yield forms.NumberInput(), [None, 0, 7, "8"]
    yield forms.EmailInput(), AWKWARD
    yield forms.URLInput(), AWKWARD
    yield forms.PasswordInput(render_value=True), AWKWARD
    yield forms.HiddenInput(), AWKWARD
    yield forms.CheckboxInput(), [None, True, False, "on", ""]
    yield DateInput(), [None, datetime.date(2026, 11, 23), "2026-11-23", "not a date"]
    yield DateTimeInput(), [None, datetime.datetime(2026, 11, 23, 9, 5, tzinfo=datetime.UTC)]
    yield forms.Textarea(), AWKWARD
    yield forms.Select(choices=CHOICES), [None, "", "a", 1, "x", "y", datetime.date(2026, 1, 2)]
    yield forms.SelectMultiple(choices=CHOICES), [None, [], ["a", "x"], [1, "y"]]
    yield forms.NullBooleanSelect(), [None, True, False, "unknown"]


@pytest.mark.parametrize("attrs", ATTRS)
def test_fast_widgets_render_exactly_what_the_templates_render(attrs):
    checked = set()
    for widget, values in widgets():
        for value in values:
            fast = widget.render("field", value, attrs=dict(attrs), renderer=DESIGNSYSTEMET_RENDERER)
            slow = widget.render("field", value, attrs=dict(attrs), renderer=TEMPLATES_ONLY)
            assert fast == slow, (type(widget).__name__, value)
        checked.add(widget.template_name)
    assert checked <= set(FAST_WIDGETS)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("widget_class", [forms.RadioSelect, forms.CheckboxSelectMultiple])
def test_fast_choice_options_render_exactly_what_the_templates_render(widget_class, attrs):
    field = forms.MultipleChoiceField if widget_class is forms.CheckboxSelectMultiple else forms.ChoiceField

    class ChoiceForm(forms.Form):
        pick = field(choices=CHOICES[1:4], widget=widget_class(attrs=dict(attrs)))

    for data in [None, {"pick": "a"}, {"pick": ["a", "x"]}]:
        fast = ChoiceForm(data, renderer=DESIGNSYSTEMET_RENDERER)
        slow = ChoiceForm(data, renderer=TEMPLATES_ONLY)
        for wrap_label in (False, True):
            assert [option.tag(wrap_label) for option in fast["pick"]] == [
                option.tag(wrap_label) for option in slow["pick"]
            ]
        assert str(fast["pick"]) == str(slow["pick"])


def test_a_whole_form_renders_the_same_with_and_without_the_fast_widgets():
    class WholeForm(DsForm):
        name = forms.CharField(label="Name <&>", help_text="Help & more", max_length=20)
        when = forms.DateField(widget=DateInput())
        note = forms.CharField(widget=forms.Textarea, required=False)
        kind = forms.ChoiceField(choices=CHOICES[1:4])
        agree = forms.BooleanField(required=False)
        many = forms.MultipleChoiceField(choices=CHOICES[1:3], widget=forms.CheckboxSelectMultiple)
        secret = forms.CharField(widget=forms.HiddenInput, initial='x"y')

    for data in [None, {"name": "<script>", "when": "bad", "kind": "zzz", "many": ["a"]}]:
        fast, slow = WholeForm(data), WholeForm(data, renderer=TEMPLATES_ONLY)
        assert str(fast) == str(slow)


class EveryKindOfField(DsForm):
    text = forms.CharField(label='Name <b>"&"</b>', help_text=mark_safe("Help <i>safe</i>"))
    words = forms.CharField(label="Words", widget=forms.Textarea, required=False, help_text="Plain & help")
    pick = forms.ChoiceField(label="Pick", choices=CHOICES)
    tick = forms.BooleanField(label="Tick & go", required=False, help_text="Why")
    many = forms.MultipleChoiceField(
        label="Many", choices=[("x", "X & <y>"), ("z", "Z")], widget=forms.CheckboxSelectMultiple, help_text="Some"
    )
    one = forms.ChoiceField(label="One", choices=[("1", "Én"), ("2", "To")], widget=forms.RadioSelect)
    day = forms.DateField(label="Day", widget=DateInput)
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something <wrong> & more")


@pytest.mark.parametrize("data", [None, {}, {"text": "x", "pick": "nope", "many": ["q"], "one": "3", "day": "no"}])
def test_the_field_group_written_out_renders_exactly_what_the_template_renders(data):
    form, by_templates = EveryKindOfField(data), EveryKindOfField(data, renderer=TEMPLATES_ONLY)
    if data is not None:
        assert not form.is_valid() and not by_templates.is_valid()
    fast, slow = str(form), str(by_templates)
    assert form.renderer is DESIGNSYSTEMET_RENDERER and by_templates.renderer is TEMPLATES_ONLY
    assert fast == slow
    assert "ds-validation-message" in fast if data is not None else 'class="ds-field"' in fast
