"""Turn journal values (ids, choice keys, booleans) into words a reader understands."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journal.models import JournalEntry
from journal.services import REDACTED

# A need is named by number only: its words may be private, and the change log is read
# by people who may not see every need (a measure's entry lists the needs it answers).
NEUTRAL_MODELS = {"needs.need"}


ACTION_LABELS = {
    "person.create": gettext_lazy("Person registered"),
    "case.open": gettext_lazy("Case registered"),
    "membership.add": gettext_lazy("Member added to the group"),
    "membership.end": gettext_lazy("Member left the group"),
    "meeting.book": gettext_lazy("Meeting booked"),
    "conversation.record": gettext_lazy("Needs conversation recorded"),
    "need.create": gettext_lazy("Need recorded"),
    "need.update": gettext_lazy("Need changed"),
    "resource.create": gettext_lazy("Strength recorded"),
    "need.volunteers": gettext_lazy("The person changed whether a need is shared with volunteers"),
    "volunteers.share": gettext_lazy("The person changed what volunteers see"),
    "consent.give": gettext_lazy("Consent recorded"),
    "consent.replace": gettext_lazy("Consent replaced"),
    "consent.withdraw": gettext_lazy("Consent withdrawn"),
    "membership.accept": gettext_lazy("Invitation to the group accepted"),
    "membership.decline": gettext_lazy("Invitation to the group declined"),
    "case.lead": gettext_lazy("Lead of the group handed over"),
    "case.stage": gettext_lazy("Stage changed"),
    "case.transition": gettext_lazy("Transfer or release recorded on the case"),
    "case.follow_up_phase": gettext_lazy("Follow-up after release changed"),
    "case.close": gettext_lazy("Case closed"),
    "transition.plan": gettext_lazy("Transition planned"),
    "transition.invite": gettext_lazy("Incoming actor invited"),
    "transition.overlap": gettext_lazy("Transition in overlap"),
    "transition.complete": gettext_lazy("Transition done"),
    "transition.cancel": gettext_lazy("Transition cancelled"),
    "readiness.create": gettext_lazy("Release checklist item created"),
    "readiness.update": gettext_lazy("Release checklist item changed"),
    "readiness.urgent": gettext_lazy("Release checklist item made urgent"),
    "release.sudden": gettext_lazy("Release at short notice recorded"),
    "carry_over.ask": gettext_lazy("Asked to carry over the earlier case"),
    "carry_over.person_answer": gettext_lazy("The person answered about carrying over the earlier case"),
    "carry_over.holder_answer": gettext_lazy("The earlier case's staff answered about carrying it over"),
    "carry_over.done": gettext_lazy("The earlier case carried over"),
    "need.take_over": gettext_lazy("Need taken over from the earlier case"),
    "measure.take_over": gettext_lazy("Measure taken over from the earlier case"),
    "measure.propose": gettext_lazy("Measure proposed"),
    "measure.update": gettext_lazy("Measure changed"),
    "measure.chosen": gettext_lazy("Measure chosen"),
    "measure.rejected": gettext_lazy("Measure rejected"),
    "measure.started": gettext_lazy("Measure started"),
    "measure.done": gettext_lazy("Measure done"),
    "measure.cancelled": gettext_lazy("Measure cancelled"),
    "measure.proposed": gettext_lazy("Measure proposed again"),
    "measure.note": gettext_lazy("Delivery note written"),
    "plan.version": gettext_lazy("New version of the plan"),
    "meeting.attendance": gettext_lazy("Attendance recorded"),
    "meeting.minutes": gettext_lazy("Minutes written"),
    "meeting.decision": gettext_lazy("Decision recorded"),
    "meeting.need_review": gettext_lazy("Need reviewed at a handover review"),
    "meeting.measure_reassigned": gettext_lazy("Measure re-assigned at a handover review"),
    "meeting.measure_closed": gettext_lazy("Measure closed at a handover review"),
    "message.post": gettext_lazy("Message in the group's thread"),
    "timetable.release_notice_recorded": gettext_lazy("Release notice recorded"),
    "timetable.rule_set_chosen": gettext_lazy("Deadline rules chosen for the case"),
    "timetable.institution_rule_set_chosen": gettext_lazy("Deadline rules chosen for the institution"),
    "timetable.calendar_feed_created": gettext_lazy("Calendar feed created"),
    "timetable.calendar_feed_revoked": gettext_lazy("Calendar feed revoked"),
    "admin.add": gettext_lazy("Added in the administration"),
    "admin.change": gettext_lazy("Changed in the administration"),
    "admin.delete": gettext_lazy("Deleted in the administration"),
    "account.password_link": gettext_lazy("Link to set a password sent"),
    "access.unit": gettext_lazy("A coordinator of the prison opened the case, with a reason"),
    "access.emergency": gettext_lazy("Emergency access to the case, with a reason"),
}


def action_label(action: str) -> str:
    """Return the action in words; actions without a label are shown as they are stored."""
    return str(ACTION_LABELS.get(action, action))


def _model_for(entry: JournalEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(entry.object_type)
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
