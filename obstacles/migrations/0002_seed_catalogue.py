"""Seed the reentry map's catalogue (seed 001 §5) and the detection thresholds; an admin edits them afterwards."""

from django.db import migrations

from obstacles.catalogue import CHALLENGES, knot_code, tangle_code
from obstacles.thresholds import THRESHOLDS


def seed(apps, schema_editor):
    Challenge = apps.get_model("obstacles", "Challenge")
    Tangle = apps.get_model("reference", "Tangle")
    Knot = apps.get_model("reference", "Knot")
    Threshold = apps.get_model("obstacles", "Threshold")
    tangles = {tangle.code: tangle for tangle in Tangle.objects.all()}
    knots = {knot.code: knot for knot in Knot.objects.all()}
    for position, (key, seed_code, phases, nb, da, en) in enumerate(CHALLENGES):
        Challenge.objects.get_or_create(
            code=key,
            defaults={
                "seed_code": seed_code,
                "tangle": tangles.get(tangle_code(seed_code) or ""),
                "knot": knots.get(knot_code(seed_code) or ""),
                "phases": list(phases),
                "text_nb": nb,
                "text_da": da,
                "text_en": en,
                "position": position,
            },
        )
    for key, value, source in THRESHOLDS:
        Threshold.objects.get_or_create(key=key, defaults={"value": value, "source": source})


class Migration(migrations.Migration):
    dependencies = [("obstacles", "0001_initial"), ("reference", "0002_seed_taxonomy")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
