"""Reminders: exactly one per recipient, deadline, due date and phase, however the job runs.

E-mail goes through Django's SMTP backend to a real SMTP server on 127.0.0.1.
"""

import datetime
import io
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
from timetable.models import Deadline, Reminder, ReminderPhase
from timetable.services import deadlines_refresh, reminders_send

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


def test_a_rerun_after_a_crash_between_sending_and_marking_sends_nothing_twice(smtp_settings):
    with pytest.raises(SystemExit):
        reminders_send(crash_after_send=True)
    assert len(smtp_settings.messages) == 1
    crashed = Reminder.objects.get()
    assert crashed.sent_at is None  # sent, never marked
    result = reminders_send()
    assert Reminder.objects.count() == result.claimed + 1
    assert len(smtp_settings.messages) == Reminder.objects.count()
    assert max(sent_per_reminder(smtp_settings).values()) == 1
    crashed.refresh_from_db()
    assert crashed.sent_at is None  # still in the inbox; its e-mail went out once


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


def test_concurrent_runs_send_exactly_one_reminder_each(live_site, smtp_sink):
    env = {
        **on_this_clock(live_site.env),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_sink.host,
        "EMAIL_PORT": str(smtp_sink.port),
    }
    live_site.manage("compute_deadlines")
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
    rows = int(
        live_site.manage(
            "shell", "-c", "from timetable.models import Reminder; print(Reminder.objects.count())"
        ).splitlines()[-1]
    )
    claimed = sum(int(out.split("claimed ")[1].split(",")[0]) for out, _ in outputs)
    assert rows > 0
    assert claimed == rows == len(smtp_sink.messages)
    assert max(Counter(smtp_sink.keys()).values()) == 1
    # A further run finds everything claimed.
    again = subprocess.run(
        [sys.executable, "manage.py", "send_reminders"], cwd=live_site_base(), env=env, capture_output=True, text=True
    )
    assert "claimed 0," in again.stdout
    assert len(smtp_sink.messages) == rows


def live_site_base():
    from core.tests.live import BASE_DIR

    return BASE_DIR


def test_reminder_dates_are_dates_in_the_local_calendar():
    assert isinstance(timezone.localdate(), datetime.date)
