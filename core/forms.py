"""Form helpers: Designsystemet markup for every field, and service errors onto fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"


def _text(value) -> str:
    """``{{ value }}`` in an autoescaping template (django.template.base.render_value_in_context)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_as_string(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, with the newline that ends the file (it matters when included)."""
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] != None else ""  # noqa: E711 (as the template)
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html (radio and checkbox options)."""
    if not widget["wrap_label"]:
        return _input(widget)
    label_for = f' for="{_text(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(widget)} {_text(widget['label'])}</label>"


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html with its select_option.html; None for another option template."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != WIDGETS + "select_option.html":
                return None
            value = _as_string(option["value"])
            parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html"""
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


#: Django's own widget templates, written out in Python: rendering them through the template
#: engine was a sixth to a quarter of the CPU of the pages with forms (bench/notes.md). The
#: renderer's engine finds Django's templates before any app's, so these are the templates
#: it would render; core/tests/test_forms.py checks the output is the same, character for character.
FAST_WIDGETS = {
    **{
        f"{WIDGETS}{name}.html": _input
        for name in (
            "input",
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        )
    },
    WIDGETS + "checkbox_option.html": _input_option,
    WIDGETS + "radio_option.html": _input_option,
    WIDGETS + "select.html": _select,
    WIDGETS + "textarea.html": _textarea,
}


def _described(field) -> tuple[str, str]:
    """The help text and the errors of core/forms/field.html, or empty text where there are none."""
    help_text = (
        f'<div data-field="description" id="{_text(field.auto_id)}_helptext">{_text(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    errors = (
        f'<div class="ds-validation-message" data-field="validation" id="{_text(field.auto_id)}_error">'
        f"{' '.join(conditional_escape(error) for error in field.errors)}</div>"
        if field.errors
        else ""
    )
    return help_text, errors


def _field_group(field) -> str:
    """core/forms/field.html, written out (stripped, as the renderer strips it): label, widget, help, errors."""
    help_text, errors = _described(field)
    if field.widget_type == "checkbox":
        return (
            f'<div class="ds-field">\n  <label class="checkbox-row">{field} <span class="ds-label" '
            f'data-weight="regular">{_text(field.label)}</span></label>\n  {help_text}\n  {errors}\n</div>'
        )
    if field.widget_type in {"checkboxselectmultiple", "radioselect"}:
        invalid = ' aria-invalid="true"' if field.errors else ""
        choices = "".join(f"<li><label>{choice.tag()} {_text(choice.choice_label)}</label></li>" for choice in field)
        return (
            f'<fieldset class="ds-fieldset"{invalid}>\n  <legend class="ds-label">{_text(field.label)}</legend>\n'
            f'  {help_text}\n  <ul class="checkbox-list">{choices}</ul>\n  {errors}\n</fieldset>'
        )
    return (
        f'<div class="ds-field">\n  <label class="ds-label" for="{_text(field.id_for_label)}">{_text(field.label)}'
        f"</label>\n  {help_text}\n  {field}\n  {errors}\n</div>"
    )


def asked_form(request) -> str | None:
    """The name of the form a GET asks to have built (``?form=NAME``, from core/_form_on_demand.html).

    Forms with choice lists are built only when asked for; a POST that fails passes its own
    bound form instead, so only a GET asks.
    """
    return request.GET.get("form") if request.method == "GET" else None


class DesignsystemetRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def render(self, template_name, context, request=None):
        if template_name == self.field_template_name and context.keys() == {"field"}:
            return _field_group(context["field"])
        fast = FAST_WIDGETS.get(template_name)
        if fast is not None and context.keys() == {"widget"}:
            html = fast(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)


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
