"""The overlap rule (POP step 7; seed 002 ch. 4): no one lets go before another has taken hold.

Pure reads, used by the services that end memberships and move the lead, and by the
pages that explain why a button is not offered.

- An incoming member has **taken hold** when they have accepted the invitation and have
  attended (been recorded present at) a group meeting, a release meeting or a handover
  review that has started.
- While a transition is not cancelled, the members of the agency it moves away from
  (the outgoing members) cannot leave until every incoming member who accepted has taken
  hold, and at least one has.
- The lead can only pass to a current member who may lead: prison staff of the case's own
  institution, or an incoming member of a transition who has taken hold.
- A programme's staff (EX/IN, TOG, Exit; issue 20) follow the person across the wall: they
  are never outgoing members of a transition, even of their own agency's (a TOG
  consultant of Oslo prison works with the person before and after parole, seed 002
  ch. 3.3), so a transition neither waits for them nor counts them as letting go.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access.policy import is_case_staff
from accounts.models import Role
from cases.models import Membership
from handover.models import Transition, TransitionState
from meetings.models import Attendance, MeetingKind

#: Meetings in which an incoming member takes hold.
HOLD_MEETINGS = (MeetingKind.GROUP, MeetingKind.RELEASE, MeetingKind.HANDOVER_REVIEW)


def attended_hold_meeting() -> Exists:
    """Return the condition, on a Membership queryset, that the member attended a hold meeting."""
    return Exists(
        Attendance.objects.filter(
            membership=OuterRef("pk"),
            present=True,
            meeting__kind__in=HOLD_MEETINGS,
            meeting__starts_at__lte=timezone.now(),
        )
    )


def taken_hold_ids(memberships: list[Membership]) -> set[int]:
    """Return the ids of the given memberships that have taken hold, in one query."""
    ids = [membership.pk for membership in memberships if membership.accepted_at is not None]
    if not ids:
        return set()
    return set(
        Membership.objects.filter(pk__in=ids, accepted_at__isnull=False)
        .filter(attended_hold_meeting())
        .values_list("pk", flat=True)
    )


def has_taken_hold(membership: Membership) -> bool:
    return membership.pk in taken_hold_ids([membership])


def active_transitions(case_id: int):
    return Transition.objects.filter(case_id=case_id).exclude(state=TransitionState.CANCELLED)


def _names(memberships) -> str:
    return ", ".join(sorted(membership.user.display_name for membership in memberships))


def leave_blocked(membership: Membership) -> str | None:
    """Return why the member cannot leave the group now, or None if they can."""
    if membership.case.lead_id == membership.pk:
        return _("The lead cannot leave the group before the lead is handed over to someone who has taken hold.")
    if membership.role == Role.PROGRAMME_STAFF:
        return None  # staying across the wall, never an outgoing member
    for transition in active_transitions(membership.case_id).filter(from_agency_id=membership.agency_id):
        incoming = list(transition.incoming.select_related("user"))
        if membership.pk in {member.pk for member in incoming}:
            continue
        accepted = [member for member in incoming if member.accepted_at is not None]
        if not accepted:
            return _(
                "No one has taken hold for the transition “%(transition)s” yet. Invite the incoming actors; "
                "outgoing members can leave once they have accepted and attended a group meeting or a handover review."
            ) % {"transition": transition.get_kind_display()}
        holding = taken_hold_ids(accepted)
        waiting = [member for member in accepted if member.pk not in holding]
        if waiting:
            return _(
                "%(names)s must attend a group meeting or a handover review before outgoing members can leave."
            ) % {"names": _names(waiting)}
    return None


def lead_blocked(membership: Membership) -> str | None:
    """Return why this member cannot take over the lead now, or None if they can."""
    case = membership.case
    today = timezone.localdate()
    if membership.accepted_at is None or membership.start_date > today:
        return _("Only a member who has accepted and started can lead the group.")
    if membership.end_date is not None:
        return _("This membership has ended.")
    incoming_for = list(active_transitions(case.pk).filter(incoming=membership))
    if incoming_for:
        if not has_taken_hold(membership):
            return _("%(name)s must attend a group meeting or a handover review before taking over the lead.") % {
                "name": membership.user.display_name
            }
        return None
    if is_case_staff(membership, case):
        return None
    return _(
        "Only the prison staff of the case's institution, or an incoming actor of a transition who has taken hold, "
        "can lead the group."
    )


def incoming_status(transition: Transition) -> list[tuple[Membership, str]]:
    """Return each incoming member with their state: invited, accepted, taken hold or declined."""
    incoming = list(transition.incoming.select_related("user", "agency").order_by("start_date", "id"))
    holding = taken_hold_ids(incoming)
    rows = []
    for member in incoming:
        if member.pk in holding:
            state = "taken_hold"
        elif member.accepted_at is not None:
            state = "accepted"
        elif member.end_date is not None:
            state = "declined"
        else:
            state = "invited"
        rows.append((member, state))
    return rows


def open_transition(case_id: int) -> Transition | None:
    return (
        Transition.objects.filter(case_id=case_id, state__in=[TransitionState.PLANNED, TransitionState.OVERLAP])
        .select_related("from_agency", "to_agency")
        .first()
    )


def outgoing_members(transition: Transition) -> list[Membership]:
    """The current members of the agency the transition moves away from, other than incoming ones."""
    incoming = transition.incoming.values("pk")
    return list(
        Membership.objects.filter(case_id=transition.case_id, agency_id=transition.from_agency_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .exclude(pk__in=incoming)
        .exclude(role=Role.PROGRAMME_STAFF)
        .select_related("user", "agency")
    )
