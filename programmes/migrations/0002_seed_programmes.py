"""Seed EX/IN, TOG and the Exit programme from their public sources (issue 20, point 1).

Each criterion cites its source as the user reads it (a report, its year and section).
Where in our seed documents (``/work/shared/seeds``) each one comes from is said in the
comment beside it: seed 000 is EX/IN's final report, seed 002 ch. 3 the NIBR report's
chapter on TOG, seed 003 Copenhagen's memo on the Exit programme.
"""

from django.db import migrations

EXIN_REPORT = "EX/IN – ut av kriminalitet og inn i samfunnet, sluttrapport (Bydel Søndre Nordstrand, 2024)"
NIBR = "NIBR-rapport 2011:20, kap. 3 (TOG)"
EXIT_MEMO = "Udvikling og tilpasning af Exitprogrammet (Københavns Kommune, 2015)"

PROGRAMMES = [
    {
        "slug": "exin",
        "name": "EX/IN Søndre Nordstrand",
        "country": "NO",
        # seed 000, "Prosjektinformasjon": project owner and lead.
        "owner": "Bydel Søndre Nordstrand, avdeling oppvekst (Innsats Ung), Oslo kommune",
        # seed 000, "Evaluering og læring": the services EX/IN bridges to.
        "partners": ["Kriminalomsorgen", "NAV", "Psykisk helsehjelp, fastlege og rusoppfølging", "Politiet"],
        # seed 000 §1 and "Måloppnåelse": young adults 18-25 out of crime, one local team.
        "summary": "Young adults from the district who want to leave crime are followed by the same local team "
        "before, during and after the sentence.",
        # seed 000 §6.1 (voluntary, motivated participants) and §6.3 (the offer became known in the prisons).
        "intake_route": "Voluntary: the person says yes to taking part; the team meets them in prison.",
        "intake_citation": f"{EXIN_REPORT}, kap. 6.1 og 6.3",
        "annual_places": None,
        "places_citation": "",
        "priority_rule": "",
        "priority_citation": "",
        "catchment": ["Søndre Nordstrand"],
        "criteria": [
            # seed 000 §1: "unge voksne mellom 18 og 25 år".
            {"kind": "min_age", "number": 18, "citation": f"{EXIN_REPORT}, kap. 1"},
            {"kind": "max_age", "number": 25, "citation": f"{EXIN_REPORT}, kap. 1"},
            # seed 000, "Prosjektinformasjon" and §1: the project of Bydel Søndre Nordstrand (BSN).
            {
                "kind": "home_municipality",
                "values": ["Søndre Nordstrand"],
                "broader": ["Oslo"],
                "citation": f"{EXIN_REPORT}, prosjektinformasjon og kap. 1",
            },
            # seed 000, "Måloppnåelse" ("innsatte som ønsker seg ut av kriminalitet") and §6.1.
            {"kind": "wants_to_leave_crime", "citation": f"{EXIN_REPORT}, måloppnåelse og kap. 6.1"},
        ],
        # seed 000, "Sviktsoner": "Når EX/IN er koblet på før, under og etter soning".
        "phases": [
            ("before", "Before the sentence", False),
            ("during", "During the sentence", False),
            ("release", "Preparing the release", False),
            ("after", "After the sentence", True),
        ],
        "phase_citation": f"{EXIN_REPORT}, sviktsoner",
        "outcomes": [
            # seed 000, "Evaluering og læring": longer time between sentences.
            ("time_between_sentences", "No new sentence within two years", 24, None, f"{EXIN_REPORT}, evaluering"),
            # seed 000 §2: "Flere i målgruppa lykkes i å etablere et oppbyggende og deltakende samfunnsliv".
            ("work_or_school", "In work, school or activity six months after", 6, None, f"{EXIN_REPORT}, kap. 2"),
        ],
        "sources": [(EXIN_REPORT.split(" (")[0], "Bydel Søndre Nordstrand, Oslo kommune", 2024)],
    },
    {
        "slug": "tog",
        "name": "TOG – tiltak overfor gjengangere",
        "country": "NO",
        # seed 002 ch. 3: "etablert i 2000 som et samarbeid mellom Oslo fengsel og Kriminalomsorgen Øst".
        "owner": "Oslo fengsel",
        # seed 002 ch. 3 and 3.3: the partners Nesvik describes.
        "partners": [
            "Friomsorgen i Oslo (Kriminalomsorgen Øst)",
            "NAV",
            "Rusmiddeletaten i Oslo kommune",
            "Kriminalomsorgens overgangsboliger",
            "Politiet",
            "Røde Kors nettverksarbeid",
        ],
        "summary": "Repeat offenders in Oslo prison are prepared for release on parole and followed by a TOG "
        "consultant through the reporting duty.",
        # seed 002 ch. 3.1 and 3.2 (Inntaksfasen).
        "intake_route": "A written application from the person, a mapping of their situation and a personal interview.",
        "intake_citation": f"{NIBR}, 3.1 og 3.2",
        "annual_places": None,
        "places_citation": "",
        "priority_rule": "",
        "priority_citation": "",
        "catchment": ["Oslo"],
        "criteria": [
            # seed 002 ch. 3.1: "innsatte i Oslo fengsel".
            {"kind": "prison_in", "values": ["Oslo"], "citation": f"{NIBR}, 3.1"},
            # seed 002 ch. 3 and 3.1: "flere dommer og fengselsstraffer bak seg, såkalte gjengangere".
            {"kind": "earlier_sentences", "number": 2, "citation": f"{NIBR}, 3 og 3.1"},
            # seed 002 ch. 3.1: "folkeregistrert i Oslo".
            {"kind": "home_municipality", "values": ["Oslo"], "citation": f"{NIBR}, 3.1"},
            # seed 002 ch. 3.1: "ikke har vedtak om utvisning fra landet etter endt soning".
            {"kind": "no_expulsion_order", "citation": f"{NIBR}, 3.1"},
            # seed 002 ch. 3.1: "minst tre måneder igjen til to tredeler av straffen er sonet".
            {"kind": "months_before_parole", "number": 3, "citation": f"{NIBR}, 3.1"},
        ],
        # seed 002 ch. 3.2: the five phases (Nesvik 2005).
        "phases": [
            ("intake", "Intake", False),
            ("planning", "Planning and serving", False),
            ("release", "Release", False),
            ("reporting", "Reporting duty", True),
            ("closure", "Closure and voluntary aftercare", True),
        ],
        "phase_citation": f"{NIBR}, 3.2",
        "outcomes": [
            # seed 002 ch. 3: "Hovedmål: bidra til en reduksjon i kriminaliteten"; 3.1: new charges in the period.
            ("no_new_charge", "No new charge during leave and parole", 0, None, f"{NIBR}, 3 og 3.1"),
            # seed 002 ch. 3.1: "en av fire hadde arbeid ved løslatelse".
            ("work_at_release", "In work at release", 0, None, f"{NIBR}, 3.1"),
        ],
        "sources": [
            ("Nordiske løslatelsesprosjekter – en kommentert bibliografi (NIBR-rapport 2011:20)", "NIBR", 2011)
        ],
    },
    {
        "slug": "exit",
        "name": "Exitprogrammet",
        "country": "DK",
        # seed 003, "Baggrund": EKP in Socialforvaltningen leads; three administrations work together.
        "owner": "Københavns Kommune, Socialforvaltningen, Enhed for Kriminalpræventive Programmer (EKP)",
        "partners": [
            "Børne- og Ungdomsforvaltningen (Ungdommens Uddannelsesvejledning)",
            "Beskæftigelses- og Integrationsforvaltningen (Fremskudt Beskæftigelsesindsats)",
            "Politiet",
            "Kriminalforsorgen",
        ],
        # seed 003, spor 1 (LS/RNR) and "Resultater" (cost-benefit).
        "summary": "Adults who want to leave gangs and crime get LS/RNR-structured help with thinking patterns, "
        "education, work, housing and money. A cost-benefit analysis found a gain of up to DKK 298,000 per "
        "participant at a 40 % success rate.",
        # seed 003, spor 2: "Borgerne ... henvender sig til myndighederne med et ønske om at forlade".
        "intake_route": "The person contacts the programme wishing to leave; an adviser holds the intake conversation.",
        "intake_citation": f"{EXIT_MEMO}, spor 2",
        # seed 003, spor 3: "i alt 55 årspladser i Exitprogrammet og Rammemodellen".
        "annual_places": 55,
        "places_citation": f"{EXIT_MEMO}, spor 3",
        # seed 003, spor 1: "Borgere med bandetilknytning vil have prioritet".
        "priority_rule": "gang_ties",
        "priority_citation": f"{EXIT_MEMO}, spor 1",
        "catchment": ["København"],
        "criteria": [
            # seed 003, spor 1 ("voksne") and spor 3 (the upper age limit of 25 is lifted).
            {"kind": "min_age", "number": 18, "citation": f"{EXIT_MEMO}, spor 1 og 3"},
            # seed 003, spor 3: "en kriminalpræventiv indsats for alle voksne københavnere".
            {
                "kind": "home_municipality",
                "values": ["København", "Københavns Kommune", "Copenhagen"],
                "citation": f"{EXIT_MEMO}, spor 3",
            },
            # seed 003, spor 1: "voksne, der ønsker at forlade bander og en kriminel livsførelse".
            {"kind": "wants_to_leave_crime", "citation": f"{EXIT_MEMO}, spor 1"},
        ],
        # seed 003, spor 1 (LS/RNR: assessment, then the work) and "Resultater" (measured after the programme).
        "phases": [
            ("assessment", "Assessment (LS/RNR)", False),
            ("intervention", "Help with thinking, education, work, housing and money", False),
            ("ending", "Ending the programme", True),
        ],
        "phase_citation": f"{EXIT_MEMO}, spor 1",
        "outcomes": [
            # seed 003, "Resultater": 42 % not charged with new serious crime 1 year after discharge.
            ("no_new_charge", "No new charge for serious crime one year after", 12, 42, f"{EXIT_MEMO}, resultater"),
            # seed 003, "Resultater": 45 % in education or employment activity 3 months after.
            ("education_or_work", "In education or work three months after", 3, 45, f"{EXIT_MEMO}, resultater"),
        ],
        "sources": [(EXIT_MEMO.split(" (")[0], "Københavns Kommune, Socialforvaltningen", 2015)],
    },
]


def seed(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Criterion = apps.get_model("programmes", "Criterion")
    Phase = apps.get_model("programmes", "Phase")
    OutcomeMeasure = apps.get_model("programmes", "OutcomeMeasure")
    Source = apps.get_model("programmes", "Source")
    for data in PROGRAMMES:
        programme = Programme.objects.create(
            **{
                key: data[key]
                for key in (
                    "slug",
                    "name",
                    "country",
                    "owner",
                    "partners",
                    "summary",
                    "intake_route",
                    "intake_citation",
                    "annual_places",
                    "places_citation",
                    "priority_rule",
                    "priority_citation",
                    "catchment",
                )
            }
        )
        for position, criterion in enumerate(data["criteria"]):
            Criterion.objects.create(programme=programme, position=position, **criterion)
        for position, (key, name, after_release) in enumerate(data["phases"]):
            Phase.objects.create(
                programme=programme,
                position=position,
                key=key,
                name=name,
                after_release=after_release,
                citation=data["phase_citation"],
            )
        for position, (key, name, months, percent, citation) in enumerate(data["outcomes"]):
            OutcomeMeasure.objects.create(
                programme=programme,
                position=position,
                key=key,
                name=name,
                follow_up_months=months,
                reported_percent=percent,
                citation=citation,
            )
        for title, publisher, year in data["sources"]:
            Source.objects.create(programme=programme, title=title, publisher=publisher, year=year)


def unseed(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Programme.objects.filter(slug__in=[data["slug"] for data in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
