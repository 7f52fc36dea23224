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
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.language import language_for
from accounts.models import Agency, Role, User
from cases.models import Case, Membership, Stage, membership_is_current
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
    ReminderAlert,
    ReminderPhase,
    RuleSet,
)
from timetable.selectors import RuleBook, facts_for_cases, token_hash

logger = logging.getLogger(__name__)

#: Days before the due date on which the first reminder goes out.
REMINDER_DAYS_BEFORE = getattr(settings, "TIMETABLE_REMINDER_DAYS_BEFORE", 3)
#: Attempts to send a reminder's e-mail, one per run, before the lead is alerted instead.
REMINDER_MAX_ATTEMPTS = getattr(settings, "TIMETABLE_REMINDER_MAX_ATTEMPTS", 5)
#: A reminder taken for sending longer ago than this was left by a run that died mid-send.
REMINDER_SENDING_LEASE = datetime.timedelta(minutes=getattr(settings, "TIMETABLE_REMINDER_SENDING_LEASE_MINUTES", 30))
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


def _batches(queryset: QuerySet[Case], size: int) -> Iterator[list[Case]]:
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
    #: Reminder rows this run inserted (each one reminder in the inbox).
    claimed: int = 0
    #: E-mails sent, for reminders of this run or unsent ones of earlier runs.
    sent: int = 0
    #: Reminders another run had already inserted.
    already: int = 0
    #: Attempts to send that failed; each is retried by a later run, up to the limit.
    failed: int = 0
    #: Reminders given up on this run, each an alert to the case's lead.
    gave_up: int = 0
    #: Reminders a crashed run left half-sent, never sent again, each an alert.
    unknown: int = 0


def _phase(deadline: Deadline, today: datetime.date) -> str | None:
    if deadline.due_date is None:
        return None
    if deadline.due_date <= today:
        return ReminderPhase.DUE
    if (deadline.due_date - today).days <= REMINDER_DAYS_BEFORE:
        return ReminderPhase.BEFORE
    return None


def _claim(recipient_id: int, deadline: Deadline, due_date: datetime.date, phase: str) -> Reminder | None:
    """Insert the reminder row; the unique constraint lets exactly one claimant through."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(recipient_id=recipient_id, deadline=deadline, due_date=due_date, phase=phase)
    except IntegrityError:
        return None


def _message(reminder: Reminder, base_url: str) -> EmailMessage:
    """Say what is due, on which case code and when; never the person's name or needs.

    In the recipient's language (accounts.language), the date as that language writes it. The
    Message-ID is the reminder's own, so a mail client can tell a copy from a new one.
    """
    deadline, user = reminder.deadline, reminder.recipient
    with translation.override(language_for(user)):
        kind = deadline.get_kind_display()
        if reminder.phase == ReminderPhase.DUE:
            subject = _("Due: %(kind)s (case %(code)s)") % {"kind": kind, "code": deadline.case.code}
        else:
            subject = _("Coming up: %(kind)s (case %(code)s)") % {"kind": kind, "code": deadline.case.code}
        body = _("%(kind)s is due on %(date)s for case %(code)s.\n\nOpen the case: %(url)s\n") % {
            "kind": kind,
            "date": date_format(reminder.due_date, "j. F Y"),
            "code": deadline.case.code,
            "url": base_url.rstrip("/") + reverse("cases:overview", kwargs={"code": deadline.case.code}),
        }
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "overgang"
    headers = {"Message-ID": f"<reminder-{reminder.pk}@{domain}>"}
    return EmailMessage(subject=subject, body=body, to=[user.email], headers=headers)


def _create_reminders(candidates: list[Deadline], today: datetime.date, result: SendResult) -> None:
    """Insert one reminder row per owner of each deadline in its window (the inbox)."""
    # In batches of cases, so no query grows with the number of cases.
    for first in range(0, len(candidates), BATCH_SIZE):
        batch = candidates[first : first + BATCH_SIZE]
        facts = facts_for_cases(list({deadline.case_id: deadline.case for deadline in batch}.values()))
        member_ids = {member.user_id for case_facts in facts.values() for member in case_facts.members}
        active = set(User.objects.filter(pk__in=member_ids, is_active=True).values_list("pk", flat=True))
        for deadline in batch:
            phase = _phase(deadline, today)
            if phase is None or deadline.due_date is None:  # no date, or not yet in its window
                continue
            for user_id in facts[deadline.case_id].owners(deadline.owner_role):
                if user_id in active:
                    if _claim(user_id, deadline, deadline.due_date, phase) is None:
                        result.already += 1
                    else:
                        result.claimed += 1


def unsent_reminders(today: datetime.date) -> QuerySet[Reminder]:
    """Reminders whose e-mail is still owed: not sent, not being sent, not given up.

    Only while it still says something true and goes to someone who may read it: the
    deadline open with the same due date, the recipient active with an address and still
    in the group; a "coming up" reminder not once the day has come.
    """
    in_group = Membership.objects.filter(
        membership_is_current(today), case_id=OuterRef("deadline__case_id"), user_id=OuterRef("recipient_id")
    )
    return (
        Reminder.objects.filter(sent_at__isnull=True, sending_since__isnull=True, alert="")
        .filter(deadline__state__in=OPEN_STATES, deadline__due_date=F("due_date"))
        .exclude(deadline__case__stage=Stage.CLOSED)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(phase=ReminderPhase.BEFORE, due_date__lte=today)
        .filter(Exists(in_group))
    )


def _take_for_sending(reminder_id: int) -> bool:
    """Mark one reminder as being sent; True for exactly one run, however many try at once.

    A conditional UPDATE: on PostgreSQL the second writer waits for the first's row lock
    and then finds the condition false; SQLite runs one writer at a time.
    """
    taken = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True, sending_since__isnull=True, alert="")
    return taken.update(sending_since=timezone.now(), attempts=F("attempts") + 1) == 1


def _alert(reminder: Reminder, alert: str, now: datetime.datetime) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(alert=alert, alerted_at=now)
    logger.error(
        "Reminder %s (case %s, %s due %s): %s after %s attempt(s); the case's lead is told on what is due",
        reminder.pk,
        reminder.deadline.case.code,
        reminder.deadline.kind,
        reminder.due_date,
        alert,
        reminder.attempts,
    )


def _send_one(
    reminder: Reminder, connection: BaseEmailBackend, base_url: str, result: SendResult, crash_after_send: bool
) -> None:
    """Send a reminder taken for sending, then mark it sent; on failure, free it for a retry."""
    try:
        connection.send_messages([_message(reminder, base_url)])
    except Exception as error:  # SMTP down, refused, timed out: it did not go out
        connection.close()  # the next send opens a fresh connection
        result.failed += 1
        logger.warning("Reminder %s: attempt %s to send the e-mail failed: %s", reminder.pk, reminder.attempts, error)
        Reminder.objects.filter(pk=reminder.pk).update(sending_since=None, last_error=str(error)[:300])
        if reminder.attempts >= REMINDER_MAX_ATTEMPTS:
            result.gave_up += 1
            _alert(reminder, ReminderAlert.FAILED, timezone.now())
        return
    if crash_after_send:
        raise SystemExit("Simulated crash between sending and marking a reminder")
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now(), sending_since=None, last_error="")
    result.sent += 1


def _send_unsent(today: datetime.date, base_url: str, result: SendResult, crash_after_send: bool) -> None:
    """Send every owed e-mail once in this run, in batches in id order."""
    connection = get_connection(fail_silently=False)
    last = 0
    try:
        while True:
            batch = list(
                unsent_reminders(today)
                .filter(pk__gt=last)
                .select_related("recipient__agency", "deadline", "deadline__case")
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                return
            last = batch[-1].pk
            for reminder in batch:
                if _take_for_sending(reminder.pk):
                    reminder.attempts += 1
                    _send_one(reminder, connection, base_url, result, crash_after_send)
    finally:
        connection.close()


def _alert_half_sent(now: datetime.datetime, result: SendResult) -> None:
    """Alert on reminders a run took for sending and never marked: it died mid-send.

    Whether their e-mail went out cannot be known, so none is sent again (never twice);
    the lead is told instead. A run still alive marks its reminder within seconds.
    """
    stale = Reminder.objects.filter(
        sent_at__isnull=True, alert="", sending_since__lt=now - REMINDER_SENDING_LEASE
    ).select_related("deadline", "deadline__case")
    for reminder in stale:
        result.unknown += 1
        _alert(reminder, ReminderAlert.UNKNOWN, now)


def reminders_send(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    refresh: bool = True,
    base_url: str = "",
    crash_after_send: bool = False,
) -> SendResult:
    """Send each owner one reminder before and one on the due date, in the inbox and by e-mail.

    First the claim: a reminder row per recipient, deadline, due date and phase (unique),
    which is the inbox entry. Then every e-mail still owed, this run's and earlier runs',
    is taken for sending by one run only, sent, and marked sent. An e-mail that fails is
    retried by the next run, up to ``REMINDER_MAX_ATTEMPTS`` attempts, then given up with
    an alert. One left half-sent by a crash is never sent again; it becomes an alert.
    ``crash_after_send`` stops the run right after an e-mail, before marking it, to let
    tests prove that.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if refresh:
        deadlines_refresh(today=today)
    result = SendResult()
    _alert_half_sent(now, result)
    window_end = today + datetime.timedelta(days=REMINDER_DAYS_BEFORE)
    candidates = list(
        Deadline.objects.filter(state__in=OPEN_STATES, due_date__lte=window_end, due_date__isnull=False)
        .exclude(case__stage=Stage.CLOSED)
        .select_related("case")
        .order_by("due_date", "id")
    )
    _create_reminders(candidates, today, result)
    _send_unsent(today, base_url, result, crash_after_send)
    return result
