"""Reads of measures and plan versions, limited to what the viewer may see."""

import datetime
from collections import OrderedDict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from access.policy import CaseAccess
from accounts.models import USER_NAME_FIELDS
from cases.models import Case, Membership, membership_is_current
from journal.models import JournalEntry
from needs.models import Need, NeedsConversation
from needs.selectors import needs_for_case
from plans.models import PLAN_STATUSES, Measure, MeasureStatus, PlanVersion
from timetable.engine import proposals_due


def needs_conversation_date(case: Case) -> datetime.date | None:
    """Return the day part 1 of the needs conversation was completed, if it was."""
    return (
        NeedsConversation.objects.filter(case=case, part=1, completed=True)
        .order_by("held_on", "id")
        .values_list("held_on", flat=True)
        .first()
    )


def proposals_deadline(case: Case) -> datetime.date | None:
    """Return the last day for proposals (``timetable.engine.proposals_due``), or None before the conversation."""
    return proposals_due(needs_conversation_date(case), case.country)


def visible_measures(access: CaseAccess) -> QuerySet[Measure]:
    """The case's measures this viewer sees (``CaseAccess.measures_filter``)."""
    return Measure.objects.filter(case=access.case).filter(access.measures_filter).distinct()


def measures_for_case(access: CaseAccess) -> QuerySet[Measure]:
    """Return the case's measures this viewer may see, with their visible needs and note counts."""
    return _with_details(visible_measures(access)).prefetch_related(
        # django-stubs takes the model's annotation of visible_needs (measure_list sets it too)
        # for a field the prefetch would shadow; it is a plain attribute, Django allows it.
        Prefetch("needs", queryset=needs_for_case(access), to_attr="visible_needs")  # type: ignore[no-redef]
    )


def _with_details(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return (
        measures.select_related("responsible_agency", "responsible_user", "proposed_by")
        .annotate(note_count=Count("notes", distinct=True))
        .order_by("due_date", "id")
    )


#: What the plan shows of a measure (plans/_plan_body.html, plans/_measure_row.html) and what decides
#: the viewer's moves on it (``CaseAccess.can_move_measure``, ``can_edit_measure``) and its service.
PLAN_FIELDS = (
    "title",
    "status",
    "status_reason",
    "start_date",
    "due_date",
    "requires_of_person",
    "service_id",
    "responsible_agency__name",
    *(f"{person}__{name}" for person in ("responsible_user", "proposed_by") for name in USER_NAME_FIELDS),
)


def measure_list(access: CaseAccess, needs: list[Need]) -> list[Measure]:
    """``list(measures_for_case(access))`` for a caller that has read ``needs_for_case(access)`` already.

    Each measure's ``visible_needs`` keeps the needs' order, as the prefetch does. Which
    needs each measure answers is one query whatever the plan holds, so a plan with no
    measure yet costs the same queries as a full one. Only ``PLAN_FIELDS`` are read: the
    whole measure with its agency and two whole users cost 1.1 ms of CPU, this 0.85.
    """
    measures = list(_with_details(visible_measures(access)).only(*PLAN_FIELDS))
    answers: dict[int, set[int]] = {measure.pk: set() for measure in measures}
    pairs = Measure.needs.through.objects.filter(measure__case=access.case).values_list("measure_id", "need_id")
    for measure_id, need_id in pairs:
        if measure_id in answers:  # the measures this viewer sees; the others' ids are left out
            answers[measure_id].add(need_id)
    for measure in measures:
        measure.visible_needs = [need for need in needs if need.pk in answers[measure.pk]]
    return measures


def measure_for_case(access: CaseAccess, measure_id: int) -> Measure:
    """Fetch one visible measure of the case, or 404."""
    return get_object_or_404(measures_for_case(access), pk=measure_id)


def plan_by_need(
    access: CaseAccess, measures: list[Measure], needs: list[Need] | None = None
) -> "OrderedDict[Need, list[Measure]]":
    """For each visible need, the chosen measures that answer it (empty list: no measure yet).

    ``needs`` are ``needs_for_case(access)`` when the caller has read them already.
    """
    needs = list(needs_for_case(access)) if needs is None else needs
    by_need: OrderedDict[Need, list[Measure]] = OrderedDict((need, []) for need in needs)
    index = {need.pk: need for need in by_need}
    for measure in measures:
        if measure.status not in PLAN_STATUSES:
            continue
        for need in measure.visible_needs:
            by_need[index[need.pk]].append(measure)
    return by_need


def responsible_candidates(case: Case) -> QuerySet[Membership]:
    """Current members who may be named responsible for a measure."""
    return (
        Membership.objects.filter(membership_is_current(), case=case)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name")
    )


def measure_history(access: CaseAccess, measure: Measure) -> QuerySet[JournalEntry]:
    """Return every change to one measure, for the log next to it (POP step 6.3)."""
    return (
        JournalEntry.objects.filter(case=access.case, object_type="plans.measure", object_id=str(measure.pk))
        .select_related("actor", "actor_agency")
        .order_by("-at", "-id")
    )


def plan_versions(access: CaseAccess) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(case=access.case).select_related("created_by").order_by("-number")


def compare_versions(access: CaseAccess, left: PlanVersion, right: PlanVersion) -> list[dict[str, Any]]:
    """Pair the measures of two plan versions side by side, limited to the measures the viewer may see.

    Each row: the measure id, its state in each version (or None), and whether it changed.
    """
    visible = set(Measure.objects.filter(case=access.case).filter(access.measures_filter).values_list("pk", flat=True))
    need_labels = {need.pk: need for need in needs_for_case(access)}

    def labelled(row: dict[str, Any]) -> dict[str, Any]:
        # A copy: the version's own rows stay as stored (a PlanVersion is never changed).
        return {
            **row,
            "need_labels": [str(need_labels[pk].life_area) for pk in row["needs"] if pk in need_labels],
            "status_label": MeasureStatus(row["status"]).label,
        }

    left_rows = {row["id"]: row for row in left.measures if row["id"] in visible}
    right_rows = {row["id"]: row for row in right.measures if row["id"] in visible}
    rows = []
    for measure_id in sorted(set(left_rows) | set(right_rows)):
        a, b = left_rows.get(measure_id), right_rows.get(measure_id)
        changed = sorted(key for key in (a or b or {}) if (a or {}).get(key) != (b or {}).get(key))
        rows.append(
            {
                "id": measure_id,
                "left": None if a is None else labelled(a),
                "right": None if b is None else labelled(b),
                "changed": changed,
            }
        )
    return rows
