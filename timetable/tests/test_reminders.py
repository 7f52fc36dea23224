"""Reminders: exactly one per recipient, deadline, due date and phase, however the job runs.

E-mail goes through Django's SMTP backend to a real SMTP server on 127.0.0.1.
"""

import datetime
import io
import logging
import socket
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from core.tests.live import on_this_clock
from timetable.models import Deadline, Reminder, ReminderAlert, ReminderPhase
from timetable.services import (
    REMINDER_MAX_ATTEMPTS,
    REMINDER_SENDING_LEASE,
    deadlines_refresh,
    reminders_send,
)

pytestmark = pytest.mark.django_db

PER_BATCH = 16


def sent_per_reminder(sink) -> Counter:
    return Counter(sink.keys())


def test_running_the_job_twice_sends_each_reminder_once(smtp_settings):
    first = reminders_send()
    assert first.claimed > 0
    assert first.sent == first.claimed == len(smtp_settings.messages)
    second = reminders_send()
    assert second.claimed == second.sent == 0
    assert second.already == first.claimed
    assert Reminder.objects.count() == first.claimed == len(smtp_settings.messages)
    assert max(sent_per_reminder(smtp_settings).values()) == 1
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def message_ids(sink) -> Counter:
    return Counter(message["Message-ID"] for message in sink.messages)


def test_a_rerun_after_a_crash_between_sending_and_marking_sends_nothing_twice(smtp_settings, caplog):
    with pytest.raises(SystemExit):
        reminders_send(crash_after_send=True)
    assert len(smtp_settings.messages) == 1
    crashed = Reminder.objects.get(sending_since__isnull=False)
    assert (crashed.sent_at, crashed.attempts) == (None, 1)  # sent, never marked
    rows = Reminder.objects.exclude(recipient__email="").count()
    assert rows > 1
    # A rerun at once sends the rest and leaves the half-sent one alone.
    result = reminders_send()
    assert (result.claimed, result.sent, result.unknown) == (0, rows - 1, 0)
    assert len(smtp_settings.messages) == rows
    assert max(sent_per_reminder(smtp_settings).values()) == 1
    assert max(message_ids(smtp_settings).values()) == 1
    # Once no live run can still be sending it, it becomes an alert and is still never resent.
    later = timezone.now() + REMINDER_SENDING_LEASE + datetime.timedelta(minutes=1)
    with caplog.at_level(logging.ERROR, logger="timetable.services"):
        result = reminders_send(today=timezone.localdate(), now=later, refresh=False)
    assert (result.sent, result.unknown) == (0, 1)
    crashed.refresh_from_db()
    assert (crashed.alert, crashed.sent_at) == (ReminderAlert.UNKNOWN, None)
    assert f"Reminder {crashed.pk} " in caplog.text
    assert reminders_send(today=timezone.localdate(), now=later, refresh=False).unknown == 0
    assert len(smtp_settings.messages) == rows


def test_with_smtp_down_nothing_is_marked_sent_and_the_next_run_sends_each_once(smtp_server):
    smtp_server.stop()
    first = reminders_send()
    owed = Reminder.objects.exclude(recipient__email="").count()
    assert first.claimed >= owed > 0
    assert (first.sent, first.failed) == (0, owed)
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    assert set(Reminder.objects.exclude(recipient__email="").values_list("attempts", flat=True)) == {1}
    assert all(r.last_error for r in Reminder.objects.exclude(recipient__email=""))
    smtp_server.start()
    second = reminders_send()
    assert (second.claimed, second.sent, second.failed) == (0, owed, 0)
    assert reminders_send().sent == 0
    assert len(smtp_server.sink.messages) == owed
    assert max(sent_per_reminder(smtp_server.sink).values()) == 1
    assert Reminder.objects.filter(sent_at__isnull=False).count() == owed


def test_after_the_last_attempt_the_lead_is_alerted_and_nothing_more_is_tried(
    smtp_server, caplog, client_for, personas
):
    smtp_server.stop()
    with caplog.at_level(logging.ERROR, logger="timetable.services"):
        for attempt in range(1, REMINDER_MAX_ATTEMPTS + 1):
            result = reminders_send(refresh=attempt == 1)
            assert result.sent == 0
            assert result.gave_up == (result.failed if attempt == REMINDER_MAX_ATTEMPTS else 0)
    owed = Reminder.objects.exclude(recipient__email="")
    assert result.gave_up == owed.count() > 0
    assert set(owed.values_list("alert", "attempts")) == {(ReminderAlert.FAILED, REMINDER_MAX_ATTEMPTS)}
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == owed.count()
    smtp_server.start()
    assert reminders_send().failed == reminders_send().sent == 0
    assert smtp_server.sink.messages == []
    # The lead of the case sees it on "what is due"; a member who does not lead it does not.
    nora = Case.objects.select_related("lead__user").get(person__first_name="Nora")
    alert = owed.filter(deadline__case=nora).first()
    assert nora.lead.user == personas.contact_officer
    body = client_for(personas.contact_officer).get(reverse("timetable:due")).content.decode()
    assert f'data-case="{nora.code}" data-alert="failed"' in body
    assert alert.recipient.display_name in body
    member = personas.nav_with_consent
    assert not Case.objects.filter(lead__user=member).exists()
    assert "data-reminder-alerts" not in client_for(member).get(reverse("timetable:due")).content.decode()


def test_reminders_go_to_the_owning_role_before_and_on_the_due_date(smtp_settings, personas):
    nora = Case.objects.get(person__first_name="Nora")
    reminders_send()
    overdue = Reminder.objects.get(deadline__case=nora, deadline__code="needs-conversation")
    assert overdue.recipient == personas.contact_officer
    assert overdue.phase == ReminderPhase.DUE
    emil = Case.objects.get(person__first_name="Emil")
    deadline = Deadline.objects.get(case=emil, code="needs-conversation")
    reminders_send(today=deadline.due_date - datetime.timedelta(days=2))
    reminders_send(today=deadline.due_date)
    phases = sorted(Reminder.objects.filter(deadline=deadline).values_list("phase", flat=True))
    assert phases == [ReminderPhase.BEFORE, ReminderPhase.DUE]


def test_a_moved_due_date_gets_a_reminder_of_its_own(smtp_settings):
    nora = Case.objects.get(person__first_name="Nora")
    reminders_send()
    Case.objects.filter(pk=nora.pk).update(intake_date=nora.intake_date + datetime.timedelta(days=1))
    reminders_send()
    due_dates = set(
        Reminder.objects.filter(deadline__case=nora, deadline__code="needs-conversation").values_list(
            "due_date", flat=True
        )
    )
    assert len(due_dates) == 2


def test_the_email_names_the_case_code_and_kind_but_not_the_person(smtp_settings):
    reminders_send()
    nora = Case.objects.select_related("person").get(person__first_name="Nora")
    texts = [m.get_payload(decode=True).decode() + m["Subject"] for m in smtp_settings.messages]
    assert any(nora.code in text for text in texts)
    assert not any(nora.person.last_name in text for text in texts)


def test_the_inbox_lists_the_users_reminders_and_marks_them_read(smtp_settings, client_for, personas):
    reminders_send()
    client = client_for(personas.contact_officer)
    body = client.get(reverse("timetable:inbox")).content.decode()
    nora = Case.objects.get(person__first_name="Nora")
    assert nora.code in body
    client.post(reverse("timetable:inbox_read"))
    assert not Reminder.objects.filter(recipient=personas.contact_officer, read_at__isnull=True).exists()
    assert nora.code not in client_for(personas.volunteer).get(reverse("timetable:inbox")).content.decode()


def test_the_nightly_pass_streams_in_batches_with_a_bounded_number_of_queries(django_assert_max_num_queries):
    open_cases = Case.objects.exclude(stage="closed").count()
    batches = -(-open_cases // 4)
    # Per batch: the cases, the rule book, one query per kind of fact, the upsert and the
    # closing of stale rows, in a savepoint; whatever the batch's size.
    with django_assert_max_num_queries(batches * PER_BATCH + 1):
        result = deadlines_refresh(batch_size=4)
    assert (result.cases, result.batches) == (open_cases, batches)
    with django_assert_max_num_queries(PER_BATCH + 1):
        assert deadlines_refresh(batch_size=1000).batches == 1
    assert Deadline.objects.filter(case__person__first_name="Nora", code="needs-conversation", state="overdue")


def test_the_commands_run(smtp_settings):
    out = io.StringIO()
    call_command("compute_deadlines", stdout=out)
    call_command("send_reminders", "--no-refresh", stdout=out)
    assert "batches" in out.getvalue() and "claimed" in out.getvalue()
    assert Reminder.objects.exists()


# ---------------------------------------------------------------------------------------
# Concurrent runs: separate processes against the live server's own database.


def _count(output: str, word: str) -> int:
    return int(output.split(f"{word} ")[1].split(",")[0])


def test_concurrent_runs_send_exactly_one_reminder_each_also_when_retrying(live_site, smtp_sink):
    env = {
        **on_this_clock(live_site.env),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_sink.host,
        "EMAIL_PORT": str(smtp_sink.port),
    }
    live_site.manage("compute_deadlines")
    # First a run while SMTP is down (nothing listens on the port): it claims, sends nothing.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = {**env, "EMAIL_PORT": str(closed.getsockname()[1])}
        first = subprocess.run(
            [sys.executable, "manage.py", "send_reminders"],
            cwd=live_site_base(),
            env=down,
            capture_output=True,
            text=True,
        )
    assert first.returncode == 0, first.stderr
    rows = _count(first.stdout, "claimed")
    assert rows > 0
    assert _count(first.stdout, "sent") == 0 and _count(first.stdout, "failed") > 0, first.stdout
    runs = [
        subprocess.Popen(
            # Half of them also recompute the deadlines, as overlapping cron runs would.
            [sys.executable, "manage.py", "send_reminders", *(["--no-refresh"] if number % 2 else [])],
            cwd=live_site_base(),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(6)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * len(runs), outputs
    time.sleep(0.2)
    unsent = int(
        live_site.manage(
            "shell",
            "-c",
            "from timetable.models import Reminder; "
            "print(Reminder.objects.exclude(recipient__email='').filter(sent_at__isnull=True).count())",
        ).splitlines()[-1]
    )
    sent = sum(_count(out, "sent") for out, _ in outputs)
    assert sum(_count(out, "claimed") for out, _ in outputs) == 0
    assert unsent == 0
    assert sent == _count(first.stdout, "failed") == len(smtp_sink.messages) > 0
    assert max(Counter(smtp_sink.keys()).values()) == 1
    # A further run finds nothing to claim and nothing owed.
    again = subprocess.run(
        [sys.executable, "manage.py", "send_reminders"], cwd=live_site_base(), env=env, capture_output=True, text=True
    )
    assert "claimed 0, sent 0," in again.stdout
    assert len(smtp_sink.messages) == sent


def live_site_base():
    from core.tests.live import BASE_DIR

    return BASE_DIR


def test_reminder_dates_are_dates_in_the_local_calendar():
    assert isinstance(timezone.localdate(), datetime.date)
