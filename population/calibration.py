"""The figures the synthetic population is calibrated to, with their sources.

Seed 001 (``../shared/seeds/001_7e7de1c7f03b47bb.txt``), section 2, "Statistisk bilde av
målgruppen": per 1 April 2024, 3,064 people in Norwegian prisons; 95 % men; 74 % Norwegian
citizens; stated sentence mean 5 years, median 3 years; 26 % on remand; 381 of them (about
12 %) under 25. The activity per case (needs, memberships, meetings, journal and access
events) is our own estimate of a working case, stated here so that it can be argued with.

Every case is drawn from the snapshot distribution, so the ratios hold over all cases
(active and closed alike) within the tolerances below; the calibration test checks them on
a 2,000-case run.
"""

import math

#: Share of men (seed 001 §2: "95 % av dem er menn").
MEN = 0.95
#: Share under 25 at intake (seed 001 §2: 381 of 3,064, "ca. 12 prosent").
UNDER_25 = 0.12
#: Share on remand (seed 001 §2: "26 prosent sitter i varetekt").
REMAND = 0.26
#: Share who are citizens of the country of the case (seed 001 §2: "74 % er norske statsborgere").
CITIZENS = 0.74
#: Stated sentence length in years (seed 001 §2: "Gjennomsnitt 5 år, median 3 år").
SENTENCE_MEDIAN_YEARS = 3.0
SENTENCE_MEAN_YEARS = 5.0
#: Sentences are log-normal around the median, capped at the statutory maximum of 21 years
#: and at least 30 days. Sigma is fitted so that the capped mean is 5 years (1.13 rather than
#: the uncapped 1.01, because the cap removes the long tail).
SENTENCE_MU = math.log(SENTENCE_MEDIAN_YEARS)
SENTENCE_SIGMA = 1.13
SENTENCE_MAX_YEARS = 21
SENTENCE_MIN_DAYS = 30

#: Tolerances the calibration test holds a 2,000-case run to (absolute).
TOLERANCE = {
    "men": 0.02,
    "under_25": 0.025,
    "remand": 0.03,
    "citizens": 0.03,
    "sentence_mean_years": 0.6,
    "sentence_median_years": 0.4,
}

#: Share of cases in Norway; the rest are Danish (about 3,000 and 4,000 people in prison).
NORWAY = 0.45
#: Years of history the cases are spread over (the issue: five years, about 50,000 cases).
HISTORY_YEARS = 5
#: Share of new cases that are a returning person's. Calibrated so that about 20 % of releases are
#: followed by a new sentence within two years («Antallet tatt for ny gjerning innen to år i Norge ligger
#: på om lag 20 prosent», KDI's figure in Stimulab's final delivery, 2024; NEW_SENTENCE_2Y): 0.18 gave
#: 30 % on the 2,000-case run (a returning person's earlier case is drawn among recent releases), 0.12 about 20 %.
RETURNING = 0.12

#: Programmes (issue 20): places a year. Exit: 55 (seed 003, spor 3: "55 årspladser"). TOG: 16, the
#: evaluated group of seed 002 ch. 3.1 taken as one year's intake (the source gives no yearly number;
#: our estimate). EX/IN: 10, our estimate for one district team (seed 000 gives no number).
PROGRAMME_PLACES = {"exit": 55, "tog": 16, "exin": 10}
#: The full population the places are counted against: five years, about 50,000 cases (HISTORY_YEARS).
FULL_POPULATION = 50_000
#: Of the applications a programme receives: refused after the intake conversation (our estimate).
PROGRAMME_REFUSED = 0.15
#: Of the participants whose case is closed: left early rather than completed (seed 003 reports a 40 %
#: success rate for Exit; our estimate for all three).
PROGRAMME_LEFT_EARLY = 0.4

#: Activity per case (our estimates; means).
NEEDS_MEAN = 6.5  # needs recorded once the needs conversation is held
RESOURCES_MEAN = 1.5
CONSENT = 0.75  # of cases whose needs conversation is held
CONSENT_WITHDRAWN = 0.06  # of consents given
ACCESS_EVENTS_MEAN = 40  # reads per case over its life
MEETING_EVERY_DAYS = 42  # group meetings; meetings with the person every 28 days
MEETINGS_MAX = 24

#: Group composition: probability that a case's group has a member of this kind.
GROUP_SHARE = {
    "nav": 0.8,  # Norway only; Danish jobcentres are municipal
    "municipality": 0.65,
    "probation": 0.5,
    "health": 0.3,
    "school": 0.15,  # 0.5 for people under 25
    "volunteer": 0.1,
    "social_worker": 0.25,
}

#: Staff per case (staff scale with the population, so caseloads stay alike at any size).
CASES_PER = {
    "prison": 850,
    "contact_officer": 20,
    "social_worker": 100,
    "nav_office": 200,
    "nav": 25,
    "municipality_office": 150,
    "municipality": 40,
    "probation_office": 3000,
    "probation": 60,
    "health_office": 1000,
    "health": 100,
    "school_office": 1000,
    "school": 200,
    "ngo": 5000,
    "volunteer": 100,
}


def ratios_text() -> str:
    """Return the calibration as one paragraph for the command's help."""
    return (
        f"Calibrated to seed 001 section 2 (Norwegian prisons, 1 April 2024): {MEN:.0%} men; "
        f"{UNDER_25:.0%} under 25 at intake; {REMAND:.0%} on remand; {CITIZENS:.0%} citizens of the "
        f"case's country (others get a D-number in Norway, no CPR number in Denmark); stated sentence "
        f"log-normal with median {SENTENCE_MEDIAN_YEARS:g} and mean {SENTENCE_MEAN_YEARS:g} years "
        f"(capped at {SENTENCE_MAX_YEARS}). Cases: {NORWAY:.0%} Norwegian, the rest Danish, intakes spread "
        f"over {HISTORY_YEARS} years, {RETURNING:.0%} of them a returning person's. Per case (means): "
        f"{NEEDS_MEAN:g} needs, {RESOURCES_MEAN:g} strengths, group of a lead plus NAV "
        f"{GROUP_SHARE['nav']:.0%}, municipality {GROUP_SHARE['municipality']:.0%}, probation "
        f"{GROUP_SHARE['probation']:.0%}, health {GROUP_SHARE['health']:.0%}, school "
        f"{GROUP_SHARE['school']:.0%}, volunteer {GROUP_SHARE['volunteer']:.0%}; consent in "
        f"{CONSENT:.0%} of cases past the needs conversation, {CONSENT_WITHDRAWN:.0%} of them withdrawn; "
        f"group meetings every {MEETING_EVERY_DAYS} days (at most {MEETINGS_MAX}); "
        f"{ACCESS_EVENTS_MEAN} reads per case; one journal row per change. Staff scale with the "
        f"cases: one contact officer per {CASES_PER['contact_officer']} cases, one prison per "
        f"{CASES_PER['prison']}, one reentry coordinator per prison. Obstacles logged by people (no rate in "
        f"the seeds; shares after EX/IN's failure zones): {OBSTACLES_MEAN:g} per case that has left prison, "
        f"{OBSTACLES_INSIDE_MEAN:g} per case still inside; by stage "
        + ", ".join(f"{stage} {share:.0%}" for stage, share in OBSTACLE_STAGES.items())
        + f"; {OBSTACLES_CODED:.0%} coded on the map. Releases (no rate in the seeds; after seed 000's and "
        f"seed 002's words): housing, income and municipal contact in place on the day (not needed or done before) "
        + ", ".join(f"{key} {needless + before:.0%}" for key, (needless, before, _after) in READINESS.items())
        + f" of planned releases; NAV told 8 weeks before {NAV_NOTICE['in_time']:.0%}, later "
        f"{NAV_NOTICE['late']:.0%}, on the day or after {NAV_NOTICE['on_the_day_or_after']:.0%}, never "
        f"{NAV_NOTICE['never']:.0%}; no one had taken hold in {HANDOVER_GAP['planned']:.0%} of planned and "
        f"{HANDOVER_GAP['sudden']:.0%} of sudden releases whose group has an incoming member. "
        "Tolerances of the calibration test: "
        + ", ".join(f"{name} ±{value:g}" for name, value in TOLERANCE.items())
        + "."
    )


#: Obstacles logged by people (DOMAIN.md §8). Neither seed gives a rate: seed 000 (EX/IN's final
#: report, «Sviktsoner») names the failure zones by stage and says which are frequent, and seed
#: 001 §5 places the codes on the map. The mean per case is our estimate; the shares follow the
#: seeds' words, as commented, and the calibration test holds a run to them (``OBSTACLE_TOLERANCE``).
#: Per case that has left prison (its release and its preparation have happened); cases still
#: inside log only obstacles during the sentence and of expectations, at OBSTACLES_INSIDE_MEAN.
OBSTACLES_MEAN = 1.2
OBSTACLES_INSIDE_MEAN = 0.4
#: By stage, of the obstacles of a case that has left prison. The release itself and its
#: preparation weigh most: «NAV får ofte ikke informasjon om løslatelser», «Bolig er en stor
#: utfordring og er sjeldent forberedt» (seed 000); during the sentence and expectations less.
OBSTACLE_STAGES = {"during_sentence": 0.2, "preparing_release": 0.3, "release": 0.35, "expectations": 0.15}
#: Within a stage: (the agency that failed, the one that bore it ("" the person), the code on the map, weight).
OBSTACLE_KINDS: dict[str, list[tuple[str, str, str, float]]] = {
    # «soner ofte hele dommen i varetekt ... får ikke tilgang på rus- og psykisk helsetilbud» (1.3.5);
    # «avhenger av vertskommunens tilbud og ressurser (importmodellen)» (2: not enough resources).
    "during_sentence": [
        ("prison", "health", "1.3.5", 0.5),
        ("municipality", "prison", "2", 0.3),
        ("prison", "", "1.1.4", 0.2),
    ],
    # «NAV får ikke tilstrekkelig informasjon fra kriminalomsorgen og er sjeldent til stede i
    # fengselet» (3.1.4); «Bolig ... er sjeldent forberedt» (2.1.6).
    "preparing_release": [
        ("prison", "nav", "3.1.4", 0.45),
        ("prison", "municipality", "2.1.6", 0.4),
        ("nav", "prison", "3.1.4", 0.15),
    ],
    # «NAV får ofte ikke informasjon om løslatelser ... en fredag ettermiddag» (4); «NAV i praksis
    # ikke har rom for å håndtere umiddelbarheten» (3.1.4); the municipality's services catch no one (2.1.4).
    "release": [("prison", "nav", "4", 0.55), ("nav", "", "3.1.4", 0.25), ("municipality", "", "2.1.4", 0.2)],
    # «både kriminalomsorgen og øvrig tjenesteapparat antar et høyere ferdighets- og ressursnivå» (1.1.3).
    "expectations": [("prison", "", "1.1.3", 0.4), ("nav", "", "1.1.3", 0.35), ("municipality", "", "1.1.3", 0.25)],
}
#: Share of logged obstacles a coordinator has placed on the map (our estimate).
OBSTACLES_CODED = 0.7
#: Tolerance of the shares by stage, and of the mean per case that has left prison (absolute).
OBSTACLE_TOLERANCE = {"stage_share": 0.05, "mean": 0.2}


#: Outcomes after release (issue 22, point 3). Programme participants (those who had a place in a
#: programme) follow the Exit programme's measured outcomes (Københavns Kommune, «Udvikling og
#: tilpasning af Exitprogrammet», 2015): 45 % "tilknyttet uddannelses- eller beskæftigelsesfremmende
#: aktiviteter 3 måneder efter", 42 % "ikke sigtet for ny alvorlig eller personfarlig kriminalitet
#: 1 år efter udskrivning". Neither source gives the figures for everyone else: ours are estimates,
#: stated so that they can be argued with. A new sentence within two years (about 20 % in Norway,
#: KDI's figure in Stimulab's final delivery, 2024) comes from the returning persons (RETURNING),
#: not from this section; ``population.measure`` reports the share the run produced.
WORK_OR_EDUCATION_3M = {"participant": 0.45, "other": 0.30}
NO_NEW_CHARGE_1Y = {"participant": 0.42, "other": 0.65}
#: Of those in work or education: in work (the rest in education). Our estimate.
IN_WORK = 0.6
#: Of those neither in work nor in education, the lead writes down "neither" (else "not known", or
#: nothing at all: a follow-up never written). Our estimates.
NEITHER_WRITTEN = 0.7
NOT_KNOWN_WRITTEN = 0.5
#: Of those charged within the year: charged twice (our estimate).
CHARGED_TWICE = 0.25
#: Releases followed by a new sentence within two years (the figure above; seed: Stimulab, 2024).
NEW_SENTENCE_2Y = 0.20
#: Tolerance of the outcome shares in the calibration test (absolute).
OUTCOME_TOLERANCE = 0.06


#: Releases (issue 22: the indicators ``release_ready``, ``nav_notice_days`` and ``handover_overlap``).
#: Every generated case that has left prison gets the completed transition the handover services would
#: have written: a release to the home municipality (the generated case follows up with aftercare, so
#: the kind is "release", not parole), on the day the case says; a remand case's release is at short
#: notice ("Remand prisoners can be released at a day's notice", DOMAIN.md §1). No seed gives these shares as
#: numbers: each below is our estimate from the seeds' words, quoted beside it, stated so that it can
#: be argued with; the calibration test holds a 2,000-case run to them (``RELEASE_TOLERANCE``).
#:
#: The release checklist's three items on the day (DOMAIN.md §10: "housing, income and a named
#: municipal contact in place on the day of release"), each as (not needed, done before the day,
#: done after the day) of releases planned ahead; the rest are still missing.
#: Seed 001 (Stimulab 2024), section 1 «Sammendrag», and seed 000 (EX/IN final report), section 4, after
#: Riksrevisjonen 2022: «mange som blir løslatt fra fengsel mangler bolig, inntekt og jobb».
READINESS = {
    # Seed 000, «Sviktsoner i forberedelse til løslatelse»: «Bolig er en stor utfordring og er sjeldent
    # forberedt». Not needed: the person goes back to a home of their own or their family's.
    "housing": (0.30, 0.35, 0.15),
    # Seed 002 ch. 4, phase 3 (God Løsladelse, module 5): economic benefits «skal være klart til
    # løslatelsen», the municipality's (jobcentre's) or NAV's task; the evaluation of ch. 5 found the share
    # living on work income, student loans or benefits fell («tilbakegang i andel som hadde arbeid og
    # forsørget seg på arbeidsinntekt, studielån eller dagpenger»). Not needed: own income from work.
    "income": (0.15, 0.50, 0.20),
    # Seed 002 ch. 4.2: «uklarhet om hvem i kommunen som "hadde saken"»; seed 001, reentry map 4: the
    # handover to the municipality is fragile.
    "municipal_contact": (0.05, 0.55, 0.15),
}
#: At short notice (remand) the checklist has no time: of the items otherwise done before the day,
#: this share is done only after it (our estimate; seed 000: «umiddelbarheten i sakene»).
READINESS_SUDDEN_LATE = 0.5
#: NAV told of the release date (Norway; DOMAIN.md §7: told in advance, by default 8 weeks). Seed 000,
#: «Sviktsoner under selve løslatelsen»: «NAV får ofte ikke informasjon om løslatelser. Noen ganger får NAV
#: beskjed samme dag eller etter at løslatelsen har funnet sted»; «Sviktsoner i forberedelse»: «NAV får ikke
#: tilstrekkelig informasjon fra kriminalomsorgen». Shares of releases: told 8 weeks or more before, told
#: later but before the day, told on the day or after it, never told (the last two "often": 40 %).
NAV_NOTICE = {"in_time": 0.30, "late": 0.30, "on_the_day_or_after": 0.15, "never": 0.25}
#: The same at short notice (a remand release): no one can be told 8 weeks before.
NAV_NOTICE_SUDDEN = {"in_time": 0.0, "late": 0.35, "on_the_day_or_after": 0.30, "never": 0.35}
#: Days of notice NAV gets when told in time (from 8 weeks) and when told late (1 to 55 days).
NAV_NOTICE_DAYS = {"in_time": (56, 120), "late": (1, 55)}
#: Releases where no incoming actor had taken hold before the person left (``handover_gap``): seed 002
#: ch. 4, «Ingen skal løslates til gaten», the aim because it fails; seed 000: NAV «er sjeldent til stede i
#: fengselet» and the municipality «sjeldent forberedt». Planned releases and releases at short notice, of
#: those whose group holds an incoming member (NAV, municipality, probation); a release whose group holds
#: none always leaves a gap, so the share over all releases comes out higher (about 0.4 planned at 2,000).
HANDOVER_GAP = {"planned": 0.30, "sudden": 0.60}
#: Tolerance of the release shares in the calibration test (absolute).
RELEASE_TOLERANCE = 0.05
