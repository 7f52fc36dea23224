"""Form helpers: Designsystemet markup for every field, and service errors onto fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class DesignsystemetRenderer(DjangoTemplates):
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

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names, or on the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
