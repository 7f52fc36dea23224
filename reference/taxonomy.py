"""The seeded taxonomy, from seed 001 ("floker, knuter og tråder") and tilbakeføring.no."""

TANGLES = [
    ("1", "Good physical and mental health", "God fysisk og psykisk helse", "Godt fysisk og psykisk helbred"),
    ("2", "Social belonging", "Sosial tilhørighet", "Socialt tilhørsforhold"),
    ("3", "Stable economy and housing", "Stabil økonomi og bolig", "Stabil økonomi og bolig"),
]

KNOTS = [
    (
        "1",
        "1.1",
        "Share challenges that are not visible",
        "Dele utfordringer som ikke er synlige",
        "Dele udfordringer, der ikke er synlige",
    ),
    (
        "1",
        "1.2",
        "Build motivation to help oneself over time",
        "Bygge motivasjon for å hjelpe seg selv over tid",
        "Opbygge motivation til at hjælpe sig selv over tid",
    ),
    (
        "1",
        "1.3",
        "Ask for and get the right treatment, continued after the sentence",
        "Be om og få rett behandling som kan fortsettes etter straffegjennomføring",
        "Bede om og få den rette behandling, som fortsætter efter afsoningen",
    ),
    (
        "2",
        "2.1",
        "Build a new network after the sentence",
        "Etablere nytt nettverk etter straffegjennomføring",
        "Opbygge et nyt netværk efter afsoningen",
    ),
    (
        "2",
        "2.2",
        "Rebuild relations from before the sentence",
        "Gjenoppbygge relasjoner fra før straffegjennomføring",
        "Genopbygge relationer fra før afsoningen",
    ),
    (
        "2",
        "2.3",
        "Keep existing relations during the sentence",
        "Opprettholde eksisterende relasjoner mens man gjennomfører straff",
        "Bevare eksisterende relationer under afsoningen",
    ),
    (
        "3",
        "3.1",
        "Meaningful occupation after the sentence",
        "Meningsfull sysselsetting etter straffegjennomføring",
        "Meningsfuld beskæftigelse efter afsoningen",
    ),
    (
        "3",
        "3.2",
        "Understand and manage existing debt",
        "Forstå og administrere eksisterende gjeld",
        "Forstå og håndtere eksisterende gæld",
    ),
    (
        "3",
        "3.3",
        "Build personal-finance skills",
        "Bygge kompetanse innen personlig økonomi",
        "Opbygge kompetencer i privatøkonomi",
    ),
    ("3", "3.4", "Have a stable place to live", "Ha et stabilt sted å bo", "Have et stabilt sted at bo"),
]

LIFE_AREAS = [
    ("1", "physical-health", "Physical health", "Fysisk helse", "Fysisk helbred"),
    ("1", "mental-health", "Mental health", "Psykisk helse", "Psykisk helbred"),
    ("1", "substance-use", "Substance use", "Rus", "Misbrug"),
    ("2", "family", "Family and children", "Familie og barn", "Familie og børn"),
    ("2", "network", "Network and friends", "Nettverk og venner", "Netværk og venner"),
    ("2", "leisure", "Leisure", "Fritid", "Fritid"),
    (
        "2",
        "criminal-environment",
        "Breaking with a criminal environment",
        "Bryte med kriminelt miljø",
        "Bryde med kriminelt miljø",
    ),
    ("3", "housing", "Housing", "Bolig", "Bolig"),
    ("3", "income", "Income and benefits", "Inntekt og ytelser", "Indkomst og ydelser"),
    ("3", "debt", "Debt", "Gjeld", "Gæld"),
    (
        "3",
        "banking-id",
        "Bank account, BankID and ID papers",
        "Bankkonto, BankID og ID-papirer",
        "Bankkonto, MitID og ID-papirer",
    ),
    ("3", "work", "Work", "Arbeid", "Arbejde"),
    ("3", "education", "Education", "Utdanning", "Uddannelse"),
]
