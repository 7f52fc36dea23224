"""Reads of cases, groups and meetings, scoped by the viewer through the access module."""

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from access.policy import Ability, CaseAccess, cases_visible_to
from accounts.models import Role, User
from cases.models import Case, Meeting, Membership, lead_flag, membership_is_current, membership_is_open
from consent.models import Consent
from core.audience import Audience
from journal.display import describe_changes, say
from journal.models import AccessPurpose, JournalEntry
from journal.services import record_access
from release.selectors import sudden_release_flag


def caseload_for(user: User) -> list[Case]:
    """Return the user's caseload in one query, logging one access event per case listed."""
    lead = Membership.objects.filter(pk=OuterRef("lead_id"))
    mine = Membership.objects.filter(membership_is_current(), case=OuterRef("pk"), user_id=user.pk)
    upcoming = Meeting.objects.filter(case=OuterRef("pk"), starts_at__gte=timezone.now()).order_by("starts_at")
    cases = list(
        cases_visible_to(user)
        .select_related("person", "institution")
        .annotate(
            lead_name=Subquery(
                lead.annotate(name=Concat(F("user__first_name"), Value(" "), F("user__last_name"))).values("name")[:1]
            ),
            my_role=Subquery(mine.values("role")[:1]),
            consent_active=Exists(Consent.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True)),
            next_meeting=Subquery(upcoming.values("starts_at")[:1]),
            sudden_release=sudden_release_flag(),
        )
        .order_by("person__last_name", "person__first_name", "intake_date")
    )
    for case in cases:
        case.my_role_label = Role(case.my_role).label if case.my_role else ""
    if cases:
        record_access(
            viewer=user, case_ids=[case.pk for case in cases], purpose=AccessPurpose.CASELOAD, view="cases:caseload"
        )
    return cases


def current_members(case: Case) -> QuerySet[Membership]:
    """The current members, lead first, each marked whether an open transition brings them in."""
    from handover.models import OPEN_STATES, Transition

    return (
        Membership.objects.filter(membership_is_current(), case=case)
        .select_related("user", "agency")
        .annotate(
            is_lead=lead_flag(),
            is_incoming=Exists(Transition.objects.filter(incoming=OuterRef("pk"), state__in=OPEN_STATES)),
        )
        .order_by("-is_lead", "start_date", "id")
    )


def past_members(case: Case) -> QuerySet[Membership]:
    today = timezone.localdate()
    return (
        Membership.objects.filter(case=case)
        .exclude(membership_is_open(today))
        .select_related("user", "agency")
        .order_by("-end_date", "id")
    )


def next_meetings(case: Case) -> list[Meeting]:
    """The next three meetings (the overview)."""
    return list(Meeting.objects.filter(case=case, starts_at__gte=timezone.now()).order_by("starts_at")[:3])


def _covered(queryset: QuerySet[Consent]) -> QuerySet[Consent]:
    """The consents with the members each covers in ``covered``, with their users and agencies."""
    members = Membership.objects.select_related("user", "agency").order_by("pk")
    return queryset.prefetch_related(Prefetch("scope", queryset=members, to_attr="covered"))


def active_consent(case: Case) -> Consent | None:
    """The case's active consent (at most one, by a constraint), with the members it covers in ``covered``."""
    return _covered(Consent.objects.filter(case=case, withdrawn_at__isnull=True).select_related("explained_by")).first()


def consent_history(case: Case) -> list[Consent]:
    """The case's consents, latest first, each with the members it covers in ``covered``."""
    return list(
        _covered(
            Consent.objects.filter(case=case)
            .select_related("explained_by", "withdrawn_by", "recorded_by")
            .order_by("-recorded_at", "-id")
        )
    )


def latest_changes(access: CaseAccess, limit: int = 10, *, describe: bool = False) -> list[JournalEntry]:
    """Return the case's latest journal entries; only the case's prison staff see the change log.

    Entries are filtered by the same rule as the pages that show their objects
    (``CaseAccess.journal_filter``), and with ``describe`` each entry's old and new values are
    put in words, at one query per kind of related object, naming no need or measure the
    viewer may not see. Without ``describe`` each is said in a sentence from its own values, and
    the query count does not depend on the entries.
    """
    if not access.can(Ability.VIEW_JOURNAL):
        return []
    entries = list(journal_for_case(access).select_related("actor", "actor_agency").order_by("-at", "-id")[:limit])
    if not describe:
        return say(entries)
    return describe_changes(entries, hidden=None if _journal_hides_nothing(access) else _hidden_references(access))


def _journal_hides_nothing(access: CaseAccess) -> bool:
    return access.sees_every_need and access.readable_audiences == frozenset(Audience.values)


def _hidden_references(access: CaseAccess) -> dict[str, set[str]]:
    """The ids of the case's needs and measures this viewer may not see, by model label, as the journal stores them."""
    from needs.models import Need
    from plans.models import Measure

    visible_measures = Measure.objects.filter(case=access.case).filter(access.measures_filter).values("pk")
    return {
        "needs.need": {
            str(pk)
            for pk in Need.objects.filter(case=access.case).exclude(access.needs_filter).values_list("pk", flat=True)
        },
        "plans.measure": {
            str(pk)
            for pk in Measure.objects.filter(case=access.case)
            .exclude(pk__in=visible_measures)
            .values_list("pk", flat=True)
        },
    }


def journal_for_case(access: CaseAccess) -> QuerySet[JournalEntry]:
    """Return the case's journal without entries about objects this viewer may not see (``journal_filter``).

    A need's privacy as it is now governs its whole history: once private, its earlier
    values are hidden too; the same for a measure that answers a hidden need.
    """
    entries = JournalEntry.objects.filter(case=access.case)
    if _journal_hides_nothing(access):  # no query for the hidden ones
        return entries
    return entries.filter(access.journal_filter)


def pending_invitations(case: Case) -> QuerySet[Membership]:
    """Members invited to the group who have not accepted yet; they count for nothing."""
    today = timezone.localdate()
    return (
        Membership.objects.filter(membership_is_open(today), case=case, accepted_at__isnull=True)
        .select_related("user", "agency")
        .order_by("start_date", "id")
    )


def open_memberships(case: Case) -> QuerySet[Membership]:
    """Memberships that have not ended: current members and open invitations."""
    today = timezone.localdate()
    return Membership.objects.filter(membership_is_open(today), case=case)


def invitations_for(user: User) -> list[Membership]:
    """Return the user's open invitations, logging the read of each case they name."""
    invitations = list(
        Membership.objects.filter(membership_is_open(), user=user, accepted_at__isnull=True)
        .select_related("case", "case__person", "case__institution", "added_by")
        .order_by("start_date", "id")
    )
    if invitations:
        record_access(
            viewer=user,
            case_ids=[invitation.case_id for invitation in invitations],
            purpose=AccessPurpose.CASELOAD,
            view="cases:invitations",
        )
    return invitations
