"""The journal's filter (``CaseAccess.journal_filter``) over random worlds, held to the reference policy.

The worlds of ``test_policy_property`` (members in every state, roles, consents withdrawn or
active, needs private, shared with volunteers or neither, measures answering them), with the
objects about a need or a measure the journal names: a review of each need, a delivery note
and a decision on each measure, and the person's own words on each need, each measure and a
wish. Every one has its journal entry. For every viewer who sees the case, the entries the
filter keeps are exactly those about objects the reference grants (``reference_rights``), and
exactly those the former construction (each hidden set as "not among the visible ones") kept.
"""

from typing import Any

import pytest
from django.db import transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from hypothesis import HealthCheck, example, given, seed, settings

from access.policy import CaseAccess, access_by_code, needs_condition
from access.tests.test_policy_property import (
    COVERED_VOLUNTEER,
    EVERY_RUNG,
    Built,
    Rights,
    Viewer,
    World,
    build,
    demo_agencies,
    reference_rights,
    worlds,
)
from accounts.models import Role
from core.audience import Audience
from directory.models import Referral, Service
from journal.models import JournalEntry
from journal.services import record_change
from meetings.models import Decision, MeasureHandover, Meeting, NeedReview
from needs.models import Need
from ownwords.models import OwnWords, WordsKind
from plans.models import DeliveryNote, Measure
from reference.models import LifeArea
from threads.models import Message

pytestmark = pytest.mark.django_db

#: The rungs that read the case's facts (a wish among the person's own words): not a volunteer, not without consent.
READS_FACTS = frozenset({"person", "contact officer", "social worker", "covered member"})


def former_journal_filter(access: CaseAccess) -> Q:
    """The journal's filter as it was built before 2026-12-07: each hidden set as "not among the visible ones"."""

    def ids(queryset: QuerySet[Any]) -> QuerySet[Any, str]:
        return queryset.values_list(Cast("pk", CharField()), flat=True)

    def former_measures_filter() -> Q:
        limits = access.needs_limits
        own = Q(responsible_user_id=access.viewer.pk) if access.membership is not None else Q(pk__in=[])
        if limits.none:
            return own
        if limits.hides_none:
            return Q()
        visible = Need.objects.filter(case_id=case_id).filter(needs_condition(limits)).values("pk")
        return own | ~Q(needs__in=Need.objects.filter(case_id=case_id).exclude(pk__in=visible))

    condition = Q()
    case_id = access.case.pk
    if not access.sees_every_need:
        hidden_needs = Need.objects.filter(case_id=case_id).exclude(access.needs_filter)
        visible_measures = Measure.objects.filter(case_id=case_id).filter(former_measures_filter()).values("pk")
        hidden_measures = Measure.objects.filter(case_id=case_id).exclude(pk__in=visible_measures)
        visible_needs = Need.objects.filter(case_id=case_id).filter(access.needs_filter).values("pk")
        readable_words = Q(kind=WordsKind.NEED, need_id__in=visible_needs) | Q(
            kind=WordsKind.PROPOSAL, measure_id__in=visible_measures
        )
        if access.sees_case_facts:
            readable_words |= Q(kind__in=[WordsKind.WISH, WordsKind.MEETING])
        words = OwnWords.objects.filter(case_id=case_id)
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
            object_type="directory.referral", object_id__in=ids(Referral.objects.filter(measure__in=hidden_measures))
        )
        condition &= ~Q(
            object_type="ownwords.ownwords",
            object_id__in=ids(words.exclude(pk__in=words.filter(readable_words).values("pk"))),
        )
    if access.readable_audiences != frozenset(Audience.values):
        unread_messages = Message.objects.filter(case_id=case_id).exclude(access.audience_filter("author_id"))
        unread_decisions = Decision.objects.filter(meeting__case_id=case_id).exclude(
            access.audience_filter("recorded_by_id")
        )
        unread_minutes = Meeting.objects.filter(case_id=case_id).exclude(
            minutes_audience__in=sorted(access.readable_audiences)
        )
        condition &= ~Q(object_type="threads.message", object_id__in=ids(unread_messages))
        condition &= ~Q(object_type="meetings.decision", object_id__in=ids(unread_decisions))
        condition &= ~Q(action="meeting.minutes", object_id__in=ids(unread_minutes))
    return condition


def add_journalled_objects(built: Built) -> dict[int, dict[int, tuple[str, int]]]:
    """A review of each need; a delivery note, a handover, a referral and a decision on each measure; the
    person's words; each journalled.

    Returns, by case index, each entry's id -> what grants it: ("need", i), ("measure", i),
    ("decision", i) (the measure's, and the audience), or ("wish", 0).
    """
    grants: dict[int, dict[int, tuple[str, int]]] = {}
    officer = built.users[Viewer("staff", 0)]
    service = Service.objects.order_by("pk").first()  # a directory's service to refer to (the demo's)
    assert service is not None
    with transaction.atomic():
        for c, case in enumerate(built.cases):
            person = built.users[Viewer("person", c)]
            meeting = Meeting.objects.get(pk=built.meeting_ids[c])
            found = grants.setdefault(c, {})
            # The needs' and measures' own entries (need_create and build's record_change).
            for entry in JournalEntry.objects.filter(case=case, object_type__in=["needs.need", "plans.measure"]):
                if entry.object_type == "needs.need":
                    found[entry.pk] = ("need", built.need_ids[c].index(int(entry.object_id)))
                else:
                    found[entry.pk] = ("measure", built.measure_ids[c].index(int(entry.object_id)))

            def journal(obj: Any, grant: tuple[str, int], found: dict = found, case: Any = case) -> None:
                entry = record_change(actor=officer, action="test.add", obj=obj, case=case, old=None, new={"at": 1})
                found[entry.pk] = grant

            for n, need_id in enumerate(built.need_ids[c]):
                review = NeedReview.objects.create(meeting=meeting, need_id=need_id, note="x", reviewed_by=officer)
                journal(review, ("need", n))
                words = OwnWords.objects.create(
                    case=case, kind=WordsKind.NEED, need_id=need_id, text="x", written_by=person
                )
                journal(words, ("need", n))
            for m, measure_id in enumerate(built.measure_ids[c]):
                note = DeliveryNote.objects.create(measure_id=measure_id, text="x", written_by=officer)
                journal(note, ("measure", m))
                handover = MeasureHandover.objects.create(
                    meeting=meeting,
                    measure_id=measure_id,
                    action="closed",
                    reason="x",
                    from_user=officer,
                    recorded_by=officer,
                )
                journal(handover, ("measure", m))
                referral = Referral.objects.create(
                    service=service,
                    measure_id=measure_id,
                    case=case,
                    shared="x",
                    sent_by=officer,
                    sent_at=timezone.now(),
                )
                journal(referral, ("measure", m))
                decision = Decision.objects.create(
                    meeting=meeting, text="x", audience=Audience.GROUP, measure_id=measure_id, recorded_by=officer
                )
                journal(decision, ("decision", m))
                words = OwnWords.objects.create(
                    case=case, kind=WordsKind.PROPOSAL, measure_id=measure_id, text="x", written_by=person
                )
                journal(words, ("measure", m))
            wish = OwnWords.objects.create(case=case, kind=WordsKind.WISH, text="x", written_by=person)
            journal(wish, ("wish", 0))
    return grants


def granted_entries(world: World, viewer: Viewer, granted: Rights, grants: dict[int, tuple[str, int]]) -> set[int]:
    """The entries the reference grants: about a need or measure it grants; a wish to those who read the facts.

    A decision written for everyone in the group: not for a volunteer (the person shares no
    messages with volunteers here) unless they wrote it (build's officer, staff 0).
    """
    volunteer = viewer.kind == "staff" and world.staff[viewer.index].role == Role.VOLUNTEER
    kept = set()
    for entry_id, (kind, index) in grants.items():
        if (
            (kind == "need" and index in granted.needs)
            or (kind == "measure" and index in granted.measures)
            or (kind == "wish" and granted.rung in READS_FACTS)
            or (kind == "decision" and index in granted.measures and (not volunteer or viewer == Viewer("staff", 0)))
        ):
            kept.add(entry_id)
    return kept


def test_the_journal_filter_keeps_exactly_what_the_reference_grants():
    """>= 60 random worlds and the two that hold every rung: 0 entries kept or hidden against the reference."""
    agencies = demo_agencies()
    life_area = LifeArea.objects.get(slug="debt")
    tally = {"examples": 0, "checked": 0, "hidden": 0, "kept": 0}

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @seed(20261207)
    @given(world=worlds())
    @example(world=COVERED_VOLUNTEER)
    @example(world=EVERY_RUNG)
    def holds(world: World) -> None:
        with transaction.atomic():
            built = build(world, agencies, life_area, 90000 + tally["examples"])
            grants = add_journalled_objects(built)
            tally["examples"] += 1
            for viewer, user in built.users.items():
                for c, case in enumerate(built.cases):
                    granted = reference_rights(world, viewer, c)
                    access = access_by_code(user, case.code)
                    assert (access is None) == (granted is None), (viewer, c)
                    if access is None or granted is None:
                        continue
                    entries = JournalEntry.objects.filter(case=case, pk__in=list(grants[c]))
                    kept = set(entries.filter(access.journal_filter).values_list("pk", flat=True))
                    former = set(entries.filter(former_journal_filter(access)).values_list("pk", flat=True))
                    expected = granted_entries(world, viewer, granted, grants[c])
                    assert kept == expected, (viewer, user.role, granted.rung, sorted(kept ^ expected))
                    assert kept == former, (viewer, user.role, granted.rung, sorted(kept ^ former))
                    tally["checked"] += 1
                    tally["kept"] += len(kept)
                    tally["hidden"] += len(grants[c]) - len(kept)
            transaction.set_rollback(True)

    holds()
    # Entries were both kept and hidden, so the comparison cannot pass by keeping all or none.
    assert tally["examples"] >= 60 and tally["kept"] > 0 and tally["hidden"] > 0, tally
