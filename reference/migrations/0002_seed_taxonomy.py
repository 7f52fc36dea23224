"""Seed the needs taxonomy (DOMAIN.md §4); an admin may edit it afterwards."""

from django.db import migrations

from reference.taxonomy import KNOTS, LIFE_AREAS, TANGLES


def seed(apps, schema_editor):
    Tangle = apps.get_model("reference", "Tangle")
    Knot = apps.get_model("reference", "Knot")
    LifeArea = apps.get_model("reference", "LifeArea")
    tangles = {}
    for code, en, nb, da in TANGLES:
        tangles[code], _ = Tangle.objects.get_or_create(
            code=code, defaults={"name_en": en, "name_nb": nb, "name_da": da}
        )
    for tangle_code, code, en, nb, da in KNOTS:
        Knot.objects.get_or_create(
            code=code, defaults={"tangle": tangles[tangle_code], "name_en": en, "name_nb": nb, "name_da": da}
        )
    for position, (tangle_code, slug, en, nb, da) in enumerate(LIFE_AREAS):
        LifeArea.objects.get_or_create(
            slug=slug,
            defaults={
                "tangle": tangles[tangle_code],
                "name_en": en,
                "name_nb": nb,
                "name_da": da,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
