"""The words of the seeded rule sets: their names, sources and each rule's citation.

Rule sets are data (timetable.migrations.0004 stores these English texts); the screen
shows them in the reader's language through the catalogue, so each text is listed here
for ``make messages``. A rule set an administrator types in is shown as typed.

The sources, and what each rule takes from them (never our own file names on screen):

- Norway: Stimulab's final delivery with the Norwegian Correctional Service (KDI) and the
  welfare directorates, «En trygg og forutsigbar overgang fra fengsel til et selvstendig liv
  i frihet» (2024), the revised POP process, steps 2, 4 and 7 and the reentry map (challenge
  4); tilbakeføring.no's housing work process («Arbeidsprosess: Fra fengsel – bolig»); the
  final report of EX/IN (Bydel Søndre Nordstrand, Oslo, 2024) on NAV hearing of releases on
  the day. The 8 weeks before a release are Overgang's default, not a source's rule: they
  follow the Danish rule that probation joins at the latest 8 weeks before parole.
- Denmark: Ramsbøl and Rasmussen, «Projekt God Løsladelse. Erfaringer – metode og
  anbefalinger» (Servicestyrelsen, 2009), its release timetable (modules 1-7), as NIBR report
  2011:20 (Dyb and Johannessen, «Tilbakeføring av straffedømte. En kommentert bibliografi»)
  sums it up in chapter 4.
- Sweden: Riksrevisionen, «Kriminalvårdens arbete med att förebygga återfall i brott»
  (RiR 2009:27), as NIBR report 2011:20 sums it up.
"""

from django.utils.translation import gettext, gettext_noop

RULE_SET_TEXTS = [
    gettext_noop("Norway: follow-up and progression plan (POP) and housing work"),
    gettext_noop(
        "Stimulab and the Norwegian Correctional Service: «En trygg og forutsigbar overgang fra fengsel til et "
        "selvstendig liv i frihet» (2024); the Norwegian Correctional Service, tilbakeføring.no: «Arbeidsprosess: "
        "Fra fengsel – bolig»"
    ),
    gettext_noop("Denmark: God Løsladelse release timetable"),
    gettext_noop(
        "Ramsbøl and Rasmussen: «Projekt God Løsladelse. Erfaringer – metode og anbefalinger» (Servicestyrelsen, "
        "2009), as summed up in NIBR report 2011:20"
    ),
    gettext_noop("Sweden: execution plan"),
    gettext_noop(
        "Riksrevisionen: «Kriminalvårdens arbete med att förebygga återfall i brott» (RiR 2009:27), as summed up "
        "in NIBR report 2011:20"
    ),
]

#: The three-month follow-up after release, in every rule set (timetable.migrations.0005).
FOLLOW_UP_CITATION = gettext_noop(
    "The situation three months after release, as the Exit programme measures it: in education or work-related "
    "activity (Københavns Kommune, «Udvikling og tilpasning af Exitprogrammet», 2015)"
)

RULE_TEXTS = [
    # Norway
    gettext_noop("POP step 2: the needs conversation at the latest within a week of intake (Stimulab, 2024)"),
    gettext_noop(
        "Housing work from prison: a conversation as soon as possible after intake, preferably within a week "
        "(tilbakeføring.no)"
    ),
    gettext_noop(
        "POP step 4: proposals for measures within the next working week after the needs conversation (Stimulab, 2024)"
    ),
    gettext_noop(
        "POP step 7: those who take over join the group in good time before the transition (Stimulab, 2024). "
        "8 weeks is this system's default, as in the Danish rule for probation"
    ),
    gettext_noop(
        "NAV is often told of a release on the day or after it (EX/IN final report, Bydel Søndre Nordstrand, "
        "2024). 8 weeks is this system's default"
    ),
    gettext_noop(
        "The handover from prison to the municipality is fragile (Stimulab, 2024, reentry map, challenge 4). "
        "8 weeks is this system's default"
    ),
    # Denmark
    gettext_noop(
        "God Løsladelse, module 1: the intake conversation at once, at the latest 4 weeks after imprisonment "
        "(Ramsbøl and Rasmussen, 2009)"
    ),
    gettext_noop("God Løsladelse, module 1: sentences of up to a year: the plan revised at least every 3 months"),
    gettext_noop("God Løsladelse, module 1: sentences over a year: the plan revised at least every 6 months"),
    gettext_noop(
        "God Løsladelse, module 2: sentences of up to a year: the municipality contacted at the latest 4 weeks "
        "after imprisonment"
    ),
    gettext_noop(
        "God Løsladelse, module 2: sentences over a year: the municipality contacted at the latest a year before "
        "expected parole"
    ),
    gettext_noop(
        "God Løsladelse, module 4: KIF (Kriminalforsorgen i Frihed) involved at the latest 8 weeks before parole"
    ),
    gettext_noop(
        "God Løsladelse, module 5: economic benefits ready at release (the municipality, often the jobcentre)"
    ),
    gettext_noop(
        "God Løsladelse, module 6: KIF's action plan for the parole period ready at the latest 7 days after release"
    ),
    gettext_noop("God Løsladelse, module 7: KIF contacts the municipality within 4 weeks of receiving the case"),
    # Sweden
    gettext_noop(
        "The execution plan is drawn up within a month of the start of the sentence (Riksrevisionen, RiR 2009:27)"
    ),
    # Every country: outcomes after release (issue 22), as the Exit programme measures them.
    FOLLOW_UP_CITATION,
]


def in_words(text: str) -> str:
    """Return a stored rule text in the reader's language: the catalogue's, else as it is stored."""
    return gettext(text) if text else ""
