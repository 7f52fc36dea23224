"""An index of the urgent missing items only: "What is due" asks for them on every staff start page
(a scan of every item before). Small and quick to build: the items are a few per release."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_anonymised_at"),
        ("handover", "0002_completion_checks"),
        ("release", "0001_readiness_and_alerts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="readinessitem",
            index=models.Index(
                condition=models.Q(("state", "missing"), ("urgent_since__isnull", False)),
                fields=["urgent_since"],
                name="readiness_urgent_missing",
            ),
        ),
    ]
