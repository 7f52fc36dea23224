"""Access rules for cases, in one place.

The ladder, from DOMAIN.md §5 and ASSURANCE.md:

- A case is visible to the person it is about and to the current members of its
  responsibility group (accepted, started, not ended). Anyone else, including an
  officer of another prison, an admin and an analyst, gets the same 404 as for a case
  that does not exist.
- The case leads are the prison-service members (contact officer, social worker) from
  the case's own institution. They see and change everything, except that a need the
  person keeps private is visible to the person and the contact officer only.
- Without an active consent, external members see that the group exists and who is in
  it, and nothing of the needs.
- An active consent covers the members named in its scope: they see the needs map,
  except private needs.
- A volunteer (peer mentor) sees only what the person chooses to share with volunteers,
  item by item (the needs one by one, the release date, the meetings, the group, the
  messages to everyone), and only while the consent covers them; nothing else of the case.
- Free text written for the group (a message, the minutes, a decision) has an audience
  (``core.audience.Audience``): the person and the prison staff; and the covered
  members; or everyone in the group. Its author always reads it.
- Membership and consent are read from the database on every request, in the request's
  transaction; a membership ends at a moment (``ended_at``), so a removal, a withdrawal
  or a closed case takes effect on the next request.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from access import achievements, applications, outcomes, own_words, person_pages, programmes, surveys
from access.models import EMERGENCY_LASTS, REASONS_BY_KIND, Reason, ReasonedAccess, ReasonKind
from accounts.models import PRISON_STAFF_ROLES, Role, User
from cases.models import Case, Membership, Stage, lead_flag, membership_is_current
from consent.models import Consent
from core.audience import Audience, VolunteerItem
from directory.models import Referral
from journal.models import AccessPurpose
from journal.services import record_access
from meetings.models import Decision, MeasureHandover, Meeting, NeedReview
from needs.models import Need, VolunteerSharing
from ownwords.models import OwnWords
from plans.models import DeliveryNote, Measure
from release.models import ReadinessItem
from threads.models import Message

LEAD_ROLES = frozenset({Role.CONTACT_OFFICER, Role.SOCIAL_WORKER})


class Ability(enum.Enum):
    VIEW_CASE = "view_case"
    VIEW_NEEDS = "view_needs"
    EDIT_NEEDS = "edit_needs"
    MANAGE_GROUP = "manage_group"
    VIEW_CONSENT = "view_consent"
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    BOOK_MEETING = "book_meeting"
    VIEW_JOURNAL = "view_journal"
    VIEW_ACCESS_LOG = "view_access_log"
    PROPOSE_MEASURE = "propose_measure"
    CHOOSE_MEASURES = "choose_measures"
    USE_THREAD = "use_thread"
    MANAGE_HANDOVER = "manage_handover"
    VIEW_READINESS = "view_readiness"
    EDIT_READINESS = "edit_readiness"
    FOLLOW_UP = "follow_up"
    CLOSE_CASE = "close_case"
    TAKE_OVER_PLAN = "take_over_plan"  # ask to carry over the person's earlier case
    ANSWER_CARRY_OVER = "answer_carry_over"  # answer, as the staff of the earlier case
    ANSWER_CARRY_OVER_AS_PERSON = "answer_carry_over_as_person"
    VIEW_GROUP = "view_group"
    VIEW_MEETINGS = "view_meetings"
    VIEW_TIMETABLE = "view_timetable"
    VIEW_HANDOVER = "view_handover"
    SHARE_WITH_VOLUNTEERS = "share_with_volunteers"
    VIEW_APPLICATIONS = "view_applications"  # access.applications
    RECORD_APPLICATIONS = "record_applications"
    VIEW_PERSON_PAGES = "view_person_pages"  # access.person_pages
    VIEW_PROGRAMMES = "view_programmes"  # access.programmes
    APPLY_TO_PROGRAMME = "apply_to_programme"
    RECORD_PROGRAMME_FACTS = "record_programme_facts"
    VIEW_ACHIEVEMENTS = "view_achievements"  # access.achievements
    RECORD_ACHIEVEMENTS = "record_achievements"
    WRITE_OWN_WORDS = "write_own_words"  # access.own_words
    VIEW_OUTCOMES = "view_outcomes"  # access.outcomes
    RECORD_OUTCOMES = "record_outcomes"
    ANSWER_SURVEY = "answer_survey"  # access.surveys


def can_open_cases(user: User) -> bool:
    """Return whether the user may register a new case (intake) in their own prison."""
    return user.is_authenticated and user.role in LEAD_ROLES and user.agency is not None and user.agency.is_prison


#: Roles that see no case at all: they work with the system and the figures, not with people.
SEES_NO_CASE = frozenset({Role.ADMIN, Role.ANALYST})


def sees_no_case(user: User) -> bool:
    """Whether the user's role keeps them from every case (the admin, the analyst)."""
    return user.role in SEES_NO_CASE


#: Where an OpenID Connect sign-in keeps the level of assurance its provider reported (eIDAS:
#: "low", "substantial" or "high"); set by the sign-in, never by a form.
AUTH_LEVEL_SESSION_KEY = "auth_level"
#: The level at which the provider's sign-in counts as two factors (ID-porten's and MitID's "high").
TWO_FACTOR_AUTH_LEVEL = "high"


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Whether the user must pass a second factor after the password: every staff role, not the person.

    The admin site's own flags count as staff whatever the role, so no account reaches the
    administration on a password alone.
    """
    if not user.is_authenticated:
        return False
    return user.role != Role.PERSON or user.is_staff or user.is_superuser


def second_factor_passed(user: User | AnonymousUser, session: SessionBase) -> bool:
    """Whether the session's user may go past the second factor's pages.

    Yes for whoever is not asked (anonymous visitors, persons); for staff, when a TOTP code or
    a recovery code was taken in this session (django-otp's ``OTPMiddleware`` sets the device
    that verified them, confirmed and theirs, on ``user.otp_device``), or when they signed in
    through an identity provider that reported the high level of assurance.
    """
    if not needs_second_factor(user):
        return True
    if session.get(AUTH_LEVEL_SESSION_KEY) == TWO_FACTOR_AUTH_LEVEL:
        return True
    return getattr(user, "otp_device", None) is not None


class GroupMember(Protocol):
    """A member of a case's group as a row or as a value read for many cases (``timetable.engine.Member``)."""

    @property
    def user_id(self) -> int: ...

    @property
    def role(self) -> str: ...

    @property
    def agency_id(self) -> int | None: ...


def is_case_staff(membership: GroupMember, case: Case) -> bool:
    """Whether a member is the case's prison staff: a contact officer or social worker of its own institution."""
    return membership.role in LEAD_ROLES and membership.agency_id == case.institution_id


def case_staff_condition(case: Case) -> Q:
    """The condition, on the case's memberships, that keeps its prison staff (``is_case_staff``)."""
    return Q(role__in=LEAD_ROLES, agency_id=case.institution_id)


def counts_at_once(case: Case, user: User) -> bool:
    """Prison staff of the case's own institution count in its group at once; everyone else is invited."""
    return user.role in PRISON_STAFF_ROLES and user.agency_id == case.institution_id


def current_volunteers(case: Case) -> QuerySet[Membership]:
    """The case's current members who are volunteers: they see only what the person shares with volunteers."""
    return Membership.objects.filter(membership_is_current(), case=case, role=Role.VOLUNTEER)


def consent_is_active(case_ref: str = "pk") -> Exists:
    """The condition that the case (the outer query's ``case_ref``) has an active consent: given, not withdrawn."""
    return Exists(Consent.objects.filter(case_id=OuterRef(case_ref), withdrawn_at__isnull=True))


def covered_membership_ids(case: Case) -> set[int]:
    """The memberships the case's active consent covers (none without one).

    One query, with or without a consent (a case has at most one active: ``consent_one_active_per_case``),
    so the pages that ask make as many queries whatever the case's consent.
    """
    active = Membership.objects.filter(consents__case=case, consents__withdrawn_at__isnull=True)
    return set(active.values_list("pk", flat=True))


def case_facts_visible(user: User, cases: Sequence[Case], members: dict[int, Sequence[GroupMember]]) -> set[int]:
    """Of these cases, those whose facts (release date, risks) the user sees, in one query.

    As the case's prison staff (read from the current ``members`` of each case, already
    loaded), or as a member covered by an active consent, as ``CaseAccess.sees_needs``
    decides for one case.
    """
    staff = {
        case.pk
        for case in cases
        if case.institution_id == user.agency_id
        and any(member.user_id == user.pk and is_case_staff(member, case) for member in members[case.pk])
    }
    covered = set(
        Consent.objects.filter(
            case_id__in=[case.pk for case in cases], withdrawn_at__isnull=True, scope__user_id=user.pk
        ).values_list("case_id", flat=True)
    )
    return staff | covered


def case_visibility(user: User) -> str | None:
    """The role whose rung of the ladder decides which cases the user sees; None if they see none."""
    if not user.is_authenticated or not user.is_active or sees_no_case(user):
        return None
    return user.role


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Return the cases the user may see at all: their own, or those of their groups."""
    role = case_visibility(user)
    if role is None:
        return Case.objects.none()
    if role == Role.PERSON:
        return Case.objects.filter(person__user_id=user.pk)
    member_of = Membership.objects.filter(membership_is_current(), user_id=user.pk).values("case_id")
    return Case.objects.filter(id__in=member_of)


@dataclass(frozen=True)
class NeedsLimits:
    """What hides a case's needs from a viewer: all of them, the private ones, those not shared with volunteers."""

    none: bool
    private: bool
    volunteers: bool

    @property
    def hides_none(self) -> bool:
        return not (self.none or self.private or self.volunteers)


def needs_condition(limits: NeedsLimits) -> Q:
    """The condition on a case's needs that keeps those the limits leave visible."""
    if limits.none:
        return Q(pk__in=[])
    condition = Q()
    if limits.private:
        condition &= Q(private=False)
    if limits.volunteers:
        condition &= Q(shared_with_volunteers=True)
    return condition


def measures_condition(limits: NeedsLimits, is_member: bool, viewer_id: int, case_id: int) -> Q:
    """The condition on a case's measures that keeps those a viewer may see.

    A member always sees the measures they are responsible for (their own tasks).
    Otherwise a measure is visible only to those who see the needs, and only if none
    of the needs it answers is hidden from them, so a measure cannot reveal a private
    need.
    """
    own = Q(responsible_user_id=viewer_id) if is_member else Q(pk__in=[])
    if limits.none:
        return own
    if limits.hides_none:  # every need is visible, so every measure too
        return Q()
    # The hidden needs as the complement of the condition (exclude), not "not among the visible
    # ones": one subquery fewer, the same needs (the condition's columns are never null).
    hidden = Need.objects.filter(case_id=case_id).exclude(needs_condition(limits))
    return own | ~Q(needs__in=hidden)


def audiences_for(
    *, is_person: bool, is_prison_staff: bool, is_member: bool, covered: bool, volunteer: bool, shares_messages: bool
) -> frozenset[str]:
    """The audiences (``Audience``) whose text a reader of this kind reads; one rule for pages and reader lists.

    A volunteer reads what is written for everyone only if the person shares it with volunteers.
    """
    if is_person or is_prison_staff:
        return frozenset(Audience.values)
    readable = set()
    if is_member and (not volunteer or shares_messages):
        readable.add(Audience.GROUP)
    if covered and not volunteer:
        readable.add(Audience.COVERED)
    return frozenset(readable)


@dataclass(frozen=True)
class CaseAccess:
    """What one viewer may do with one case, decided once per request."""

    case: Case
    viewer: User
    membership: Membership | None
    is_person: bool
    consent_active: bool
    covered_by_consent: bool
    #: A look outside a standing membership, with a reason (``reasoned_access_for``): read-only.
    reasoned: ReasonedAccess | None = None

    @property
    def is_prison_staff(self) -> bool:
        return self.membership is not None and is_case_staff(self.membership, self.case)

    @property
    def is_lead(self) -> bool:
        """The one accountable lead: prison staff, or after a handover an incoming actor."""
        return self.membership is not None and self.membership.pk == self.case.lead_id

    @property
    def runs_the_case(self) -> bool:
        """The case's prison staff and its lead keep the group, the meetings and the handover going."""
        return self.is_prison_staff or self.is_lead

    @property
    def is_volunteer(self) -> bool:
        return self.membership is not None and self.membership.role == Role.VOLUNTEER

    @property
    def volunteer_only(self) -> bool:
        """A volunteer who neither is the person nor runs the case: sees only what the person shares."""
        return self.is_volunteer and not (self.is_person or self.runs_the_case)

    @functools.cached_property
    def volunteer_items(self) -> frozenset[str]:
        """What the person shares with this volunteer (``VolunteerItem``); nothing unless the consent covers them."""
        if not (self.volunteer_only and self.covered_by_consent):
            return frozenset()
        items = VolunteerSharing.objects.filter(case_id=self.case.pk).values_list("items", flat=True).first()
        return frozenset(items or ())

    def volunteer_sees(self, item: str) -> bool:
        return item in self.volunteer_items

    def sees_item(self, item: str) -> bool:
        """Whether this viewer sees one of the items a person may share with volunteers (release date, meetings ...)."""
        return not self.volunteer_only or self.volunteer_sees(item)

    @property
    def sees_case_facts(self) -> bool:
        """The sentence, its dates and the risks: the person, the prison staff and covered members, not volunteers."""
        return self.sees_needs and not self.volunteer_only

    @property
    def sees_release_date(self) -> bool:
        return self.sees_case_facts or (self.volunteer_only and self.volunteer_sees(VolunteerItem.RELEASE_DATE))

    @property
    def sees_group(self) -> bool:
        return self.can(Ability.VIEW_GROUP)

    @property
    def sees_meetings(self) -> bool:
        return self.can(Ability.VIEW_MEETINGS)

    @property
    def sees_applications(self) -> bool:
        return self.can(Ability.VIEW_APPLICATIONS)

    @property
    def sees_outcomes(self) -> bool:
        return self.can(Ability.VIEW_OUTCOMES)

    @property
    def sees_achievements(self) -> bool:
        return self.can(Ability.VIEW_ACHIEVEMENTS)

    @property
    def records_achievements(self) -> bool:
        return self.can(Ability.RECORD_ACHIEVEMENTS)

    @property
    def sees_timetable(self) -> bool:
        return self.can(Ability.VIEW_TIMETABLE)

    @property
    def sees_programmes(self) -> bool:
        return self.can(Ability.VIEW_PROGRAMMES)

    @property
    def readable_audiences(self) -> frozenset[str]:
        """The audiences whose messages, minutes and decisions this viewer reads (besides their own)."""
        if self.reasoned is not None:
            return REASONED_AUDIENCES
        return audiences_for(
            is_person=self.is_person,
            is_prison_staff=self.is_prison_staff,
            is_member=self.membership is not None,
            covered=self.covered_by_consent,
            volunteer=self.volunteer_only,
            shares_messages=self.volunteer_sees(VolunteerItem.GROUP_MESSAGES),
        )

    def audience_filter(self, author_field: str) -> Q:
        """The condition on texts with an ``audience`` that keeps those this viewer reads: own, and their audiences'."""
        readable = self.readable_audiences
        if readable == frozenset(Audience.values):
            return Q()
        return Q(audience__in=sorted(readable)) | Q(**{author_field: self.viewer.pk})

    def reads(self, audience: str) -> bool:
        return audience in self.readable_audiences

    @property
    def sees_private_needs(self) -> bool:
        """A private need is for the person and the contact officer only."""
        membership = self.membership
        return self.is_person or (
            self.is_prison_staff and membership is not None and membership.role == Role.CONTACT_OFFICER
        )

    @property
    def sees_needs(self) -> bool:
        return self.is_person or self.is_prison_staff or self.covered_by_consent or self.reasoned is not None

    @property
    def needs_filter(self) -> Q:
        """Return the condition that limits a case's needs to those this viewer may see."""
        return needs_condition(self.needs_limits)

    @property
    def needs_limits(self) -> NeedsLimits:
        """What hides needs from this viewer; ``needs_filter`` is its condition."""
        return NeedsLimits(
            none=not self.sees_needs,
            private=not self.sees_private_needs,
            volunteers=not (self.is_person or self.is_prison_staff) and self.is_volunteer,
        )

    @property
    def sees_every_need(self) -> bool:
        """Whether no need of the case is hidden from this viewer (no query needed to find which)."""
        return self.needs_limits.hides_none

    def can(self, ability: Ability) -> bool:
        if self.reasoned is not None:
            return ability in REASONED_ABILITIES
        if ability is Ability.VIEW_CASE:
            return True
        if ability is Ability.VIEW_NEEDS:
            return self.sees_needs
        if ability in {Ability.VIEW_CONSENT, Ability.VIEW_ACCESS_LOG, Ability.WITHDRAW_CONSENT}:
            return self.is_person or self.is_prison_staff
        if ability in {
            Ability.MANAGE_GROUP,
            Ability.BOOK_MEETING,
            Ability.MANAGE_HANDOVER,
            Ability.FOLLOW_UP,
            Ability.CLOSE_CASE,
            Ability.TAKE_OVER_PLAN,
            Ability.ANSWER_CARRY_OVER,
        }:
            return self.runs_the_case
        if ability in {Ability.EDIT_NEEDS, Ability.RECORD_CONSENT, Ability.VIEW_JOURNAL}:
            return self.is_prison_staff
        if ability is Ability.PROPOSE_MEASURE:
            # Step 4: members propose once the needs map is shared with them by consent.
            return self.is_prison_staff or self.covered_by_consent
        if ability is Ability.CHOOSE_MEASURES:
            # Step 5: the person decides, with the contact officer.
            return self.is_person or self.is_prison_staff
        if ability is Ability.VIEW_READINESS:
            # The whole checklist for those who see the case's facts; any member sees the items they own.
            return self.is_person or self.membership is not None
        if ability is Ability.EDIT_READINESS:
            # The case staff and the lead edit every item, a member the items they own (can_edit_readiness).
            return self.membership is not None
        if ability is Ability.USE_THREAD:
            # The group's direct channel: the person and the current members; each reads what is written for them.
            return self.is_person or self.membership is not None
        if ability is Ability.VIEW_GROUP:
            return self.sees_item(VolunteerItem.GROUP_MEMBERS)
        if ability is Ability.VIEW_MEETINGS:
            return self.sees_item(VolunteerItem.NEXT_MEETINGS)
        if ability in {Ability.VIEW_TIMETABLE, Ability.VIEW_HANDOVER}:
            # Deadlines, release risks and transfers are the case's facts, never shared with volunteers.
            return not self.volunteer_only
        if ability is Ability.ANSWER_CARRY_OVER_AS_PERSON:
            # Only the person lets their earlier case travel to a new one (issue 16, hole 1).
            return self.is_person
        if ability is Ability.VIEW_APPLICATIONS:
            return applications.sees_applications(self)
        if ability is Ability.RECORD_APPLICATIONS:
            return applications.records_applications(self)
        if ability is Ability.VIEW_PERSON_PAGES:
            return person_pages.sees_person_pages(self)
        if ability is Ability.VIEW_PROGRAMMES:
            return programmes.sees_eligibility(self)
        if ability is Ability.APPLY_TO_PROGRAMME:
            return programmes.applies(self)
        if ability is Ability.RECORD_PROGRAMME_FACTS:
            return programmes.records_facts(self)
        if ability is Ability.VIEW_ACHIEVEMENTS:
            return achievements.sees_achievements(self)
        if ability is Ability.RECORD_ACHIEVEMENTS:
            return achievements.records_achievements(self)
        if ability is Ability.WRITE_OWN_WORDS:
            return own_words.writes_own_words(self)
        if ability is Ability.VIEW_OUTCOMES:
            return outcomes.sees_outcomes(self)
        if ability is Ability.RECORD_OUTCOMES:
            return outcomes.records_outcomes(self)
        if ability is Ability.ANSWER_SURVEY:
            return surveys.answers_survey(self)
        if ability is Ability.SHARE_WITH_VOLUNTEERS:
            # Seed 002: the person chooses what a volunteer or peer mentor sees; staff cannot tick it.
            return self.is_person
        raise ValueError(f"Unknown ability {ability!r}")

    @property
    def measures_filter(self) -> Q:
        """Return the condition that limits a case's measures to those this viewer may see."""
        return measures_condition(self.needs_limits, self.membership is not None, self.viewer.pk, self.case.pk)

    @property
    def journal_filter(self) -> Q:
        """The condition on the case's journal entries that keeps those about objects this viewer may see.

        The same rule as the pages that show the objects: a need by ``needs_filter``, a
        measure by ``measures_filter``, and the delivery notes, decisions, reviews and
        handovers about them likewise; a message, minutes or a decision by its audience.
        """

        def ids(queryset: QuerySet[Any]) -> QuerySet[Any, str]:
            return queryset.values_list(Cast("pk", CharField()), flat=True)

        condition = Q()
        case_id = self.case.pk
        if not self.sees_every_need:
            # Each hidden set is the complement (exclude) of the condition the pages show its objects by,
            # not "not among the visible ones": a level or two of subquery fewer, each built, relabelled
            # and compiled again for every kind about a measure (the social worker's overview at 50,000
            # cases: its latest changes 10.6 -> 6.5 ms CPU). access/tests/test_journal_filter_property.py
            # holds the entries kept to the reference policy and to the former construction.
            hidden_needs = Need.objects.filter(case_id=case_id).exclude(self.needs_filter)
            hidden_measures = Measure.objects.filter(case_id=case_id).exclude(self.measures_filter)
            hidden_words = OwnWords.objects.filter(case_id=case_id).exclude(self.own_words_filter)
            condition &= ~Q(object_type="needs.need", object_id__in=ids(hidden_needs))
            condition &= ~Q(object_type="plans.measure", object_id__in=ids(hidden_measures))
            condition &= ~Q(
                object_type="plans.deliverynote",
                object_id__in=ids(DeliveryNote.objects.filter(measure__in=hidden_measures)),
            )
            condition &= ~Q(
                object_type="meetings.needreview", object_id__in=ids(NeedReview.objects.filter(need__in=hidden_needs))
            )
            condition &= ~Q(
                object_type="meetings.measurehandover",
                object_id__in=ids(MeasureHandover.objects.filter(measure__in=hidden_measures)),
            )
            condition &= ~Q(
                object_type="meetings.decision", object_id__in=ids(Decision.objects.filter(measure__in=hidden_measures))
            )
            condition &= ~Q(
                object_type="directory.referral",
                object_id__in=ids(Referral.objects.filter(measure__in=hidden_measures)),
            )
            condition &= ~Q(object_type="ownwords.ownwords", object_id__in=ids(hidden_words))
        if self.readable_audiences != frozenset(Audience.values):
            unread_messages = Message.objects.filter(case_id=case_id).exclude(self.audience_filter("author_id"))
            unread_decisions = Decision.objects.filter(meeting__case_id=case_id).exclude(
                self.audience_filter("recorded_by_id")
            )
            unread_minutes = Meeting.objects.filter(case_id=case_id).exclude(
                minutes_audience__in=sorted(self.readable_audiences)
            )
            condition &= ~Q(object_type="threads.message", object_id__in=ids(unread_messages))
            condition &= ~Q(object_type="meetings.decision", object_id__in=ids(unread_decisions))
            condition &= ~Q(action="meeting.minutes", object_id__in=ids(unread_minutes))
        return condition

    @functools.cached_property
    def own_words_filter(self) -> Q:
        """The condition on the case's own words of the person that keeps those this viewer reads.

        Built once per request (0.8 ms CPU): the overview reads the words with it and the journal
        hides the words it leaves out. Django clones the querysets in a condition it filters by.
        """
        return own_words.readable_condition(self)

    def can_deliver(self, measure: Measure) -> bool:
        """The responsible actor and the case leads write delivery notes and move a measure on."""
        return self.is_prison_staff or (self.membership is not None and measure.responsible_user_id == self.viewer.pk)

    @property
    def sees_readiness(self) -> bool:
        """The whole release checklist: the person, the case staff, the lead and covered members.

        A covered volunteer sees only the items they own, as they see only the needs shared
        with volunteers; the checklist names health, income and probation.
        """
        return (
            self.is_person
            or self.runs_the_case
            or (self.covered_by_consent and not self.is_volunteer)
            or self.reasoned is not None
        )

    def can_edit_readiness(self, item: ReadinessItem) -> bool:
        """The case staff and the lead change any readiness item, its owner only their own."""
        if self.membership is None:
            return False
        return self.runs_the_case or (item.owner is not None and item.owner.user_id == self.viewer.pk)

    def can_edit_measure(self, measure: Measure) -> bool:
        """The case leads, the responsible actor and the proposer may change a measure's details."""
        return self.can_deliver(measure) or (
            self.can(Ability.PROPOSE_MEASURE) and measure.proposed_by_id == self.viewer.pk
        )

    def can_move_measure(self, measure: Measure, status: str) -> bool:
        """Choosing and rejecting are the person's decision; delivery is the responsible actor's."""
        if status in {"chosen", "rejected"}:
            return self.can(Ability.CHOOSE_MEASURES)
        return self.can_deliver(measure)


def require_ability(access: CaseAccess, ability: Ability) -> None:
    """Refuse with 403 when the case is visible but the action is not allowed."""
    if not access.can(ability):
        raise PermissionDenied


def access_by_code(user: User, code: str) -> CaseAccess | None:
    """Decide what the user may do with the case of this code in one query; None if they may not see it.

    The same decision as ``cases_visible_to`` followed by the step-by-step reading in
    ``access/tests/oracle.py`` (a test holds them equal for every persona and case), read
    in one statement because every case page starts here: the viewer's current membership
    with its case, person and institution, whether the case has an active consent, and
    whether that consent covers the membership.
    """
    role = case_visibility(user)
    if role is None:
        return None
    if role == Role.PERSON:
        case = (
            Case.objects.filter(person__user_id=user.pk, code=code)
            .select_related("person", "institution")
            .annotate(consent_active=consent_is_active())
            .first()
        )
        if case is None:
            return None
        return CaseAccess(case, user, None, True, case.consent_active, False)
    # The current membership (the lead's first) with its case; whether the case has an
    # active consent, and whether that consent covers the membership.
    covering = Consent.scope.through.objects.filter(
        membership_id=OuterRef("pk"), consent__case_id=OuterRef("case_id"), consent__withdrawn_at__isnull=True
    )
    membership = (
        Membership.objects.filter(membership_is_current(), user_id=user.pk, case__code=code)
        .select_related("case__person", "case__institution")
        .annotate(
            leads=lead_flag(),
            consent_active=consent_is_active("case_id"),
            covered=Exists(covering),
        )
        .order_by("-leads", "pk")
        .first()
    )
    if membership is None:
        return reasoned_access_by_code(user, code)
    return CaseAccess(membership.case, user, membership, False, membership.consent_active, membership.covered)


def case_for_request(request: HttpRequest, code: str, ability: Ability = Ability.VIEW_CASE) -> CaseAccess:
    """Fetch a case for the request's user, check the ability and log the read.

    "Missing" and "not yours" give the same 404; visible but not allowed gives 403.
    The access event is written in the request's transaction, so if it fails, nothing
    is returned.
    """
    user = request.user
    if not isinstance(user, User):  # anonymous: no case is theirs (login_required sends them to log in first)
        raise Http404
    view_name = request.resolver_match.view_name if request.resolver_match else request.path
    return case_for_user(user, code, ability, view_name)


def case_for_user(user: User, code: str, ability: Ability, view: str) -> CaseAccess:
    """``case_for_request`` for a user named otherwise (the API reads for a member): the same rule and log."""
    access = access_by_code(user, code)
    if access is None:
        raise Http404
    require_ability(access, ability)
    purpose = AccessPurpose.OWN_CASE if access.is_person else AccessPurpose.CASE_WORK
    if access.reasoned is not None:
        purpose = REASONED_PURPOSES[ReasonKind(access.reasoned.kind)]
    record_access(viewer=user, case_ids=[access.case.pk], purpose=purpose, view=view)
    return access


# ---------------------------------------------------------------------------------------
# Access outside a standing membership, with a reason (DOMAIN.md §5; issue 17, point 10)
#
# - A reentry coordinator sees the list of their own prison's open cases (the unit
#   overview: name, code, stage, overdue deadlines, risks), each listing an access event
#   the person sees. To open one of those cases they choose a reason from a list; it
#   lasts until the end of that day (local midnight): the person's log counts reads by
#   day, so one reason covers one day's reads, and the next day needs a new reason, so a
#   look never grows into a standing membership. A coordinator of another prison gets the
#   same 404 as for a case that does not exist.
# - Emergency access (break-glass): the prison staff of the case's own prison (contact
#   officer, social worker, reentry coordinator) who are not in its group choose an
#   emergency reason; it lasts ``EMERGENCY_LASTS`` (two hours), is journaled, the person
#   sees it in their log and the case's lead sees it flagged. Never across prisons: the
#   prison service's duty to the person lies with the prison that holds them, and a wider
#   rule would tell any officer which prison holds whom.
# - Both are read-only (``REASONED_ABILITIES``): the case, the needs map without the
#   private needs (those stay with the person and the contact officer), the plan, the
#   group, meetings, timetable, handover and release checklist. To act, one joins the
#   group. Consent does not widen or narrow it: the coordinator is the prison service,
#   whose statutory task the case is; consent lifts confidentiality between agencies.
# - Everything is read from the database on every request: a grant ends at its moment,
#   and a user who changes role or prison, or is deactivated, or a closed case, ends it.

#: What a look with a reason lets the viewer do: read, never change.
REASONED_ABILITIES = frozenset(
    {
        Ability.VIEW_CASE,
        Ability.VIEW_NEEDS,
        Ability.VIEW_GROUP,
        Ability.VIEW_MEETINGS,
        Ability.VIEW_TIMETABLE,
        Ability.VIEW_HANDOVER,
        Ability.VIEW_READINESS,
        Ability.VIEW_APPLICATIONS,
    }
)
#: The texts written for the group and for the covered members; not those kept for the case's own staff.
REASONED_AUDIENCES = frozenset({Audience.GROUP, Audience.COVERED})
#: The purpose each kind of look records in the access log.
REASONED_PURPOSES = {ReasonKind.UNIT: AccessPurpose.UNIT_REASON, ReasonKind.EMERGENCY: AccessPurpose.EMERGENCY}


def sees_unit(user: User) -> bool:
    """Whether the user is a reentry coordinator of a prison, who sees its list of cases."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.REENTRY_COORDINATOR
        and user.agency is not None
        and user.agency.is_prison
    )


def unit_cases_for(user: User) -> QuerySet[Case]:
    """The open cases of the coordinator's own prison; none for anyone else."""
    if not sees_unit(user):
        return Case.objects.none()
    return Case.objects.filter(institution_id=user.agency_id).exclude(stage=Stage.CLOSED)


def reason_kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of look with a reason this user may ever open, by role; the case's prison decides the rest."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return ()
    if user.role == Role.REENTRY_COORDINATOR:
        return (ReasonKind.UNIT, ReasonKind.EMERGENCY)
    if user.role in PRISON_STAFF_ROLES:
        return (ReasonKind.EMERGENCY,)
    return ()


def reasons_for(user: User) -> list[tuple[str, StrOrPromise]]:
    """The reasons (value, label) this user may choose from, in the list's order."""
    return [
        (reason.value, reason.label) for kind in reason_kinds_for(user) for reason in REASONS_BY_KIND[ReasonKind(kind)]
    ]


def kind_of(reason: str) -> str | None:
    return next((kind for kind, reasons in REASONS_BY_KIND.items() if reason in reasons), None)


def case_to_open_with_reason(user: User, code: str) -> Case | None:
    """The open case of this code in the user's own prison, if they may open it with a reason; else None.

    None for a case elsewhere, a closed case, a missing code, and a role that may not: the
    caller answers all of them with the same 404.
    """
    if not reason_kinds_for(user):
        return None
    return (
        Case.objects.filter(code=code, institution_id=user.agency_id)
        .exclude(stage=Stage.CLOSED)
        .select_related("person", "institution")
        .first()
    )


def reasoned_access_ends(kind: str, opened_at: datetime.datetime) -> datetime.datetime:
    """When a look opened at this moment ends: the end of the local day, or after the emergency's hours."""
    if kind == ReasonKind.EMERGENCY:
        return opened_at + EMERGENCY_LASTS
    day = timezone.localtime(opened_at).date()
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight, timezone.get_current_timezone())


def check_reason(user: User, case: Case, reason: str) -> str:
    """Return the kind of look this reason opens for this user and case; ValueError if none may."""
    kind = kind_of(reason)
    if kind is None or reason not in Reason.values or kind not in reason_kinds_for(user):
        raise ValueError(reason)
    if case.institution_id != user.agency_id:
        raise ValueError(reason)
    return kind


def reasoned_access_by_code(user: User, code: str) -> CaseAccess | None:
    """The look with a reason the user holds on the case of this code now, as a read-only ``CaseAccess``.

    It counts only while it has not ended, the user still may open it (role and prison as
    when it was opened) and the case is open; one query. When it was opened is not compared with
    now: the look is opened by one server process and read by another, whose clock may be a few
    milliseconds behind (the date sweep saw the page after the POST answer 404 on 2026-12-06),
    and the service only ever stamps it with its own now.
    """
    kinds = reason_kinds_for(user)
    if not kinds:
        return None
    grant = (
        ReasonedAccess.objects.filter(
            user_id=user.pk,
            case__code=code,
            case__institution_id=user.agency_id,
            kind__in=kinds,
            expires_at__gt=timezone.now(),
        )
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case__person", "case__institution")
        .annotate(consent_active=consent_is_active("case_id"))
        .order_by("kind", "-expires_at")  # an emergency first: its reads are flagged to the lead as such
        .first()
    )
    if grant is None:
        return None
    return CaseAccess(grant.case, user, None, False, grant.consent_active, False, reasoned=grant)
