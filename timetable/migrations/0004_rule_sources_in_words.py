"""The seeded rule sets cite their real sources, in words the screen can translate.

Version 1 of the three rule sets named our own working files ("Seed 001", "DOMAIN §7") and
mixed English with quotations; each text is now the English message of timetable.sources,
which the screen shows in the reader's language. The old texts are put back on reversal.
"""

from django.db import migrations

#: rule set code: (name, source)
RULE_SETS = {
    "no-pop": (
        "Norway: follow-up and progression plan (POP) and housing work",
        "Stimulab and the Norwegian Correctional Service: «En trygg og forutsigbar overgang fra fengsel til et selvstendig liv i frihet» (2024); the Norwegian Correctional Service, tilbakeføring.no: «Arbeidsprosess: Fra fengsel – bolig»",
    ),
    "dk-god-loesladelse": (
        "Denmark: God Løsladelse release timetable",
        "Ramsbøl and Rasmussen: «Projekt God Løsladelse. Erfaringer – metode og anbefalinger» (Servicestyrelsen, 2009), as summed up in NIBR report 2011:20",
    ),
    "se-execution-plan": (
        "Sweden: execution plan",
        "Riksrevisionen: «Kriminalvårdens arbete med att förebygga återfall i brott» (RiR 2009:27), as summed up in NIBR report 2011:20",
    ),
}
#: (rule set code, rule code): citation
RULES = {
    (
        "no-pop",
        "needs-conversation",
    ): "POP step 2: the needs conversation at the latest within a week of intake (Stimulab, 2024)",
    (
        "no-pop",
        "housing-conversation",
    ): "Housing work from prison: a conversation as soon as possible after intake, preferably within a week (tilbakeføring.no)",
    (
        "no-pop",
        "proposals",
    ): "POP step 4: proposals for measures within the next working week after the needs conversation (Stimulab, 2024)",
    (
        "no-pop",
        "incoming-actors-join",
    ): "POP step 7: those who take over join the group in good time before the transition (Stimulab, 2024). 8 weeks is this system's default, as in the Danish rule for probation",
    (
        "no-pop",
        "nav-told",
    ): "NAV is often told of a release on the day or after it (EX/IN final report, Bydel Søndre Nordstrand, 2024). 8 weeks is this system's default",
    (
        "no-pop",
        "municipality-told",
    ): "The handover from prison to the municipality is fragile (Stimulab, 2024, reentry map, challenge 4). 8 weeks is this system's default",
    (
        "dk-god-loesladelse",
        "action-plan",
    ): "God Løsladelse, module 1: the intake conversation at once, at the latest 4 weeks after imprisonment (Ramsbøl and Rasmussen, 2009)",
    (
        "dk-god-loesladelse",
        "plan-revision-short",
    ): "God Løsladelse, module 1: sentences of up to a year: the plan revised at least every 3 months",
    (
        "dk-god-loesladelse",
        "plan-revision-long",
    ): "God Løsladelse, module 1: sentences over a year: the plan revised at least every 6 months",
    (
        "dk-god-loesladelse",
        "municipality-contact-short",
    ): "God Løsladelse, module 2: sentences of up to a year: the municipality contacted at the latest 4 weeks after imprisonment",
    (
        "dk-god-loesladelse",
        "municipality-contact-long",
    ): "God Løsladelse, module 2: sentences over a year: the municipality contacted at the latest a year before expected parole",
    (
        "dk-god-loesladelse",
        "probation-involved",
    ): "God Løsladelse, module 4: KIF (Kriminalforsorgen i Frihed) involved at the latest 8 weeks before parole",
    (
        "dk-god-loesladelse",
        "benefits-ready",
    ): "God Løsladelse, module 5: economic benefits ready at release (the municipality, often the jobcentre)",
    (
        "dk-god-loesladelse",
        "parole-action-plan",
    ): "God Løsladelse, module 6: KIF's action plan for the parole period ready at the latest 7 days after release",
    (
        "dk-god-loesladelse",
        "probation-contacts-municipality",
    ): "God Løsladelse, module 7: KIF contacts the municipality within 4 weeks of receiving the case",
    (
        "se-execution-plan",
        "execution-plan",
    ): "The execution plan is drawn up within a month of the start of the sentence (Riksrevisionen, RiR 2009:27)",
}


def _seeded():
    """Version 1 as 0002 seeded it: {code: (name, source, {rule code: citation})}."""
    import importlib

    seeded = importlib.import_module("timetable.migrations.0002_seed_rule_sets")
    return {
        code: (name, source, {rule[0]: rule[6] for rule in rules})
        for code, name, _country, source, rules in seeded.RULE_SETS
    }


def _write(apps, rule_sets, rules):
    RuleSet = apps.get_model("timetable", "RuleSet")
    Rule = apps.get_model("timetable", "Rule")
    for code, (name, source) in rule_sets.items():
        RuleSet.objects.filter(code=code, version=1).update(name=name, source=source)
    for (set_code, rule_code), citation in rules.items():
        Rule.objects.filter(rule_set__code=set_code, rule_set__version=1, code=rule_code).update(citation=citation)


def forward(apps, schema_editor):
    _write(apps, RULE_SETS, RULES)


def backward(apps, schema_editor):
    seeded = _seeded()
    _write(
        apps,
        {code: (name, source) for code, (name, source, _rules) in seeded.items()},
        {(code, rule): citation for code, (_n, _s, rules) in seeded.items() for rule, citation in rules.items()},
    )


class Migration(migrations.Migration):
    dependencies = [("timetable", "0003_reminder_send_attempts_and_alerts")]

    operations = [migrations.RunPython(forward, backward)]
