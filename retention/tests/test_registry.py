"""Every model of a case with a field of words is named by the anonymiser's registry, field by field."""

from django.apps import apps
from django.db import models

from retention.registry import BY_LABEL, OUTSIDE, PERSON_RULES, PersonRule, Rule

#: Apps of the framework and libraries: no case data.
FRAMEWORK = {"admin", "auth", "contenttypes", "sessions", "axes", "messages", "staticfiles"}
OWNERS = {"cases.case", "cases.person"}


def reaches_a_case(model: type[models.Model], depth: int = 3) -> bool:
    """Whether the model points, through its own foreign keys, at a case or a person."""
    for field in model._meta.concrete_fields:
        if not (field.is_relation and (field.many_to_one or field.one_to_one)):
            continue
        related = field.related_model
        if not isinstance(related, type):
            continue
        target = related._meta.label_lower
        if target in OWNERS:
            return True
        through = depth and target not in {"accounts.user", "accounts.agency"} and related is not model
        if through and reaches_a_case(related, depth - 1):
            return True
    return False


def words(model: type[models.Model]) -> list[str]:
    """The fields that can hold words: texts, free character fields (not a fixed list), JSON."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if not field.is_relation
        and not field.primary_key
        and (
            isinstance(field, models.TextField | models.JSONField)
            or (isinstance(field, models.CharField) and not field.choices)
        )
    ]


def case_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in FRAMEWORK and (model._meta.label_lower in OWNERS or reaches_a_case(model))
    ]


def test_the_walk_finds_the_models_of_a_case():
    found = {model._meta.label_lower for model in case_models()}
    assert {"threads.message", "meetings.decision", "plans.deliverynote", "release.readinessitem"} <= found
    assert "directory.service" not in found and "programmes.programme" not in found


def test_every_model_of_a_case_is_in_the_registry():
    missing = [
        model._meta.label_lower
        for model in case_models()
        if model._meta.label_lower not in BY_LABEL | PERSON_RULES | OUTSIDE
        and model._meta.label_lower != "accounts.user"
    ]
    assert not missing, f"Say in retention/registry.py what anonymisation does with: {missing}"


def test_every_field_of_words_is_scrubbed_or_kept_with_a_reason():
    unnamed = []
    for model in case_models():
        label = model._meta.label_lower
        if label in OUTSIDE:
            continue
        rule = BY_LABEL.get(label) or PERSON_RULES[label]
        named = (
            set(rule.fields) | set(rule.kept) | set(getattr(rule, "emptied", ())) | set(getattr(rule, "json_keys", {}))
        )
        unnamed += [f"{label}.{name}" for name in words(model) if name not in named]
    assert not unnamed, f"Scrub or keep, with a reason, in retention/registry.py: {unnamed}"


def test_the_registry_names_only_fields_that_exist():
    rules: dict[str, Rule | PersonRule] = {**BY_LABEL, **PERSON_RULES}
    for label, rule in rules.items():
        names = {field.name for field in apps.get_model(label)._meta.concrete_fields}
        listed = (
            set(rule.fields) | set(rule.kept) | set(getattr(rule, "emptied", ())) | set(getattr(rule, "json_keys", {}))
        )
        assert listed <= names, (label, listed - names)
