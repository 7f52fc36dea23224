"""Writes for the timetable; user actions are journaled in their own transaction.

The nightly pass (:func:`deadlines_refresh`) and the reminder job (:func:`reminders_send`)
write derived rows only (deadlines as last computed, reminders as sent), not case data.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from cases.models import Case, Stage
from journal.services import record_change, snapshot
from timetable import engine
from timetable.models import (
    OPEN_STATES,
    CalendarFeed,
    CaseRuleSet,
    Deadline,
    DeadlineState,
    InstitutionRuleSet,
    ReleaseNotice,
    Reminder,
    ReminderPhase,
    RuleSet,
)
from timetable.selectors import RuleBook, facts_for_cases, token_hash

logger = logging.getLogger(__name__)

#: Days before the due date on which the first reminder goes out.
REMINDER_DAYS_BEFORE = getattr(settings, "TIMETABLE_REMINDER_DAYS_BEFORE", 3)
#: Cases per batch in the nightly pass: one query per kind of fact per batch.
BATCH_SIZE = 500


# ---------------------------------------------------------------------------------------
# Rule-set choices and release notices


@transaction.atomic
def rule_set_choose_for_case(*, actor: User, case: Case, rule_set: RuleSet, reason: str) -> CaseRuleSet:
    """Make a case follow another rule set than its institution's; the reason is required."""
    if rule_set.country != case.country:
        raise ValidationError({"rule_set": _("Choose a rule set of the case's own country.")})
    choice = CaseRuleSet.objects.filter(case=case).first()
    old = snapshot(choice, ["rule_set", "reason"]) if choice else None
    if choice is None:
        choice = CaseRuleSet(case=case)
    choice.rule_set, choice.reason, choice.chosen_by = rule_set, reason.strip(), actor
    choice.full_clean()
    choice.save()
    record_change(
        actor=actor,
        action="timetable.rule_set_chosen",
        obj=choice,
        case=case,
        old=old,
        new=snapshot(choice, ["rule_set", "reason"]),
    )
    return choice


@transaction.atomic
def rule_set_choose_for_institution(*, actor: User, institution: Agency, rule_set: RuleSet) -> InstitutionRuleSet:
    """Set the rule set an institution's cases follow."""
    if actor.role != Role.ADMIN:
        raise ValidationError(_("Only an administrator chooses an institution's rule set."))
    if not institution.is_prison or institution.country != rule_set.country:
        raise ValidationError({"rule_set": _("Choose a rule set of the prison's own country.")})
    choice = InstitutionRuleSet.objects.filter(institution=institution).first()
    old = snapshot(choice, ["rule_set"]) if choice else None
    choice = choice or InstitutionRuleSet(institution=institution)
    choice.rule_set, choice.chosen_by = rule_set, actor
    choice.full_clean()
    choice.save()
    record_change(
        actor=actor,
        action="timetable.institution_rule_set_chosen",
        obj=choice,
        case=None,
        old=old,
        new=snapshot(choice, ["institution", "rule_set"]),
    )
    return choice


@transaction.atomic
def release_notice_record(
    *, actor: User, case: Case, recipient: str, release_date: datetime.date, told_on: datetime.date
) -> ReleaseNotice:
    """Record that NAV or the home municipality was told of the release date."""
    if told_on > timezone.localdate():
        raise ValidationError({"told_on": _("The day they were told cannot lie in the future.")})
    notice = ReleaseNotice(
        case=case, recipient=recipient, release_date=release_date, told_on=told_on, recorded_by=actor
    )
    notice.full_clean()
    notice.save()
    record_change(
        actor=actor,
        action="timetable.release_notice_recorded",
        obj=notice,
        case=case,
        old=None,
        new=snapshot(notice, ["recipient", "release_date", "told_on"]),
    )
    return notice


# ---------------------------------------------------------------------------------------
# Calendar feeds


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """Give the user a new secret feed address, revoking the old one; return the secret once."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=actor, token_hash=token_hash(token))
    feed.full_clean()
    feed.save()
    record_change(actor=actor, action="timetable.calendar_feed_created", obj=feed, case=None, old=None, new=None)
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    """Revoke the user's feed address; calendars subscribed to it get nothing more."""
    feeds = list(CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True))
    for feed in feeds:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record_change(actor=actor, action="timetable.calendar_feed_revoked", obj=feed, case=None, old=None, new=None)
    return len(feeds)


@transaction.atomic
def reminders_mark_read(*, actor: User) -> int:
    """Mark the user's inbox as read."""
    return Reminder.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------
# The nightly pass


def _batches(queryset, size: int) -> Iterator[list[Case]]:
    """Stream cases in primary-key order, one bounded batch at a time (keyset pagination)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


@dataclass
class RefreshResult:
    cases: int = 0
    deadlines: int = 0
    batches: int = 0


def deadlines_refresh(*, today: datetime.date | None = None, batch_size: int = BATCH_SIZE) -> RefreshResult:
    """Recompute every open case's deadlines into :class:`Deadline`, batch by batch.

    Each batch costs a fixed number of queries (the cases, one per kind of fact, one
    upsert), so the pass streams over all cases without one query per case.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    result = RefreshResult()
    cases = Case.objects.exclude(stage=Stage.CLOSED)
    for batch in _batches(cases, batch_size):
        ids = [case.pk for case in batch]
        book = RuleBook(case_ids=ids)
        facts = facts_for_cases(batch)
        rows = []
        for case in batch:
            for outcome in engine.evaluate(book.rules_for(case), facts[case.pk], today):
                rows.append(
                    Deadline(
                        case=case,
                        code=outcome.rule.code,
                        rule_id=outcome.rule.id,
                        kind=outcome.rule.kind,
                        owner_role=outcome.rule.owner_role,
                        due_date=outcome.due,
                        state=outcome.state,
                        met_on=outcome.met_on,
                        computed_at=now,
                    )
                )
        with transaction.atomic():
            Deadline.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["case", "code"],
                update_fields=["rule", "kind", "owner_role", "due_date", "state", "met_on", "computed_at"],
            )
            # Rules no longer in the case's rule set: keep the row (reminders hang on it), close it.
            Deadline.objects.filter(case_id__in=ids, computed_at__lt=now).update(
                state=DeadlineState.NOT_APPLICABLE, computed_at=now
            )
        result.cases += len(batch)
        result.deadlines += len(rows)
        result.batches += 1
    return result


# ---------------------------------------------------------------------------------------
# Reminders


@dataclass
class SendResult:
    claimed: int = 0
    sent: int = 0
    already: int = 0
    failed: int = 0


def _phase(deadline: Deadline, today: datetime.date) -> str | None:
    if deadline.due_date is None:
        return None
    if deadline.due_date <= today:
        return ReminderPhase.DUE
    if (deadline.due_date - today).days <= REMINDER_DAYS_BEFORE:
        return ReminderPhase.BEFORE
    return None


def _claim(recipient_id: int, deadline: Deadline, phase: str) -> Reminder | None:
    """Insert the reminder row; the unique constraint lets exactly one claimant through."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                recipient_id=recipient_id, deadline=deadline, due_date=deadline.due_date, phase=phase
            )
    except IntegrityError:
        return None


def _message(reminder: Reminder, user: User, deadline: Deadline, base_url: str) -> EmailMessage:
    """Say what is due, on which case code and when; never the person's name or needs."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = deadline.get_kind_display()
        if reminder.phase == ReminderPhase.DUE:
            subject = _("Due: %(kind)s (case %(code)s)") % {"kind": kind, "code": deadline.case.code}
        else:
            subject = _("Coming up: %(kind)s (case %(code)s)") % {"kind": kind, "code": deadline.case.code}
        body = _("%(kind)s is due on %(date)s for case %(code)s.\n\nOpen the case: %(url)s\n") % {
            "kind": kind,
            "date": deadline.due_date.isoformat(),
            "code": deadline.case.code,
            "url": base_url.rstrip("/") + reverse("cases:overview", kwargs={"code": deadline.case.code}),
        }
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _remind(user, deadline, phase, connection, base_url, result, crash_after_send) -> None:
    """Claim one reminder, send its e-mail, mark it sent."""
    reminder = _claim(user.pk, deadline, phase)
    if reminder is None:
        result.already += 1
        return
    result.claimed += 1
    if not user.email:
        return
    try:
        connection.send_messages([_message(reminder, user, deadline, base_url)])
    except Exception:  # the inbox row stays; the e-mail is not retried, so it is never sent twice
        logger.exception("Reminder %s: the e-mail could not be sent", reminder.pk)
        result.failed += 1
        return
    if crash_after_send:
        raise SystemExit("Simulated crash between sending and marking a reminder")
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    result.sent += 1


def reminders_send(
    *, today: datetime.date | None = None, refresh: bool = True, base_url: str = "", crash_after_send: bool = False
) -> SendResult:
    """Send each owner one reminder before and one on the due date, by e-mail and in the inbox.

    Order per reminder: insert the row (unique on recipient, deadline, due date and
    phase), send the e-mail, mark it sent. A run that loses the insert sends nothing, so
    reruns, concurrent runs and a rerun after a crash between sending and marking never
    send twice. ``crash_after_send`` stops the run right after the first e-mail, before
    marking it, to let tests prove exactly that.
    """
    today = today or timezone.localdate()
    if refresh:
        deadlines_refresh(today=today)
    window_end = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE)
    candidates = list(
        Deadline.objects.filter(state__in=OPEN_STATES, due_date__lte=window_end, due_date__isnull=False)
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case")
        .order_by("due_date", "id")
    )
    result = SendResult()
    if not candidates:
        return result
    connection = get_connection(fail_silently=False)
    try:
        # In batches of cases, so no query grows with the number of cases.
        for first in range(0, len(candidates), BATCH_SIZE):
            batch = candidates[first : first + BATCH_SIZE]
            facts = facts_for_cases(list({deadline.case_id: deadline.case for deadline in batch}.values()))
            member_ids = {member.user_id for case_facts in facts.values() for member in case_facts.members}
            recipients = {user.pk: user for user in User.objects.filter(pk__in=member_ids, is_active=True)}
            for deadline in batch:
                phase = _phase(deadline, today)
                for user_id in facts[deadline.case_id].owners(deadline.owner_role) if phase else []:
                    user = recipients.get(user_id)
                    if user is not None:
                        _remind(user, deadline, phase, connection, base_url, result, crash_after_send)
    finally:
        connection.close()
    return result
