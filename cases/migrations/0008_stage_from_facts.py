"""Set each open case's stage from what has happened (issue 17, point 1).

Until now only a planned release moved the stage, so cases with a held needs
conversation and a chosen plan still read "understand needs". The rule is
``cases.stage.stage_for`` (a pure function); the facts are read here from the
historical models. Not journaled: no one acted; the journal records acts, and from
now on every move is journaled by the service that causes it.
"""

from django.db import migrations
from django.utils import timezone


def set_stages(apps, schema_editor):
    from cases.stage import StageFacts, stage_for

    Case = apps.get_model("cases", "Case")
    Transition = apps.get_model("handover", "Transition")
    NeedsConversation = apps.get_model("needs", "NeedsConversation")
    Measure = apps.get_model("plans", "Measure")
    today = timezone.localdate()
    open_transitions = set(
        Transition.objects.filter(state__in=["planned", "overlap"]).values_list("case_id", flat=True)
    )
    held = set(NeedsConversation.objects.filter(part=1, completed=True).values_list("case_id", flat=True))
    planned = set(Measure.objects.filter(status__in=["chosen", "started", "done"]).values_list("case_id", flat=True))
    for case in Case.objects.exclude(stage="closed").only("pk", "stage", "intake_date", "released_on", "closed_on"):
        stage = stage_for(
            StageFacts(
                intake_date=case.intake_date,
                closed=case.closed_on is not None,
                released=case.released_on is not None,
                open_transition=case.pk in open_transitions,
                needs_conversation_held=case.pk in held,
                plan_has_measure=case.pk in planned,
            ),
            today,
        )
        if stage != case.stage:
            Case.objects.filter(pk=case.pk).update(stage=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_carry_over"),
        ("handover", "0002_completion_checks"),
        ("needs", "0003_volunteer_sharing"),
        ("plans", "0002_copied_from_earlier_case"),
    ]

    operations = [migrations.RunPython(set_stages, migrations.RunPython.noop)]
