"""The directory's first entries (issue 21, point 7), laid by a data migration.

- The local examples of good practice on tilbakeføring.no's page on housing from prison
  ("Arbeidsprosess – fra fengsel", lokale eksempler): Asker's prison team, FRI in Drammen,
  Trondheim's team for repeat offenders, Drammen's housing service, TOG in Oslo, Haugesund and
  Bodø. (Seed 004, the list at its end.)
- The networks after prison in NIBR-rapport 2011:20: WayBack (section 5.17) and Oslo Røde Kors'
  network after prison (section 5.19), and the one project of its chapter 5 that the report says
  went on after its project period: the self-build project in Oslo's St. Hanshaugen district
  (section 5.13). (Seed 002.) The chapter's other projects were trials with an end (1998-2010) or
  ran in Sweden; none takes a referral, so none is an entry.
- For every municipality of the demo world (the towns of ``population.generator`` and the demo
  cases' home municipalities) the NAV office (in Denmark the jobcentre) and the municipality's
  help with housing.

Each entry names its source as users see it (the page or report and its year), never our files.
Only what the sources say is entered: no address, phone number or opening hour is made up, so
most entries have none, and no entry counts as checked (``last_verified`` is empty) until its
owner checks it; until then it is flagged (``Service.needs_verifying``). The one phone number and
its hours are NAV's national contact centre's, which NAV publishes for every office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.models import Country
from directory.text import search_text
from population.generator import TOWNS

TILBAKEFORING = "tilbakeføring.no: Arbeidsprosess – fra fengsel (bolig), lokale eksempler"
NIBR_WAYBACK = "NIBR-rapport 2011:20, kap. 5.17 (Hansen 2007, Fafo-notat 2007:3)"
NIBR_RED_CROSS = "NIBR-rapport 2011:20, kap. 5.19 (Aarvold og Solvang 2008)"
NIBR_SELF_BUILD = "NIBR-rapport 2011:20, kap. 5.13 (Oslo kommune, Bydel St. Hanshaugen)"
NAV_SOURCE = "nav.no: NAV-kontor i hver kommune"
JOBCENTER_SOURCE = "Lov om en aktiv beskæftigelsesindsats: jobcenter i hver kommune"
HOUSING_SOURCE_NO = "Lov om kommunenes ansvar på det boligsosiale feltet (2023)"
HOUSING_SOURCE_DK = "Lov om social service: kommunens ansvar for hjælp til bolig"


@dataclass(frozen=True)
class Entry:
    organization: str
    name: str
    description: str
    municipalities: tuple[str, ...]
    life_areas: tuple[str, ...]
    setting: str
    source: str
    eligibility: str = ""
    application_process: str = ""
    url: str = ""
    country: str = "NO"
    org_description: str = ""
    org_website: str = ""
    phones: tuple[tuple[str, str], ...] = ()
    #: (byday, opens, closes, description)
    schedules: tuple[tuple[str, str, str, str], ...] = ()
    transportation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


EXAMPLES = [
    Entry(
        organization="Asker kommune",
        name="Fra fengsel til frihet – Askers fengselsteam",
        description=(
            "Asker kommune har et eget team for innbyggere i overgangen mellom soning og løslatelse. "
            "Teamet oppsøker den enkelte tidlig for å finne løsninger etter løslatelse, og gir råd om "
            "hvilke tilbud som finnes og hvordan man bruker dem. Kartleggingen dekker helse, økonomi, "
            "bolig, jobb, utdanning eller annen daglig aktivitet, og nettverk."
        ),
        municipalities=("Asker",),
        life_areas=("physical-health", "mental-health", "income", "debt", "housing", "work", "education", "network"),
        setting="both",
        source=TILBAKEFORING,
        eligibility="Innbyggere i Asker som soner eller snart skal løslates.",
        url="https://www.asker.kommune.no/",
    ),
    Entry(
        organization="Kirkens Bymisjon Drammen",
        name="FRI – fra fengsel til varig bolig",
        description=(
            "Nettverket FRI tilbyr bolig, arbeid og nettverk for dem som løslates fra fengsel. FRI er et "
            "samarbeid mellom fagfolk og mennesker med erfaringskompetanse: tidligere domfelte som har "
            "valgt bort rus og kriminalitet, hjelper andre tilbake til samfunnet etter endt soning. "
            "«FRI barn og familie» (fra 2016, på Hønefoss fra 2020) har fokus på barn, familie og den innsatte."
        ),
        municipalities=("Drammen", "Ringerike"),
        life_areas=("housing", "work", "network", "family", "criminal-environment"),
        setting="both",
        source=TILBAKEFORING,
        eligibility="Dem som løslates fra fengsel og vil etablere seg på nytt, og deres barn og familie.",
        application_process="Kontaktbetjenten eller sosialkonsulenten tar kontakt med FRI før løslatelsen.",
        url="https://kirkensbymisjon.no/",
        org_website="https://kirkensbymisjon.no/",
    ),
    Entry(
        organization="Trondheim kommune",
        name="Gjengangerteam – bolig etter soning",
        description=(
            "Et boligtilbud i Trondheim der gjengangerkriminelle kan flytte inn etter soning eller "
            "behandling: 7 leiligheter og en base med fellesareal, startet som prosjekt i 2005. Et "
            "samarbeid mellom Trondheim fengsel, Sentrum politistasjon og Trondheim kommune."
        ),
        municipalities=("Trondheim",),
        life_areas=("housing", "criminal-environment"),
        setting="outside",
        source=TILBAKEFORING,
        eligibility="Gjengangere i det kriminelle miljøet i Trondheim, etter soning eller behandling.",
        url="https://www.trondheim.kommune.no/",
    ),
    Entry(
        organization="Drammen kommune",
        name="Boligtjenesten i Drammen kommune",
        description=(
            "Drammen kommune samarbeider med kriminalomsorgen slik at innsatte blir fulgt opp av kommunen "
            "når de trenger bolig. Boligtjenesten samarbeider på tvers i kommunen for å gi god oppfølging "
            "av boligsøkere."
        ),
        municipalities=("Drammen",),
        life_areas=("housing",),
        setting="outside",
        source=TILBAKEFORING,
        eligibility="Innbyggere i Drammen som trenger bolig, også innsatte før løslatelse.",
        application_process=(
            "Kontaktbetjenten tar kontakt med kommunen og NAV-veilederen når du trenger hjelp med bolig."
        ),
        url="https://www.drammen.kommune.no/",
    ),
    Entry(
        organization="Kriminalomsorgen, Oslo fengsel og Oslo friomsorgskontor",
        name="TOG – Tiltak overfor gjengangere",
        description=(
            "Et samarbeid mellom Oslo friomsorgskontor og Oslo fengsel. Hver innsatt har et team av "
            "fengselsansatte og friomsorgsansatte, med tett oppfølging under soning og etter løslatelse: "
            "egnet bolig, arbeid, nettverk og økonomi, med vekt på prøveløslatelse."
        ),
        municipalities=("Oslo",),
        life_areas=("housing", "work", "network", "income", "criminal-environment"),
        setting="both",
        source=TILBAKEFORING,
        eligibility="Domsinnsatte i Oslo fengsel med gjengangerproblematikk som ønsker tett oppfølging.",
    ),
    Entry(
        organization="Haugesund kommune",
        name="Bostedløse inn i privat leiemarked",
        description=(
            "Med målrettet arbeid og forankring i kommuneledelsen bosatte Haugesund 53 bostedsløse på ett "
            "år, i det private leiemarkedet. Kommunen har et eget kartleggingsverktøy."
        ),
        municipalities=("Haugesund",),
        life_areas=("housing",),
        setting="outside",
        source=TILBAKEFORING,
        eligibility="Bostedsløse i Haugesund, også etter løslatelse.",
        url="https://www.haugesund.kommune.no/",
    ),
    Entry(
        organization="Bodø kommune",
        name="Heim – forsterket heldøgns bo- og tjenestetilbud",
        description=(
            "Et helhetlig bolig- og tjenestetilbud hele døgnet for én person med behov for særskilt "
            "tilrettelegging, med miljøterapi og i tett samarbeid med Nordlandssykehuset."
        ),
        municipalities=("Bodø",),
        life_areas=("housing", "mental-health"),
        setting="outside",
        source=TILBAKEFORING,
        eligibility="Den som trenger et forsterket og tilrettelagt bo- og tjenestetilbud hele døgnet.",
        url="https://www.bodo.kommune.no/",
    ),
    Entry(
        organization="WayBack – stiftelsen Livet etter soning",
        name="WayBack – fadder ved løslatelsen",
        description=(
            "En uavhengig stiftelse der alle ansatte selv har sonet eller brukt rus. Du får en fadder som "
            "er der når du løslates, og som stiller opp hele døgnet den første tiden. Stiftelsen har et hus "
            "i Oslo som medlemmene kan komme til, og seks hybler som treningsleiligheter."
        ),
        municipalities=("Oslo",),
        life_areas=("network", "substance-use", "criminal-environment", "housing"),
        setting="both",
        source=NIBR_WAYBACK,
        eligibility=(
            "Personer som skal løslates fra fengsel eller har sonet ferdig, og som vil leve uten rus og kriminalitet."
        ),
        application_process="WayBack holder informasjonsmøter i fengselet. Du kan også be kontaktbetjenten ta kontakt.",
        url="https://wayback.no/",
    ),
    Entry(
        organization="Oslo Røde Kors",
        name="Nettverk etter soning",
        description=(
            "Frivillige kobles sammen med innsatte i god tid før løslatelsen. Sammen bygger dere et nettverk "
            "uten rus og kriminalitet, og den frivillige hjelper deg å finne aktiviteter du liker."
        ),
        municipalities=("Oslo",),
        life_areas=("network", "leisure", "criminal-environment"),
        setting="both",
        source=NIBR_RED_CROSS,
        eligibility=(
            "Innsatte som skal løslates, vil starte på nytt og ønsker hjelp og støtte tilbake til et vanlig liv."
        ),
        application_process="Be kontaktbetjenten ta kontakt med Oslo Røde Kors i god tid før løslatelsen.",
        url="https://www.rodekors.no/",
    ),
    Entry(
        organization="Oslo kommune, Bydel St. Hanshaugen",
        name="Selvbyggerprosjektet – pusse opp din egen leilighet",
        description=(
            "Du som skal løslates eller er prøveløslatt, pusser opp en kommunal leilighet sammen med andre "
            "i samme situasjon, og flytter inn i den etterpå. Arbeidet varer i seks måneder, og du kan sone "
            "i overgangsbolig mens du jobber. Du betaler lavere husleie i tre år etter oppussingen. Startet "
            "i 2007 med støtte fra Husbanken, sammen med kriminalomsorgen, Boligbygg og NAV i Oslo fengsel, "
            "og videreført etter prosjektperioden."
        ),
        municipalities=("Oslo",),
        life_areas=("housing", "work", "criminal-environment"),
        setting="both",
        source=NIBR_SELF_BUILD,
        eligibility=(
            "Innsatte i Oslo fengsel, særlig i TOG-avdelingen, og andre som skal løslates og trenger bolig. "
            "Også den som er ferdig med soningen."
        ),
        application_process=(
            "Kontaktbetjenten tar kontakt med bydelen. Før oppstart trengs vedtak om kommunal bolig, "
            "tilskudd fra NAV, skattekort og bankkonto."
        ),
        url="https://www.oslo.kommune.no/bydeler/bydel-st-hanshaugen/",
    ),
]

#: The demo world's home municipalities besides the population's towns (core.demo) and the examples'.
DEMO_HOMES = ("Askøy", "Os")

#: Municipalities whose own housing service is among the examples: no general entry beside it.
HOUSING_EXAMPLES = frozenset({"Drammen", "Haugesund"})

NAV_PHONE = ("55 55 33 33", "NAV kontaktsenter, hverdager 9–15")
NAV_HOURS = ("MO,TU,WE,TH,FR", "09:00", "15:00", "Telefon hverdager 9–15")


def municipalities() -> dict[str, list[str]]:
    """Every municipality of the demo world, by country ("NO", "DK")."""
    examples = [municipality for entry in EXAMPLES for municipality in entry.municipalities]
    norway = dict.fromkeys([*TOWNS[Country.NORWAY], *DEMO_HOMES, *examples])
    return {"NO": sorted(norway), "DK": sorted(TOWNS[Country.DENMARK])}


def general_entries() -> list[Entry]:
    """The NAV office (jobcentre) and the help with housing of every municipality."""
    entries = []
    for town in municipalities()["NO"]:
        entries.append(
            Entry(
                organization="NAV",
                name=f"NAV {town}",
                description=(
                    "NAV hjelper deg med inntekt, arbeid og økonomisk rådgivning. NAV-veilederen kan møte deg "
                    "i fengselet før løslatelsen, så pengene er på plass fra første dag."
                ),
                municipalities=(town,),
                life_areas=("income", "work", "debt"),
                setting="both",
                source=NAV_SOURCE,
                eligibility=f"Alle som bor i {town} kommune.",
                application_process="Kontaktbetjenten tar kontakt med NAV-kontoret i kommunen du skal bo i.",
                url="https://www.nav.no/",
                org_description="Arbeids- og velferdsforvaltningen.",
                org_website="https://www.nav.no/",
                phones=(NAV_PHONE,),
                schedules=(NAV_HOURS,),
                transportation="Adressen til NAV-kontoret finner du på nav.no.",
            )
        )
        if town not in HOUSING_EXAMPLES:
            entries.append(
                Entry(
                    organization=f"{town} kommune",
                    name=f"Hjelp til bolig – {town} kommune",
                    description=(
                        "Kommunen hjelper den som ikke klarer å skaffe seg bolig selv: råd om bolig, "
                        "midlertidig bolig og søknad om kommunal bolig."
                    ),
                    municipalities=(town,),
                    life_areas=("housing",),
                    setting="outside",
                    source=HOUSING_SOURCE_NO,
                    eligibility=f"Innbyggere i {town} som trenger hjelp til å skaffe bolig.",
                    application_process="Kontaktbetjenten tar kontakt med kommunen og NAV-veilederen.",
                )
            )
    for town in municipalities()["DK"]:
        entries.append(
            Entry(
                organization=f"{town} Kommune",
                name=f"Jobcenter {town}",
                description="Jobcentret hjælper med forsørgelse, job og uddannelse, også før løsladelsen.",
                municipalities=(town,),
                life_areas=("income", "work", "education"),
                setting="both",
                source=JOBCENTER_SOURCE,
                country="DK",
                eligibility=f"Alle borgere i {town} Kommune.",
                application_process="Kontaktpersonen i fængslet kontakter jobcentret i din kommune.",
            )
        )
        entries.append(
            Entry(
                organization=f"{town} Kommune",
                name=f"Hjælp til bolig – {town} Kommune",
                description="Kommunen hjælper den, der ikke selv kan skaffe en bolig, også før løsladelsen.",
                municipalities=(town,),
                life_areas=("housing",),
                setting="outside",
                source=HOUSING_SOURCE_DK,
                country="DK",
                eligibility=f"Borgere i {town} Kommune, der står uden bolig.",
                application_process="Kontaktpersonen i fængslet kontakter kommunen i god tid før løsladelsen.",
            )
        )
    return entries


def seed_directory(apps: Any) -> None:
    """Lay the taxonomy and every entry; a second run adds nothing (matched by name and organisation)."""
    import datetime

    Tangle = apps.get_model("reference", "Tangle")
    LifeArea = apps.get_model("reference", "LifeArea")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    Organization = apps.get_model("directory", "Organization")
    Service = apps.get_model("directory", "Service")
    Location = apps.get_model("directory", "Location")
    ServiceAtLocation = apps.get_model("directory", "ServiceAtLocation")
    ServiceArea = apps.get_model("directory", "ServiceArea")
    Phone = apps.get_model("directory", "Phone")
    Schedule = apps.get_model("directory", "Schedule")

    tangle_terms = {}
    for tangle in Tangle.objects.order_by("code"):
        tangle_terms[tangle.pk], _ = TaxonomyTerm.objects.get_or_create(
            code=f"tangle-{tangle.code}", defaults={"tangle": tangle}
        )
    terms = {}
    areas = {}
    for area in LifeArea.objects.order_by("position"):
        terms[area.slug], _ = TaxonomyTerm.objects.get_or_create(
            code=area.slug, defaults={"life_area": area, "parent": tangle_terms.get(area.tangle_id)}
        )
        areas[area.slug] = area

    organizations: dict[str, Any] = {}
    for entry in [*EXAMPLES, *general_entries()]:
        organization = organizations.get(entry.organization)
        if organization is None:
            organization, _ = Organization.objects.get_or_create(
                name=entry.organization,
                defaults={"description": entry.org_description, "website": entry.org_website},
            )
            organizations[entry.organization] = organization
        if Service.objects.filter(organization=organization, name=entry.name).exists():
            continue
        names = [
            getattr(areas[slug], f"name_{language}") for slug in entry.life_areas for language in ("nb", "da", "en")
        ]
        service = Service.objects.create(
            organization=organization,
            name=entry.name,
            description=entry.description,
            url=entry.url,
            eligibility_description=entry.eligibility,
            application_process=entry.application_process,
            country=entry.country,
            setting=entry.setting,
            source=entry.source,
            search_text=search_text(
                entry.name,
                entry.description,
                entry.eligibility,
                entry.application_process,
                entry.organization,
                *entry.municipalities,
                *names,
            ),
        )
        service.taxonomy_terms.set([terms[slug] for slug in entry.life_areas])
        for municipality in entry.municipalities:
            ServiceArea.objects.create(service=service, name=municipality)
        location = Location.objects.create(
            organization=organization,
            name=entry.name,
            city=entry.municipalities[0],
            country=entry.country,
            transportation=entry.transportation,
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        for number, description in entry.phones:
            Phone.objects.create(service=service, number=number, description=description)
        for byday, opens, closes, description in entry.schedules:
            Schedule.objects.create(
                service=service,
                byday=byday,
                opens_at=datetime.time.fromisoformat(opens),
                closes_at=datetime.time.fromisoformat(closes),
                description=description,
            )
