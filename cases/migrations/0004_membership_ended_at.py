"""Memberships end at a moment, not at midnight.

``ended_at`` is set by the act that ends a membership (removal, a declined or withdrawn
invitation, the closing of the case), so access ends on the next request. Rows that ended
before this migration get the moment their last day ran out; rows whose last day is
today are ended now, as the act that set it meant.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone


def fill_ended_at(apps, schema_editor):
    Membership = apps.get_model("cases", "Membership")
    now = timezone.now()
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    ended = Membership.objects.filter(end_date__isnull=False, end_date__lte=today, ended_at__isnull=True)
    for membership in ended.only("pk", "end_date").iterator():
        if membership.end_date == today:
            moment = now
        else:
            after = membership.end_date + datetime.timedelta(days=1)
            moment = datetime.datetime.combine(after, datetime.time.min, tzinfo=zone)
        Membership.objects.filter(pk=membership.pk).update(ended_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_lead_transitions_closure"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
        migrations.RunPython(fill_ended_at, migrations.RunPython.noop),
    ]
