"""Form rendering: Designsystemet markup for each kind of field, escaped, through Django's Jinja2 renderer."""

from unittest import mock

import jinja2
import pytest
from django import forms
from django.utils.safestring import mark_safe

from core.forms import DESIGNSYSTEMET_RENDERER, DateInput, DsForm


class ExampleForm(DsForm):
    name = forms.CharField(label="Name")


def test_fields_render_with_designsystemet_markup():
    html = str(ExampleForm())
    assert 'class="ds-field"' in html
    assert 'class="ds-input"' in html
    assert '<label class="ds-label" for="id_name">Name</label>' in html


def test_forms_render_through_djangos_jinja2_widget_templates():
    assert isinstance(DESIGNSYSTEMET_RENDERER.engine.env, jinja2.Environment)
    assert ExampleForm().renderer is DESIGNSYSTEMET_RENDERER
    assert DESIGNSYSTEMET_RENDERER.get_template("django/forms/widgets/input.html") is not None


def test_form_templates_are_compiled_once_across_forms():
    str(ExampleForm())  # warm the template cache
    with mock.patch.object(jinja2.Environment, "compile", wraps=jinja2.Environment.compile, autospec=True) as compile:
        for _ in range(5):
            str(ExampleForm())
    assert compile.call_count == 0


class EveryKindOfField(DsForm):
    text = forms.CharField(label='Name <b>"&"</b>', help_text=mark_safe("Help <i>safe</i>"))
    words = forms.CharField(label="Words", widget=forms.Textarea, required=False, help_text="Plain & help")
    pick = forms.ChoiceField(label="Pick", choices=[("a", "A & <b>"), ("b", "B")])
    tick = forms.BooleanField(label="Tick & go", required=False, help_text="Why")
    many = forms.MultipleChoiceField(
        label="Many", choices=[("x", "X & <y>"), ("z", "Z")], widget=forms.CheckboxSelectMultiple, help_text="Some"
    )
    one = forms.ChoiceField(label="One", choices=[("1", "Én"), ("2", "To")], widget=forms.RadioSelect)
    day = forms.DateField(label="Day", widget=DateInput)
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something <wrong> & more")


def test_each_kind_of_field_gets_its_group_and_everything_is_escaped():
    html = str(EveryKindOfField())
    assert '<label class="ds-label" for="id_text">Name &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;</label>' in html
    assert '<div data-field="description" id="id_text_helptext">Help <i>safe</i></div>' in html  # marked safe
    assert '<div data-field="description" id="id_words_helptext">Plain &amp; help</div>' in html
    assert '<label class="checkbox-row"><input type="checkbox" name="tick" class="ds-input"' in html
    assert '<span class="ds-label" data-weight="regular">Tick &amp; go</span>' in html
    assert '<fieldset class="ds-fieldset">\n  <legend class="ds-label">Many</legend>' in html
    assert "X &amp; &lt;y&gt;</label></li>" in html and 'type="radio" name="one" value="1"' in html
    assert '<option value="a">A &amp; &lt;b&gt;</option>' in html
    assert 'type="date" name="day"' in html and 'type="hidden" name="hidden"' in html
    assert "ds-validation-message" not in html and "aria-invalid" not in html


@pytest.mark.parametrize("data", [{}, {"text": "x", "pick": "nope", "many": ["q"], "one": "3", "day": "no"}])
def test_errors_stand_next_to_their_fields_and_the_form(data):
    form = EveryKindOfField(data)
    assert not form.is_valid()
    html = str(form)
    assert (
        '<div class="ds-alert" data-color="danger" role="alert"><p>Something &lt;wrong&gt; &amp; more</p></div>' in html
    )
    assert 'id="id_pick_error"' in html and 'id="id_one_error"' in html and 'id="id_day_error"' in html
    assert '<fieldset class="ds-fieldset" aria-invalid="true">' in html
    assert 'aria-invalid="true"' in html.split('name="pick"')[1].split(">")[0]
