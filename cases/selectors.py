"""Reads of cases, groups and meetings, scoped by the viewer through the access module."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from access.policy import Ability, CaseAccess, cases_visible_to, consent_is_active
from accounts.models import Role, User
from cases.identity import national_id_digest
from cases.models import Case, Membership, lead_flag, membership_is_current, membership_is_open
from core.audience import Audience
from handover.models import OPEN_STATES, Transition
from journal.display import describe_changes, say
from journal.models import AccessPurpose, JournalEntry
from journal.services import record_access
from meetings.models import Meeting
from needs.models import Need
from plans.models import Measure
from release.selectors import sudden_release_flag

#: Cases on one page of a list of cases (the caseload, the unit overview).
CASES_PAGE_SIZE = 50
#: The longest search text read; longer text is cut.
SEARCH_MAX = 100


def case_search_condition(search: str) -> Q | None:
    """The condition on cases that a search text matches: an identity number, a case code, or names.

    An identity number is matched through its keyed hash (``Person.national_id_hash``), never
    by decrypting; it is tried as a Norwegian, Danish and Swedish number. Applied to a
    queryset the access module already scoped (``cases_visible_to``), so a search finds only
    the viewer's own cases: a case elsewhere is not found, as one that does not exist.
    """
    search = " ".join(search.split())[:SEARCH_MAX]
    if not search:
        return None
    condition = Q(code__iexact=search)
    digests = identity_digests(search)
    if digests:
        condition |= Q(person__national_id_hash__in=digests)
    names = Q()
    for word in search.split():
        names &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
    return condition | names


def identity_digests(search: str) -> list[str]:
    """The keyed hashes of the text read as a valid identity number of each country; none if it is not one."""
    from stdnum.dk import cpr
    from stdnum.no import fodselsnummer
    from stdnum.se import personnummer

    digits = "".join(ch for ch in search if ch.isdigit())
    if len(digits) < 10 or len(digits) != len(search.replace(" ", "").replace("-", "").replace("+", "")):
        return []
    digests = []
    for module in (fodselsnummer, cpr, personnummer):
        if module.is_valid(search):
            digests.append(national_id_digest(module.compact(search)))
    return sorted(set(digests))


@dataclass(frozen=True)
class CasePage:
    """One page of a list of cases, with the search it answers."""

    page: Page[Any]  # of cases annotated for the list
    cases: list[Case]
    search: str


def caseload_for(user: User, *, search: str = "", page_number: str | int | None = None) -> CasePage:
    """Return one page of the user's caseload, searched, logging one access event per case listed.

    One query when the first page holds every case (nearly always), else two (the count and
    the page), and the log's insert.
    """
    lead = Membership.objects.filter(pk=OuterRef("lead_id"))
    mine = Membership.objects.filter(membership_is_current(), case=OuterRef("pk"), user_id=user.pk)
    upcoming = Meeting.objects.filter(case=OuterRef("pk"), starts_at__gte=timezone.now()).order_by("starts_at")
    scoped = cases_visible_to(user)
    condition = case_search_condition(search)
    if condition is not None:
        scoped = scoped.filter(condition)
    listed = (
        scoped.select_related("person", "institution")
        # What the list shows, and no identity number to decrypt per case.
        .only(
            "code",
            "stage",
            "intake_date",
            "legal_status",
            "person__first_name",
            "person__last_name",
            "institution__name",
        )
        .annotate(
            lead_name=Subquery(
                lead.annotate(name=Concat(F("user__first_name"), Value(" "), F("user__last_name"))).values("name")[:1]
            ),
            my_role=Subquery(mine.values("role")[:1]),
            consent_active=consent_is_active(),
            next_meeting=Subquery(upcoming.values("starts_at")[:1]),
            sudden_release=sudden_release_flag(),
        )
        .order_by("person__last_name", "person__first_name", "intake_date", "pk")
    )
    page, cases = _page_of_cases(listed, page_number)
    for case in cases:
        my_role = getattr(case, "my_role", None)  # the annotation above
        case.my_role_label = Role(my_role).label if my_role else ""
    if cases:
        record_access(
            viewer=user, case_ids=[case.pk for case in cases], purpose=AccessPurpose.CASELOAD, view="cases:caseload"
        )
    return CasePage(page=page, cases=cases, search=" ".join(search.split())[:SEARCH_MAX])


def _page_of_cases(listed: QuerySet[Case], page_number: str | int | None) -> tuple[Page[Any], list[Case]]:
    """The page of cases asked for, and its cases; the first page is read without a count when it holds them all.

    At 50,000 cases the longest caseload has under 40 cases: one row more than a page tells
    that it fits, and the count's query is saved (0.6 ms CPU of the list's 12).
    """
    if page_number in (None, "", "1", 1):
        first = list(listed[: CASES_PAGE_SIZE + 1])
        if len(first) <= CASES_PAGE_SIZE:
            return Paginator(first, CASES_PAGE_SIZE).get_page(1), first
        return Paginator(listed, CASES_PAGE_SIZE).get_page(1), first[:CASES_PAGE_SIZE]
    page = Paginator(listed, CASES_PAGE_SIZE).get_page(page_number)
    return page, list(page.object_list)


def current_members(case: Case) -> QuerySet[Membership]:
    """The current members, lead first, each marked whether an open transition brings them in."""
    return (
        Membership.objects.filter(membership_is_current(), case=case)
        .select_related("user", "agency")
        .annotate(
            leads=lead_flag(),
            is_incoming=Exists(Transition.objects.filter(incoming=OuterRef("pk"), state__in=OPEN_STATES)),
        )
        .order_by("-leads", "start_date", "id")
    )


def members_in_brief(case: Case) -> list[Membership]:
    """The current members as the case overview names them, lead first: name, role, agency and purpose only.

    ``current_members`` without the incoming flag, which only the group page shows, and with
    the lead told from the loaded case instead of a join: about half its CPU (1.3 -> 0.7 ms).
    """
    members = list(
        Membership.objects.filter(membership_is_current(), case_id=case.pk)
        .select_related("user", "agency")
        .only(
            "case",
            "role",
            "purpose",
            "user__first_name",
            "user__last_name",
            "user__username",
            "agency__name",
            "agency__country",
        )
        .order_by("start_date", "id")
    )
    for member in members:
        member.case = case  # ``is_lead`` reads the case's lead: no query
    return sorted(members, key=lambda member: not member.is_lead)  # stable: by start date after the lead


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
    entries = journal_for_case(access).select_related("actor", "actor_agency").order_by("-at", "-id")
    if not describe:
        # A sentence reads only these columns, and the brief list shows no more (0.89 -> 0.77 ms CPU).
        return say(entries.only(*BRIEF_ENTRY_FIELDS)[:limit])
    return describe_changes(
        list(entries[:limit]), hidden=None if _journal_hides_nothing(access) else _hidden_references(access)
    )


#: The columns of a journal entry that ``journal.display.say`` and the brief list of changes read.
BRIEF_ENTRY_FIELDS = (
    "at",
    "action",
    "object_type",
    "old",
    "new",
    "actor__first_name",
    "actor__last_name",
    "actor__username",
    "actor_agency__name",
)


#: Changes on one page of the change log.
CHANGES_PAGE_SIZE = 50


def changes_page(access: CaseAccess, page_number: str | int | None) -> tuple[Page[JournalEntry], list[JournalEntry]]:
    """One page of the case's change log, newest first, each entry put in words (``latest_changes``'s rule).

    A constant number of queries per page: the count, the page, one per kind of related object.
    """
    entries = journal_for_case(access).select_related("actor", "actor_agency").order_by("-at", "-id")
    page = Paginator(entries, CHANGES_PAGE_SIZE).get_page(page_number)
    hidden = None if _journal_hides_nothing(access) else _hidden_references(access)
    return page, describe_changes(list(page.object_list), hidden=hidden)


def _journal_hides_nothing(access: CaseAccess) -> bool:
    return access.sees_every_need and access.readable_audiences == frozenset(Audience.values)


def _hidden_references(access: CaseAccess) -> dict[str, set[str]]:
    """The ids of the case's needs and measures this viewer may not see, by model label, as the journal stores them."""
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
