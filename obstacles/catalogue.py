"""The reentry map's coded challenges (tilbakeføringskart), as the seed lists them.

Source: seed 001 (Stimulab «En trygg og forutsigbar overgang ...», 2024) §5 «Tilbakeføringskart»,
the five lists «Utfordringer og behov knyttet til tilbakeføringskartet»: one per POP phase
(forstå behov, lage en plan, gjennomføre plan, overføre ansvar) and one for the challenges
«ikke knyttet til en spesifikk fase» (here the phase ``overarching``). A thread code ``a.b.c``
lies in tangle ``a`` and knot ``a.b`` (seed 001 §2, «floker, knuter og tråder»; the same
tangles and knots as ``reference.taxonomy``); the one-digit codes 1-8 are system-level
challenges and belong to no tangle.

The Norwegian text is the seed's; Danish and English are our translations. The seed's lists
are irregular; each irregularity is handled here and nowhere else:

1. **A code with two different texts.** ``2.1.1`` is printed twice: under «lage en plan»
   («Det er stor avstand mellom livet i fengsel og omverdenen ...») and among the overarching
   challenges («Det er tøft å skulle bryte med eksisterende relasjoner ...»). They are two
   challenges. The first keeps the key ``2.1.1``; the second is keyed ``2.1.1b``. Both keep the
   code as printed in ``seed_code``, so the map can say where it came from.
2. **One challenge listed in two phases.** ``1.2.4`` stands under «forstå behov» and again under
   «gjennomføre plan» (the same text but for one comma): one challenge placed in both phases.
   Likewise ``2`` and ``7`` stand under «forstå behov» and among the overarching ones: one
   challenge each, placed in both.
3. **System-level codes listed under a phase.** ``1``, ``2``, ``3`` stand under «forstå behov»,
   ``6`` under «gjennomføre plan», ``4``, ``5``, ``8`` under «overføre ansvar»: they are placed in
   those phases, with no tangle.
4. **Gaps.** The thread numbers are sparse (no 1.1.1, 1.3.1, 2.1.2, 2.1.5, 2.2.2, 2.3.1, 2.3.2,
   3.2.3, 3.3.1, 3.3.2; no thread of knot 3.4). Nothing is invented to fill them: the seed says
   the list is not exhaustive and invites more; an administrator adds codes in the admin.
5. **Typing errors in the seed.** Three are corrected in the Norwegian text, nothing else
   changed: «of uoversiktlig» -> «og uoversiktlig» (8), «medisinerert» -> «medisinert» (1.3.5),
   «vanskelig og holde kontakt» -> «vanskelig å holde kontakt» (2.2.1).
6. **Order.** The seed lists codes in map order, not numeric order; ``position`` keeps the
   seed's order within each phase list (first appearance), and the map draws boxes in it.
"""

UNDERSTAND = "understand_needs"
PLAN = "make_plan"
CARRY_OUT = "carry_out"
HAND_OVER = "hand_over"
OVERARCHING = "overarching"

#: (key, code as printed, phases, nb, da, en), in the seed's order of first appearance.
CHALLENGES: list[tuple[str, str, tuple[str, ...], str, str, str]] = [
    # «Forstå behov»
    (
        "1.1.3",
        "1.1.3",
        (UNDERSTAND,),
        "Ansatte har en tendens til å overvurdere hvor ressurssterke innsatte som ser ut til å klare seg fint "
        "egentlig er",
        "Ansatte har en tendens til at overvurdere, hvor ressourcestærke indsatte, der ser ud til at klare sig "
        "fint, egentlig er",
        "Staff tend to overestimate how resourceful inmates who seem to be doing fine really are",
    ),
    (
        "2.3.4",
        "2.3.4",
        (UNDERSTAND,),
        "Ansatte får sjeldent god nok oversikt over den innsattes nettverk til å støtte det sosiale ved løslatelsen",
        "Ansatte får sjældent godt nok overblik over den indsattes netværk til at støtte det sociale ved løsladelsen",
        "Staff rarely get a good enough picture of the inmate's network to support the social side at release",
    ),
    (
        "3.2.2",
        "3.2.2",
        (UNDERSTAND,),
        "Ansatte får ofte manglende innsikt i de innsattes økonomiske situasjon gjennom kartlegging",
        "Ansatte får ofte ikke indsigt i de indsattes økonomiske situation gennem kortlægningen",
        "The mapping often leaves staff without insight into the inmates' financial situation",
    ),
    (
        "3.2.1",
        "3.2.1",
        (UNDERSTAND,),
        "De ansatte trekker frem økonomi og gjeldshåndtering som et eksempel på et område der de mangler "
        "kompetanse til å hjelpe de innsatte",
        "De ansatte nævner økonomi og gældshåndtering som et område, hvor de mangler kompetence til at hjælpe de "
        "indsatte",
        "Staff name money and debt management as an area where they lack the skills to help inmates",
    ),
    (
        "1.3.2",
        "1.3.2",
        (UNDERSTAND,),
        "Innledende kartlegging av behov fører ofte ikke til noen konkrete tiltak, spesielt om behovet ikke er akutt",
        "Den indledende kortlægning af behov fører ofte ikke til konkrete tiltag, især hvis behovet ikke er akut",
        "The initial mapping of needs often leads to no concrete measure, especially if the need is not acute",
    ),
    (
        "3",
        "3",
        (UNDERSTAND,),
        "Det er en underliggende skjevhet i makt mellom innsatte og betjente som påvirker kommunikasjonen",
        "Der er en underliggende skævhed i magt mellem indsatte og betjente, som påvirker kommunikationen",
        "An underlying imbalance of power between inmates and officers affects communication",
    ),
    (
        "1",
        "1",
        (UNDERSTAND,),
        "Ansatte i førstelinjen opplever at de innsatte har stadig mer komplekse og sammensatte behov",
        "Ansatte i frontlinjen oplever, at de indsatte har stadig mere komplekse og sammensatte behov",
        "Frontline staff find that inmates have ever more complex and composite needs",
    ),
    (
        "2",
        "2",
        (UNDERSTAND, OVERARCHING),
        "Det er ikke tilstrekkelig med ressurser i fengselet og i kommunen",
        "Der er ikke tilstrækkelige ressourcer i fængslet og i kommunen",
        "There are not enough resources in the prison and in the municipality",
    ),
    (
        "7",
        "7",
        (UNDERSTAND, OVERARCHING),
        "Systemet er personavhengig, hvor utfall bestemmes av enkeltindivider",
        "Systemet er personafhængigt, og udfaldet afgøres af enkeltpersoner",
        "The system depends on individuals: single people decide the outcome",
    ),
    (
        "3.2.5",
        "3.2.5",
        (UNDERSTAND,),
        "Noen innsatte har usynlig gjeld som de må håndtere, i tillegg til den gjelden som er avklart gjennom systemet",
        "Nogle indsatte har usynlig gæld, som de skal håndtere, ud over den gæld, der er afklaret gennem systemet",
        "Some inmates have invisible debt to deal with, besides the debt settled through the system",
    ),
    (
        "1.1.5",
        "1.1.5",
        (UNDERSTAND,),
        "Innsatte med synlige behov kan få hjelp gjennom dedikert programvirksomhet, mens usynlige behov går "
        "under radaren",
        "Indsatte med synlige behov kan få hjælp gennem særlige programmer, mens usynlige behov går under radaren",
        "Inmates with visible needs can get help through dedicated programmes, while invisible needs go unnoticed",
    ),
    (
        "1.1.2",
        "1.1.2",
        (UNDERSTAND,),
        "Ansvar for å be om hjelp ligger hos den innsatte, men mange velger å skjule utfordringene sine fordi "
        "de ikke vil fremstå som svake eller bli stemplet",
        "Ansvaret for at bede om hjælp ligger hos den indsatte, men mange skjuler deres udfordringer, fordi de "
        "ikke vil fremstå svage eller blive stemplet",
        "Asking for help is up to the inmate, but many hide their problems because they do not want to look "
        "weak or be labelled",
    ),
    (
        "1.2.3",
        "1.2.3",
        (UNDERSTAND,),
        "Mange innsatte har blitt fortalt at de ikke får det til hele livet, og sliter med lav selvtillit og "
        "manglende mestringsfølelse",
        "Mange indsatte har hele livet fået at vide, at de ikke kan, og kæmper med lavt selvværd og manglende "
        "følelse af at mestre",
        "Many inmates have been told all their lives that they will not make it, and struggle with low "
        "self-esteem and little sense of mastery",
    ),
    (
        "1.2.4",
        "1.2.4",
        (UNDERSTAND, CARRY_OUT),
        "Flere innsatte sier de ikke vil prøve, fordi de er redde for å feile og skuffe både seg selv og de som "
        "hjelper dem",
        "Flere indsatte siger, at de ikke vil prøve, fordi de er bange for at fejle og skuffe både sig selv og "
        "dem, der hjælper dem",
        "Several inmates say they will not try, because they fear failing and letting down both themselves and "
        "those who help them",
    ),
    # «Lage en plan»
    (
        "1.1.4",
        "1.1.4",
        (PLAN,),
        "Innsatte opplever at de ikke mottar den hjelpen de selv mener de har behov for",
        "Indsatte oplever, at de ikke får den hjælp, som de selv mener, at de har brug for",
        "Inmates feel they do not get the help they themselves think they need",
    ),
    (
        "3.3.3",
        "3.3.3",
        (PLAN,),
        "Det er mange som tenker kortsiktig rundt økonomien sin. Mange velger for eksempel en jobb som lar de "
        "tjener mer penger her og nå enn å velge noe som gir de mer på lang sikt",
        "Mange tænker kortsigtet om deres økonomi. Mange vælger for eksempel et job, der giver flere penge her og "
        "nu, frem for noget, der giver mere på lang sigt",
        "Many think short-term about their money: they choose, say, a job that pays more now over one that "
        "gives more in the long run",
    ),
    (
        "1.2.1",
        "1.2.1",
        (PLAN,),
        "Manglende innsyn når innsatte får avvist søknader går hardt utover fremtidig motivasjon og tilliten "
        "til systemet",
        "Manglende indsigt, når indsatte får afslag på ansøgninger, går hårdt ud over motivationen og tilliden "
        "til systemet",
        "When inmates get applications refused without seeing why, it hurts their motivation and their trust "
        "in the system",
    ),
    (
        "2.1.1",
        "2.1.1",
        (PLAN,),
        "Det er stor avstand mellom livet i fengsel og omverdenen. Innsatte føler at de blir sosialt svekket i "
        "løpet av straffegjennomføringen, og mange kommer ut med sosial angst",
        "Der er stor afstand mellem livet i fængsel og omverdenen. Indsatte føler sig socialt svækket under "
        "afsoningen, og mange kommer ud med social angst",
        "Life in prison is far from the world outside. Inmates feel socially weakened while serving, and many "
        "come out with social anxiety",
    ),
    (
        "1.2.6",
        "1.2.6",
        (PLAN,),
        "Lengre fengselsstraffer og en manglende følelse av progresjon er også hemmende for motivasjonen",
        "Længere fængselsstraffe og en manglende følelse af fremskridt hæmmer også motivationen",
        "Longer prison sentences and a lack of a sense of progress also hold motivation back",
    ),
    # «Gjennomføre plan»
    (
        "1.2.2",
        "1.2.2",
        (CARRY_OUT,),
        "Mange innsatte ser ingen tydelig fremdriftsplan for straffegjennomføring og livet etter fengsel, de "
        "beskriver veien som “tåkete”",
        "Mange indsatte ser ingen tydelig plan for afsoningen og livet efter fængslet; de beskriver vejen som “tåget”",
        "Many inmates see no clear plan for the sentence and life after prison; they call the road “foggy”",
    ),
    (
        "2.2.1",
        "2.2.1",
        (CARRY_OUT,),
        "Mange gjennomfører straff et annet sted i landet enn der hjemkommunen deres er, og lange avstander gjør "
        "det vanskelig å holde kontakt",
        "Mange afsoner et andet sted i landet end deres hjemkommune, og lange afstande gør det svært at holde "
        "kontakten",
        "Many serve their sentence far from their home municipality, and long distances make it hard to keep in touch",
    ),
    (
        "2.3.3",
        "2.3.3",
        (CARRY_OUT,),
        "Manglende kontakt under straffegjennomføring gjør det vanskelig å plukke opp kontakten etter løslatelse",
        "Manglende kontakt under afsoningen gør det svært at tage kontakten op igen efter løsladelsen",
        "Little contact during the sentence makes it hard to pick contact up again after release",
    ),
    (
        "3.1.3",
        "3.1.3",
        (CARRY_OUT,),
        "Innsatte ser frem til nedtrapping i sikkerhet for å få flere muligheter for arbeid, men progresjonen "
        "til lavere sikkerhet kan være vanskelig å få til i praksis",
        "Indsatte ser frem til lavere sikkerhed for at få flere muligheder for arbejde, men overgangen til "
        "lavere sikkerhed kan være svær i praksis",
        "Inmates look forward to lower security for more chances of work, but moving to lower security can be "
        "hard in practice",
    ),
    (
        "2.2.3",
        "2.2.3",
        (CARRY_OUT,),
        "Det er veldig begrenset ringetid, sjeldent nok til å vedlikeholde de relasjonen man har",
        "Telefontiden er meget begrænset og sjældent nok til at holde de relationer, man har, ved lige",
        "Phone time is very limited, seldom enough to keep up the relationships one has",
    ),
    (
        "1.3.5",
        "1.3.5",
        (CARRY_OUT,),
        "Innsatte sier det er lav terskel for å bli medisinert, men at det er mye som skal til for å få et "
        "faktisk behandlingsløp",
        "Indsatte siger, at det er let at få medicin, men at der skal meget til for at få et egentligt "
        "behandlingsforløb",
        "Inmates say it is easy to get medication, but hard to get an actual course of treatment",
    ),
    (
        "2.2.4",
        "2.2.4",
        (CARRY_OUT,),
        "Utover straffegjennomføring opplever mange innsatte at de utviklet flere sosiale utfordringer som gjør "
        "det krevende å følge opp sosiale relasjoner",
        "Under afsoningen oplever mange indsatte, at de udvikler flere sociale udfordringer, som gør det svært "
        "at pleje sociale relationer",
        "As the sentence goes on, many inmates develop more social difficulties that make relationships hard "
        "to keep up",
    ),
    (
        "3.1.2",
        "3.1.2",
        (CARRY_OUT,),
        "Stramme rammer for permisjon og fremstilling begrenser arbeidsmulighetene for innsatte før løslatelse",
        "Stramme rammer for udgang og fremstilling begrænser de indsattes muligheder for arbejde før løsladelsen",
        "Tight limits on leave and escorted outings restrict inmates' chances of work before release",
    ),
    (
        "3.1.5",
        "3.1.5",
        (CARRY_OUT,),
        "Det er viktig at fengslene kan tilby relevant utdanning og arbeid, som passer den innsattes "
        "ferdigheter, slik at de senere kan komme ut i jobb",
        "Det er vigtigt, at fængslerne kan tilbyde relevant uddannelse og arbejde, der passer til den indsattes "
        "færdigheder, så de senere kan komme i job",
        "Prisons need to offer relevant education and work that fit the inmate's skills, so they can get a job later",
    ),
    (
        "3.3.4",
        "3.3.4",
        (CARRY_OUT,),
        "Det er mange praktiske begrensninger for de innsatte som hindrer de i å få tilgang til sine banktjenester",
        "Mange praktiske begrænsninger hindrer de indsatte i at få adgang til deres banktjenester",
        "Many practical limits keep inmates from reaching their bank services",
    ),
    (
        "1.2.5",
        "1.2.5",
        (CARRY_OUT,),
        "Ansatte sier det er vanskelig å hjelpe noen de opplever at ikke vil ha hjelp, og gir mer støtte til "
        "de som tilnærmer seg dem på “riktig” måte",
        "Ansatte siger, at det er svært at hjælpe nogen, der ikke synes at ville have hjælp, og giver mere "
        "støtte til dem, der henvender sig på den “rigtige” måde",
        "Staff say it is hard to help someone who seems not to want help, and give more support to those who "
        "approach them the “right” way",
    ),
    (
        "1.3.4",
        "1.3.4",
        (CARRY_OUT,),
        "Ansatte peker på urealistiske forventninger fra de innsatte til hva slags hjelp de skal fra systemet",
        "Ansatte peger på de indsattes urealistiske forventninger til, hvilken hjælp de skal have fra systemet",
        "Staff point to inmates' unrealistic expectations of the help they will get from the system",
    ),
    (
        "6",
        "6",
        (CARRY_OUT,),
        "Mangel på kultur for å prioritere tilbakeføring i og utenfor fengselet",
        "Mangel på en kultur, der prioriterer tilbageføring i og uden for fængslet",
        "A lack of a culture that puts reentry first, inside and outside the prison",
    ),
    # «Overføre ansvar»
    (
        "4",
        "4",
        (HAND_OVER,),
        "Tilbakeføringsarbeidet er særlig sårbart på grunn av ansvarsoverføringen mellom fengsel og kommune",
        "Tilbageføringsarbejdet er særligt sårbart på grund af overdragelsen af ansvar mellem fængsel og kommune",
        "Reentry work is especially fragile because responsibility passes from the prison to the municipality",
    ),
    (
        "8",
        "8",
        (HAND_OVER,),
        "Fengselets murer er høye og kommunen er fragmentert og uoversiktlig",
        "Fængslets mure er høje, og kommunen er fragmenteret og uoverskuelig",
        "The prison's walls are high, and the municipality is fragmented and hard to find one's way in",
    ),
    (
        "5",
        "5",
        (HAND_OVER,),
        "Frivillige organisasjoner fyller et gap og jobber med den “myke” siden av tilbakeføringsarbeidet",
        "Frivillige organisationer udfylder et hul og arbejder med den “bløde” side af tilbageføringsarbejdet",
        "Voluntary organisations fill a gap and work on the “soft” side of reentry",
    ),
    (
        "2.1.6",
        "2.1.6",
        (HAND_OVER,),
        "Mange innsatte sliter med å finne egen bolig. Blir man boende på sofaen til en venn er det kort vei inn "
        "til gamle miljøer og vaner",
        "Mange indsatte har svært ved at finde egen bolig. Bor man på en vens sofa, er vejen kort til gamle "
        "miljøer og vaner",
        "Many inmates struggle to find a home of their own. Staying on a friend's sofa is a short road back to "
        "old circles and habits",
    ),
    (
        "1.3.3",
        "1.3.3",
        (HAND_OVER,),
        "Behandling i fengsel (for eksempel behandling for seksuallovbrudd) blir ikke videreført etter løslatelse",
        "Behandling i fængsel (for eksempel behandling for seksualforbrydelser) fortsætter ikke efter løsladelsen",
        "Treatment in prison (for example for sexual offences) is not continued after release",
    ),
    (
        "3.1.4",
        "3.1.4",
        (HAND_OVER,),
        "Det kan være vanskelig å få lagt opp til en god prosess med lokale NAV kontor, som skal bistå etter "
        "løslatelse",
        "Det kan være svært at få lagt en god proces op med det lokale NAV-kontor, som skal hjælpe efter løsladelsen",
        "It can be hard to set up a good process with the local NAV office that is to help after release",
    ),
    (
        "2.1.4",
        "2.1.4",
        (HAND_OVER,),
        "Når en blir løslatt fra fengsel er det viktig at tjenester i bostedskommunen kan fange en opp, og være "
        "med på å bygge opp rutiner",
        "Når man løslades fra fængsel, er det vigtigt, at tjenester i bopælskommunen kan fange en op og hjælpe "
        "med at opbygge rutiner",
        "On release from prison, services in the home municipality need to catch the person and help build routines",
    ),
    # Not tied to one phase
    (
        "3.2.4",
        "3.2.4",
        (OVERARCHING,),
        "Mange får for lite tid til å forberede seg før straffegjennomføringen. De får ikke satt av penger "
        "eller ordnet så de ikke pådrar seg ytterligere gjeld under straffegjennomføringen",
        "Mange får for lidt tid til at forberede sig før afsoningen. De får ikke sparet op eller sørget for, at "
        "de ikke får mere gæld under afsoningen",
        "Many get too little time to prepare before the sentence. They cannot put money aside or arrange "
        "things so they take on no more debt while serving",
    ),
    (
        "3.1.1",
        "3.1.1",
        (OVERARCHING,),
        "En kriminell bakgrunn kan være negativt utslagsgivende når en arbeidsgiver har valget mellom flere søkere",
        "En kriminel fortid kan være afgørende på den negative side, når en arbejdsgiver vælger mellem flere ansøgere",
        "A criminal record can tip the balance against you when an employer chooses between applicants",
    ),
    (
        "2.1.1b",
        "2.1.1",
        (OVERARCHING,),
        "Det er tøft å skulle bryte med eksisterende relasjoner og rutiner, og mange trenger hjelp til å ta de "
        "vanskelige valgene og unngå å falle tilbake i gamle spor",
        "Det er hårdt at bryde med eksisterende relationer og rutiner, og mange har brug for hjælp til at træffe "
        "de svære valg og undgå at falde tilbage i gamle spor",
        "Breaking with existing relationships and routines is hard, and many need help to make the hard "
        "choices and not slip back into old ways",
    ),
    (
        "2.1.3",
        "2.1.3",
        (OVERARCHING,),
        "Innsatte opplever stigmatisering (enten det faktisk er tilfellet eller noe forestiller seg at andre "
        "tenker) som en barriere for å skape nye relasjoner",
        "Indsatte oplever stigmatisering (reel eller forestillet) som en barriere for at skabe nye relationer",
        "Inmates experience stigma (real or imagined) as a barrier to forming new relationships",
    ),
]


def tangle_code(code: str) -> str | None:
    """The tangle of a thread code (its first digit); None for a one-digit system-level code."""
    return code.split(".")[0] if "." in code else None


def knot_code(code: str) -> str | None:
    """The knot of a thread code (its first two parts); None for a system-level code."""
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 3 else None
