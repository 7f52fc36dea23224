"""Turn journal entries into sentences and words a reader understands, in the reader's language.

Each entry gets ``sentence`` ("Nils Berg moved «Bank account and BankID» from proposed to
chosen.") and ``display``, its changed fields as (label, old, new) in words: names for ids,
labels for choice keys, yes/no, dates as the reader's language writes them. A field with no
name a reader knows (bookkeeping, structured data) is left out, never shown by its code name.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.actions import action_label
from journal.models import JournalEntry
from journal.services import REDACTED
from reference import names as reference_names

#: Models that moved to another app. The journal is append-only, so entries written before
#: the move keep the old label (meetings 0004 moved the meeting from the cases app).
MOVED_MODELS = {"cases.meeting": "meetings.meeting"}


#: What each action did, as a sentence; %(actor)s is who did it, %(object)s what it was done to.
SENTENCES = {
    "need.create": gettext_lazy("%(actor)s recorded a need: «%(object)s»."),
    "need.update": gettext_lazy("%(actor)s changed the need «%(object)s»."),
    "need.volunteers": gettext_lazy("%(actor)s changed whether volunteers see the need «%(object)s»."),
    "need.take_over": gettext_lazy("%(actor)s took over the need «%(object)s» from the earlier case."),
    "measure.propose": gettext_lazy("%(actor)s proposed the measure «%(object)s»."),
    "measure.update": gettext_lazy("%(actor)s changed the measure «%(object)s»."),
    "measure.take_over": gettext_lazy("%(actor)s took over the measure «%(object)s» from the earlier case."),
    "measure.note": gettext_lazy("%(actor)s wrote what was done on the measure «%(object)s»."),
    "measure.service": gettext_lazy("%(actor)s named the service that delivers the measure «%(object)s»."),
    "referral.send": gettext_lazy("%(actor)s sent a referral for the measure «%(object)s»."),
    "referral.accepted": gettext_lazy("%(actor)s accepted the referral for the measure «%(object)s»."),
    "referral.declined": gettext_lazy("%(actor)s declined the referral for the measure «%(object)s»."),
    "meeting.measure_reassigned": gettext_lazy("%(actor)s gave the measure «%(object)s» to someone else."),
    "meeting.measure_closed": gettext_lazy("%(actor)s closed the measure «%(object)s» at a handover review."),
    "meeting.need_review": gettext_lazy("%(actor)s went through a need at a handover review."),
    "plan.version": gettext_lazy("%(actor)s saved a new version of the plan."),
    "meeting.book": gettext_lazy("%(actor)s booked a meeting."),
    "meeting.minutes": gettext_lazy("%(actor)s wrote the minutes of a meeting."),
    "meeting.decision": gettext_lazy("%(actor)s recorded a decision."),
    "meeting.attendance": gettext_lazy("%(actor)s recorded who came to a meeting."),
    "conversation.record": gettext_lazy("%(actor)s recorded a needs conversation."),
    "resource.create": gettext_lazy("%(actor)s recorded a strength."),
    "consent.give": gettext_lazy("%(actor)s recorded the consent."),
    "consent.replace": gettext_lazy("%(actor)s replaced the consent with a new one."),
    "consent.withdraw": gettext_lazy("%(actor)s recorded that the consent was withdrawn."),
    "membership.add": gettext_lazy("%(actor)s added a member to the group."),
    "membership.accept": gettext_lazy("%(actor)s accepted the invitation to the group."),
    "membership.decline": gettext_lazy("%(actor)s declined the invitation to the group."),
    "membership.end": gettext_lazy("%(actor)s ended a membership of the group."),
    "message.post": gettext_lazy("%(actor)s wrote in the group's thread."),
    "words.need": gettext_lazy("%(actor)s wrote their own words on a need."),
    "words.wish": gettext_lazy("%(actor)s wrote what they wish for."),
    "words.proposal": gettext_lazy("%(actor)s wrote what they think of a proposal."),
    "words.meeting": gettext_lazy("%(actor)s asked for a meeting."),
    "words.answered": gettext_lazy("%(actor)s marked a request for a meeting as answered."),
    "survey.answered": gettext_lazy("%(actor)s answered a few questions."),
    "survey.declined": gettext_lazy("%(actor)s said no thanks to a few questions."),
    "survey.staff_answered": gettext_lazy("%(actor)s answered the quarter's questions."),
    "survey.paper_entered": gettext_lazy("%(actor)s typed in a paper form of questions."),
}
#: A change of status, said as a move: "Nils Berg moved «Bank account» from proposed to chosen."
MOVED = gettext_lazy("%(actor)s moved «%(object)s» from %(old)s to %(new)s.")
#: Any other action: who, then what happened.
OTHER = gettext_lazy("%(actor)s: %(action)s.")

#: Names for fields that have no translatable name of their own.
FIELD_LABELS = {
    "conversation": gettext_lazy("needs conversation"),
    "person": gettext_lazy("person"),
    "withdrawn_by": gettext_lazy("withdrawn by"),
    "status": gettext_lazy("status"),
}


def _model_for(entry: JournalEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(MOVED_MODELS.get(entry.object_type, entry.object_type))
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # The journal records a model's own fields; a reverse relation has no value, label or choices there.
    return field if isinstance(field, models.Field) else None


def _label(field: models.Field | None, name: str) -> str | None:
    """The field's name for a reader, or None for a field a reader has no name for."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if field is None or isinstance(field, models.JSONField) or not isinstance(field.verbose_name, Promise):
        return None
    return str(field.verbose_name)


def day_in_words(value: datetime.date) -> str:
    return date_format(value, "j. F Y")


def moment_in_words(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j. F Y H:i")


def name_of(obj: models.Model) -> str:
    """An object's name; the objects whose own name carries a raw date are named here."""
    from handover.models import Transition
    from meetings.models import Meeting
    from needs.models import Need, NeedsConversation

    if isinstance(obj, Need):
        return obj.life_area.name
    if isinstance(obj, NeedsConversation):
        return f"{obj.get_part_display()}, {day_in_words(obj.held_on)}"
    if isinstance(obj, Meeting):
        return f"{obj.get_kind_display()}, {moment_in_words(obj.starts_at)}"
    if isinstance(obj, Transition):
        return f"{obj.get_kind_display()}, {day_in_words(obj.planned_date)}"
    return str(obj)


def _object_name(entry: JournalEntry, names: dict, model: type[models.Model] | None) -> str:
    """What the entry is about, named from its own values (a measure's title, a need's life area)."""
    values = {**(entry.old or {}), **(entry.new or {})}
    if entry.object_type == "plans.measure" and values.get("title"):
        return str(values["title"])
    for name in ("life_area", "measure"):
        field = _field(model, name)
        if field is not None and field.related_model is not None and values.get(name) not in (None, ""):
            found = names.get(field.related_model, {}).get(str(values[name]))
            if found:
                return found
    return ""


def references(entries: Iterable[JournalEntry]) -> dict[type[models.Model], set[Any]]:
    """The ids of the other objects the entries name, by model: in their changed fields and sentences.

    A caller that has (or can read together with something else) the names of some of them
    passes those to ``describe_changes`` as ``known``.
    """
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = _model_for(entry)
        for related, pks in _references(entry, model, _rows(entry, model)):
            wanted[related].update(pks)
    return wanted


def _rows(entry: JournalEntry, model: type[models.Model] | None) -> list[tuple[str, models.Field | None, Any, Any]]:
    """The entry's changed fields a reader has a name for, as (label, field, old, new)."""
    rows = []
    for name, old, new in entry.changed_fields():
        field = _field(model, name)
        label = _label(field, name)
        if label is not None:
            rows.append((label, field, old, new))
    return rows


def _references(
    entry: JournalEntry, model: type[models.Model] | None, rows: list[tuple[str, models.Field | None, Any, Any]]
) -> list[tuple[type[models.Model], list[Any]]]:
    found = []
    for _name, field, old, new in rows:
        if field is not None and field.is_relation and field.related_model is not None:
            pks = [pk for value in (old, new) for pk in (value if isinstance(value, list) else [value])]
            found.append((field.related_model, [pk for pk in pks if pk not in (None, "", REDACTED)]))
    # The objects a sentence is named by: a need's life area, a delivery note's measure.
    values = {**(entry.old or {}), **(entry.new or {})}
    for name in ("life_area", "measure"):
        field = _field(model, name)
        if field is not None and field.related_model is not None and values.get(name) not in (None, ""):
            found.append((field.related_model, [values[name]]))
    return found


def describe_changes(
    entries: Iterable[JournalEntry],
    *,
    hidden: dict[str, set[str]] | None = None,
    known: dict[str, dict[str, str]] | None = None,
    titles: dict[str, dict[str, str]] | None = None,
    kept_reference: bool = False,
) -> list[JournalEntry]:
    """Set ``entry.sentence`` and ``entry.display`` (label, old, new) in words, with one query per related model.

    ``hidden`` names, by model label, the ids of objects the reader may not see (from the
    access module, by the rule of the page that shows them); a reference to one is shown
    as hidden, never by its name or number. ``known`` gives, by model label, the names of
    the objects of that model the reader may see, as the caller has already read them (the
    agenda's needs and measures): those are not read again, and any other is hidden.
    ``titles`` names the entries' own objects, by model label, where the caller has a fuller
    name for them than the one references use (the agenda says a need's summary too).
    With ``kept_reference``, the reference data (tangles, knots, life areas, agencies) is named
    from what the worker keeps (``reference.names``), with no query most times: for a page whose
    number of queries must not depend on what its entries name (the meeting's agenda).
    """
    entries = list(entries)
    hidden = hidden or {}
    known = known or {}
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    plans = []
    for entry in entries:
        model = _model_for(entry)
        rows = _rows(entry, model)
        for related, ids in _references(entry, model, rows):
            wanted[related].update(ids)
        plans.append((entry, model, rows))

    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        label = related._meta.label_lower
        if label in known:
            names[related] = known[label]
            continue
        secret = hidden.get(label, set())
        shown = [pk for pk in pks if str(pk) not in secret]
        if kept_reference and reference_names.kept(related):
            kept = reference_names.by_id(related, {str(pk) for pk in shown})
            names[related] = {str(pk): name_of(kept[str(pk)]) for pk in shown if str(pk) in kept}
            continue
        queryset = related._default_manager.filter(pk__in=shown)
        related_fields = {f.name for f in related._meta.get_fields() if f.is_relation and f.many_to_one}
        queryset = queryset.select_related(*({"user", "life_area"} & related_fields))
        names[related] = {str(obj.pk): name_of(obj) for obj in queryset}

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
            found = [lookup.get(str(pk)) for pk in values if str(pk) not in secret]
            shown = [name for name in found if name is not None]
            if len(shown) < len(values):  # a name hidden or not found
                shown.append(_("(hidden)"))
            return ", ".join(shown)
        if field.choices:
            return str(dict(field.flatchoices).get(value, "–"))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(field, models.DateTimeField) and isinstance(value, str) and (moment := parse_datetime(value)):
            return moment_in_words(moment)
        if isinstance(field, models.DateField) and isinstance(value, str) and (day := parse_date(value)):
            return day_in_words(day)
        return str(value)

    for entry, model, rows in plans:
        entry.display = [
            (label, words(field, old) if old is not None else None, words(field, new))
            for label, field, old, new in rows
            if old is not None or new not in (None, "", [])
        ]
        name = (
            (titles or {}).get(entry.object_type, {}).get(entry.object_id)
            or known.get(entry.object_type, {}).get(entry.object_id)
            or _object_name(entry, names, model)
        )
        entry.sentence = sentence(entry, name, _field(model, "status"))
    return entries


def sentence(entry: JournalEntry, name: str, status: models.Field | None = None) -> str:
    """Say what the entry did, in the active language."""
    actor = entry.actor.display_name if entry.actor_id else _("Someone")
    name = name.rstrip(".")  # the sentence ends it
    old, new = (entry.old or {}).get("status"), (entry.new or {}).get("status")
    if status is not None and status.choices and old is not None and new is not None and old != new and name:
        labels = dict(status.flatchoices)
        return str(MOVED) % {
            "actor": actor,
            "object": name,
            "old": str(labels.get(old, "–")).lower(),
            "new": str(labels.get(new, "–")).lower(),
        }
    if entry.action in SENTENCES and (name or "%(object)s" not in str(SENTENCES[entry.action])):
        return str(SENTENCES[entry.action]) % {"actor": actor, "object": name}
    return str(OTHER) % {
        "actor": actor,
        "action": action_label(entry.action)[:1].lower() + action_label(entry.action)[1:],
    }


def say(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """Set ``entry.sentence`` from the entries' own values alone, with no query (the brief lists)."""
    entries = list(entries)
    for entry in entries:
        model = _model_for(entry)
        entry.sentence = sentence(entry, _object_name(entry, {}, model), _field(model, "status"))
    return entries
