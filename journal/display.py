"""Turn journal values (ids, choice keys, booleans) into words a reader understands."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from journal.models import JournalEntry
from journal.services import REDACTED

# A need is named by number only: its words may be private, and the change log is read
# by people who may not see every need (a measure's entry lists the needs it answers).
NEUTRAL_MODELS = {"needs.need"}


#: Models that moved to another app. The journal is append-only, so entries written before
#: the move keep the old label (meetings 0004 moved the meeting from the cases app).
MOVED_MODELS = {"cases.meeting": "meetings.meeting"}


def _model_for(entry: JournalEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(MOVED_MODELS.get(entry.object_type, entry.object_type))
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def describe_changes(
    entries: Iterable[JournalEntry], *, hidden: dict[str, set[str]] | None = None
) -> list[JournalEntry]:
    """Set ``entry.display`` to [(label, old, new)] in words, with one query per related model.

    ``hidden`` names, by model label, the ids of objects the reader may not see (from the
    access module, by the rule of the page that shows them); a reference to one is shown
    as hidden, never by its name or number.
    """
    entries = list(entries)
    hidden = hidden or {}
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    plans = []
    for entry in entries:
        model = _model_for(entry)
        rows = []
        for name, old, new in entry.changed_fields():
            field = _field(model, name)
            rows.append((name, field, old, new))
            if field is not None and field.is_relation and field.related_model is not None:
                for value in (old, new):
                    for pk in value if isinstance(value, list) else [value]:
                        if pk not in (None, "", REDACTED):
                            wanted[field.related_model].add(pk)
        plans.append((entry, rows))

    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        if related._meta.label_lower in NEUTRAL_MODELS:
            names[related] = {str(pk): _("need no. %(number)s") % {"number": pk} for pk in pks}
            continue
        secret = hidden.get(related._meta.label_lower, set())
        queryset = related._default_manager.filter(pk__in=[pk for pk in pks if str(pk) not in secret])
        if any(f.name == "user" and f.is_relation for f in related._meta.get_fields()):
            queryset = queryset.select_related("user")
        names[related] = {str(obj.pk): str(obj) for obj in queryset}

    def words(field: models.Field | None, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "–"
        if value == REDACTED:
            return _("(hidden)")
        if field is None:
            return str(value)
        if field.is_relation and field.related_model is not None:
            lookup = names.get(field.related_model, {})
            secret = hidden.get(field.related_model._meta.label_lower, set())
            values = value if isinstance(value, list) else [value]
            shown = [lookup.get(str(pk), f"#{pk}") for pk in values if str(pk) not in secret]
            if len(shown) < len(values):
                shown.append(_("(hidden)"))
            return ", ".join(shown)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)

    for entry, rows in plans:
        entry.display = [
            (
                str(field.verbose_name) if field is not None else name,
                words(field, old) if old is not None else None,
                words(field, new),
            )
            for name, field, old, new in rows
        ]
    return entries
