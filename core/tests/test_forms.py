"""Form rendering: Designsystemet markup, and templates parsed once, not per form."""

from unittest import mock

from django import forms
from django.template.base import Parser

from core.forms import DsForm


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
