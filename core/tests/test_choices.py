"""Every model's choice labels read as Django's own get_FOO_display reads them, in every language."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

PROJECT_MODELS = [model for model in apps.get_models() if not model.__module__.startswith(("django.", "axes."))]
FIELDS_WITH_CHOICES = [
    (model, field) for model in PROJECT_MODELS for field in model._meta.concrete_fields if field.choices
]


@pytest.mark.parametrize(("model", "field"), FIELDS_WITH_CHOICES, ids=lambda item: getattr(item, "name", None))
def test_the_label_is_djangos_for_every_value_in_every_language(model, field):
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value in values:
                instance = model(**{field.attname: value})
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == models.Model._get_FIELD_display(instance, field)
                assert type(shown) is type(models.Model._get_FIELD_display(instance, field))


def test_a_label_is_translated_when_shown_not_when_first_looked_up():
    from cases.models import Case

    case = Case(stage=Case._meta.get_field("stage").flatchoices[0][0])
    with translation.override("en"):
        english = case.get_stage_display()
    with translation.override("nb"):
        norwegian = case.get_stage_display()
    assert english != norwegian
