"""The Meeting model moves to the meetings app (meetings 0004); its table stays. State only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_sentence_terms"),
        ("meetings", "0004_meeting_from_cases"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Meeting")],
            database_operations=[],
        ),
    ]
