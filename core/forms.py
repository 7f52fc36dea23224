"""Form helpers: Designsystemet markup for every field, and service errors onto fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.forms.renderers import Jinja2


def asked_form(request) -> str | None:
    """The name of the form a GET asks to have built (``?form=NAME``, from core/_form_on_demand.html).

    Forms with choice lists are built only when asked for; a POST that fails passes its own
    bound form instead, so only a GET asks.
    """
    return request.GET.get("form") if request.method == "GET" else None


class DesignsystemetRenderer(Jinja2):
    """Django's Jinja2 form renderer, each field as a Designsystemet field group (core/jinja2/core/forms/)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


# One shared instance: a renderer owns its template engine, so a renderer per form would
# parse the form templates again on every request.
DESIGNSYSTEMET_RENDERER = DesignsystemetRenderer()


class DsForm(forms.Form):
    """A form whose widgets carry Designsystemet's classes."""

    default_renderer = DESIGNSYSTEMET_RENDERER

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "ds-input")
                continue
            widget.attrs.setdefault("class", "ds-input")

    def model_choice_field(self, name: str) -> forms.ModelChoiceField[Any]:
        """The field of this name, which the form declares as a model choice (or multiple choice) field."""
        field = self.fields[name]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError(f"{name} is not a model choice field")
        return field

    def choice_field(self, name: str) -> forms.ChoiceField:
        """The field of this name, which the form declares as a choice field."""
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(f"{name} is not a choice field")
        return field

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names, or on the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


def id_out_of_range(queryset, value, to_field_name: str | None = None) -> bool:
    """Whether a submitted id lies outside the database's range for the queryset's key column.

    SQLite raises OverflowError (a 500) for an integer beyond 64 bits, where PostgreSQL
    finds no row; checked first, both give the field's own error.
    """
    meta = queryset.model._meta
    field = meta.get_field(to_field_name) if to_field_name else meta.pk
    operations = connections[queryset.db].ops
    if field.get_internal_type() not in operations.integer_field_ranges:
        return False
    try:
        number = int(str(value))
    except ValueError:
        return False  # not a number: the field's own check refuses it
    low, high = operations.integer_field_range(field.get_internal_type())
    return (low is not None and number < low) or (high is not None and number > high)


class InRangeModelChoiceField(forms.ModelChoiceField):
    """A choice of one row by id; an id out of the database's range is an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and id_out_of_range(self.queryset, value, self.to_field_name):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class InRangeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by id; an id out of the database's range is an invalid choice."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            for item in value:
                if id_out_of_range(self.queryset, item, self.to_field_name):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super().clean(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
