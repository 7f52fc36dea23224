"""Seed the cost-benefit's first assumptions from their public sources (issue 22, point 4).

Each value cites its source as the reader reads it (a report, its year and section), in the
source's language. Where in our seed documents (``/work/shared/seeds``) each comes from is said
beside it: seed 003 is Copenhagen's memo on the Exit programme, seed 001 the Stimulab final
delivery (KDI and the welfare directorates, 2024), whose section 6 names Oslo Economics 2024.
Where a source gives no figure, the value is 0 and its source says so, for the analyst to set.
"""

from django.db import migrations
from django.utils import timezone

EXIT_MEMO = "Udvikling og tilpasning af Exitprogrammet (Københavns Kommune, 2015)"
STIMULAB = (
    "En trygg og forutsigbar overgang fra fengsel til et selvstendig liv i frihet, "
    "sluttleveranse (KDI og velferdsdirektoratene, Stimulab, 2024)"
)
OSLO_ECONOMICS = "Samfunnsøkonomiske gevinster av redusert tilbakefall til kriminalitet (Oslo Economics, 2024)"

# seed 003, "Resultater": an external cost-benefit analysis of Exit and KIV estimates a gain of
# up to DKK 298,000 on average per participant, computed from a success rate of 40 %. The memo
# gives the gain, not its parts: the value of one success is that gain divided by the 40 % it
# was computed from (298,000 / 0.40 = 745,000), with no cost apart and no comparison, so that the
# gain at a 40 % success rate is the memo's DKK 298,000 per participant.
DENMARK = {
    "value_per_success": 745000,
    "value_source": f"{EXIT_MEMO}, «Resultater»: en samfundsøkonomisk gevinst på op til 298.000 kr. "
    "i gennemsnit pr. deltager, udregnet ud fra en succesrate på 40 pct. (298.000 / 0,40 = 745.000 kr. pr. succes)",
    "cost_per_participant": 0,
    "cost_source": f"{EXIT_MEMO}: notatet opgiver gevinsten pr. deltager, ikke omkostningen for sig; 0 kr., "
    "så gevinsten ved 40 pct. er notatets 298.000 kr.",
    "comparison_percent": 0,
    "comparison_source": f"{EXIT_MEMO}: gevinsten er udregnet ud fra succesraten på 40 pct. uden en "
    "sammenligningsgruppe; 0 pct.",
    "currency": "DKK",
}
# seed 001 §6 "Gevinstpotensial": society is estimated to save up to NOK 32 million for one
# convicted person who moves to a drug-free life in work; the example is based on Oslo Economics
# 2024. Neither a cost per participant nor a success rate without the work is given.
NORWAY = {
    "value_per_success": 32000000,
    "value_source": f"{OSLO_ECONOMICS}, gjengitt i {STIMULAB}, kap. 6: samfunnet kan spare opptil "
    "32 millioner kroner for en domfelt som går til et rusfritt liv i arbeid",
    "cost_per_participant": 0,
    "cost_source": f"{STIMULAB}, kap. 6, oppgir ingen kostnad per deltaker; 0 kr. til den er satt",
    "comparison_percent": 0,
    "comparison_source": f"{STIMULAB}, kap. 6, oppgir ingen suksessrate uten tiltaket; 0 pct. til den er satt",
    "currency": "NOK",
}


def seed(apps, schema_editor):
    Assumptions = apps.get_model("costbenefit", "Assumptions")
    AssumptionVersion = apps.get_model("costbenefit", "AssumptionVersion")
    Programme = apps.get_model("programmes", "Programme")
    now = timezone.now()
    lines = [("DK", None, DENMARK), ("NO", None, NORWAY)]
    exit_programme = Programme.objects.filter(slug="exit").first()
    if exit_programme is not None:  # the memo measures the Exit programme itself
        lines.append(("DK", exit_programme, DENMARK))
    for country, programme, values in lines:
        line = Assumptions.objects.create(country=country, programme=programme, version=1)
        AssumptionVersion.objects.create(line=line, number=1, made_by=None, made_at=now, **values)


class Migration(migrations.Migration):
    dependencies = [
        ("costbenefit", "0001_initial"),
        ("programmes", "0002_seed_programmes"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
