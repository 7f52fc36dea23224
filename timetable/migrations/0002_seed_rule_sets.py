"""Seed version 1 of the three rule sets (DOMAIN.md §7), with each rule's source.

The rules are data: an administrator adds a new version of a rule set in the admin
rather than editing these rows, so cases keep the version they were computed with.
"""

import datetime

from django.db import migrations

# (code, kind, anchor, offset, unit, owner role, citation, min sentence days, max sentence days)
NORWAY = [
    (
        "needs-conversation",
        "needs_conversation",
        "intake",
        7,
        "days",
        "contact_officer",
        "Seed 001, POP step 2 (needs conversation part 1): «senest innenfor nærmeste uke fra innkomst» – "
        "within one week of intake",
        None,
        None,
    ),
    (
        "housing-conversation",
        "housing_conversation",
        "intake",
        7,
        "days",
        "contact_officer",
        "Seed 004, housing work process: «en samtale snarest mulig etter innsettelse og helst innen en uke»",
        None,
        None,
    ),
    (
        "proposals",
        "proposals",
        "needs_conversation",
        5,
        "working_days",
        "contact_officer",
        "Seed 001, POP step 4: «innen nærmeste arbeidsuke etter behovssamtalen» – the next working week "
        "(5 working days, public holidays excluded)",
        None,
        None,
    ),
    (
        "incoming-actors-join",
        "incoming_actors_join",
        "release",
        -8,
        "weeks",
        "contact_officer",
        "Seed 001, POP step 7: the incoming actor joins the group in good time before the transition "
        "(DOMAIN §7 default: at least 8 weeks before a planned release)",
        None,
        None,
    ),
    (
        "nav-told",
        "nav_told_of_release",
        "release",
        -8,
        "weeks",
        "contact_officer",
        "Seed 001, user needs: NAV must not learn of a release on the day; DOMAIN §7: told in advance "
        "(default 8 weeks)",
        None,
        None,
    ),
    (
        "municipality-told",
        "municipality_told_of_release",
        "release",
        -8,
        "weeks",
        "contact_officer",
        "Seed 001, reentry map challenge 4 (handover to the municipality is fragile); DOMAIN §7: told in "
        "advance (default 8 weeks)",
        None,
        None,
    ),
]

DENMARK = [
    (
        "action-plan",
        "action_plan",
        "intake",
        4,
        "weeks",
        "contact_officer",
        "Seed 002, God Løsladelse module 1: «innsettelsessamtale … helst umiddelbart eller senest fire uker "
        "etter fengslingen»",
        None,
        None,
    ),
    (
        "plan-revision-short",
        "plan_revision",
        "latest_plan_review",
        3,
        "months",
        "contact_officer",
        "Seed 002, module 1: «dommer på et år eller kortere skal planen rulleres minst hver tredje måned»",
        None,
        365,
    ),
    (
        "plan-revision-long",
        "plan_revision",
        "latest_plan_review",
        6,
        "months",
        "contact_officer",
        "Seed 002, module 1: «straffer over et år skal planen rulleres minst hvert halvår»",
        366,
        None,
    ),
    (
        "municipality-contact-short",
        "municipality_contacted",
        "intake",
        4,
        "weeks",
        "contact_officer",
        "Seed 002, module 2: «fengselsstraffer på inntil et år skal kommunen kontaktes senest fire uker etter "
        "innsettelse»",
        None,
        365,
    ),
    (
        "municipality-contact-long",
        "municipality_contacted",
        "parole",
        -12,
        "months",
        "contact_officer",
        "Seed 002, module 2: «Er straffen lengre enn et år skal henvendelsen til kommunen komme senest et år "
        "før antatt prøveløslatelse»",
        366,
        None,
    ),
    (
        "probation-involved",
        "probation_involved",
        "parole",
        -8,
        "weeks",
        "contact_officer",
        "Seed 002, module 4: «KIF skal trekkes inn … senest åtte uker før prøveløslatelse»",
        None,
        None,
    ),
    (
        "benefits-ready",
        "benefits_ready",
        "release",
        0,
        "days",
        "municipality",
        "Seed 002, module 5: economic benefits «skal være klart til løslatelsen»",
        None,
        None,
    ),
    (
        "parole-action-plan",
        "parole_action_plan",
        "parole",
        7,
        "days",
        "probation",
        "Seed 002, module 6: «Handlingsplanen for denne perioden skal være klar senest syv dager etter "
        "prøveløslatelsen»",
        None,
        None,
    ),
    (
        "probation-contacts-municipality",
        "probation_contacts_municipality",
        "probation_joined",
        4,
        "weeks",
        "probation",
        "Seed 002, module 7: «Tidsfristen er fire uker etter at KIF har fått saken»",
        None,
        None,
    ),
]

SWEDEN = [
    (
        "execution-plan",
        "execution_plan",
        "sentence_start",
        1,
        "months",
        "contact_officer",
        "Seed 002, Riksrevisionen 2009:27: «Iverksettingsplanen skal utarbeides innen en måned etter soningen "
        "har startet»",
        None,
        None,
    ),
]

RULE_SETS = [
    (
        "no-pop",
        "Norway: POP and housing work",
        "NO",
        "Seed 001 (Stimulab POP, 2024); seed 004 (tilbakeføring.no)",
        NORWAY,
    ),
    ("dk-god-loesladelse", "Denmark: God Løsladelse release timetable", "DK", "Seed 002 (NIBR 2011:20)", DENMARK),
    ("se-execution-plan", "Sweden: execution plan", "SE", "Seed 002 (NIBR 2011:20; Riksrevisionen 2009:27)", SWEDEN),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("timetable", "RuleSet")
    Rule = apps.get_model("timetable", "Rule")
    for code, name, country, source, rules in RULE_SETS:
        rule_set = RuleSet.objects.create(
            code=code,
            version=1,
            name=name,
            country=country,
            source=source,
            valid_from=datetime.date(2026, 1, 1),
            is_country_default=True,
        )
        for position, (rule_code, kind, anchor, offset, unit, role, citation, least, most) in enumerate(rules):
            Rule.objects.create(
                rule_set=rule_set,
                code=rule_code,
                kind=kind,
                anchor=anchor,
                offset=offset,
                unit=unit,
                owner_role=role,
                citation=citation,
                min_sentence_days=least,
                max_sentence_days=most,
                position=position,
            )


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("timetable", "RuleSet")
    Rule = apps.get_model("timetable", "Rule")
    codes = [code for code, *_ in RULE_SETS]
    Rule.objects.filter(rule_set__code__in=codes, rule_set__version=1).delete()
    RuleSet.objects.filter(code__in=codes, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("timetable", "0001_rule_sets_deadlines_reminders_feeds")]

    operations = [migrations.RunPython(seed, unseed)]
