"""Demo data: agencies, one user per persona and seven cases at different stages.

Built through the real services, so every demo change is journaled like a real one.
The test suite loads the same world once per session and finds its personas here.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, AgencyKind, Country, Role, SecurityLevel, User
from accounts.regions import region_for
from accounts.services import system_user
from achievements.models import AchievementKind
from achievements.services import achievement_record
from applications.models import ApplicationKind, Outcome
from applications.services import application_decide, application_record
from cases.models import Case, LegalStatus
from cases.services import IntakeData, case_open, membership_add, membership_end
from consent.services import consent_give, consent_withdraw
from core.audience import VolunteerItem
from directory.models import Service
from directory.services import referral_send, service_connect, service_verify
from handover.models import TransitionKind
from handover.services import membership_accept, transition_invite, transition_plan
from meetings.models import MeetingKind
from meetings.services import meeting_book
from needs.services import conversation_record, need_create, resource_create, volunteer_sharing_set
from obstacles.models import ObstacleStage
from obstacles.services import obstacle_log
from plans.services import delivery_note_add, measure_move, measure_propose, measure_service_set
from programmes.models import Programme
from programmes.services import (
    catchment_count,
    enrolment_apply,
    enrolment_decide,
    enrolment_interview,
    enrolment_phase_move,
    programme_facts_set,
    programme_staff_add,
)
from reference.models import LifeArea

DEMO_MARKER_USERNAME = "kari.kontakt"

#: username → (first name, last name, role, agency key, what the persona shows)
USERS = {
    "kari.kontakt": ("Kari", "Nilsen", Role.CONTACT_OFFICER, "bergen", "Contact officer, leads the demo cases"),
    "sara.sosial": ("Sara", "Haugen", Role.SOCIAL_WORKER, "bergen", "Social worker in the same prison"),
    "nils.nav": ("Nils", "Berg", Role.NAV, "nav", "NAV adviser in Jonas's group, covered by consent"),
    "mona.kommune": ("Mona", "Lie", Role.MUNICIPALITY, "kommune", "Municipal worker in Jonas's group, not covered"),
    "vera.frivillig": ("Vera", "Dahl", Role.VOLUNTEER, "rodekors", "Volunteer, sees only what is shared with her"),
    "petra.friomsorg": (
        "Petra",
        "Moe",
        Role.PROBATION,
        "friomsorg",
        "Invited to Jonas's group, has not accepted: sees nothing",
    ),
    "helge.helse": ("Helge", "Vik", Role.HEALTH, "helse", "Was in Jonas's group; the membership ended: sees nothing"),
    "olav.oslo": ("Olav", "Strand", Role.CONTACT_OFFICER, "oslo", "Contact officer in another prison (outsider)"),
    "tove.koordinator": (
        "Tove",
        "Lund",
        Role.REENTRY_COORDINATOR,
        "bergen",
        "Reentry coordinator in Bergen: the prison's cases by stage; opens one with a reason",
    ),
    "otto.koordinator": ("Otto", "Ruud", Role.REENTRY_COORDINATOR, "oslo", "Reentry coordinator in another prison"),
    "frida.fri": (
        "Frida",
        "Fri",
        Role.PROGRAMME_STAFF,
        "fri",
        "FRI in Drammen (the directory): accepts or declines referrals to FRI",
    ),
    "jonas": ("Jonas", "Hansen", Role.PERSON, None, "The person: sees his own plan and who looked"),
    "thomas": ("Thomas", "Berg", Role.PERSON, None, "The person in case 6: chooses what his volunteer sees"),
    "mats": ("Mats", "Eide", Role.PERSON, None, "Waits to serve: has his summons, ticks off what he has prepared"),
    "admin": ("Ada", "Admin", Role.ADMIN, None, "Administrator: users and reference data, no case content"),
    "anna.analyse": ("Anna", "Aasen", Role.ANALYST, None, "Analyst: aggregated figures only, no cases"),
    "emma.exit": (
        "Emma",
        "Holm",
        Role.PROGRAMME_STAFF,
        "ekp",
        "Exit adviser in Copenhagen: the Exit programme's own view, its participants only",
    ),
    "karl.kontakt": (
        "Karl",
        "Jensen",
        Role.CONTACT_OFFICER,
        "kbh",
        "Contact officer in Copenhagen: sees which programmes Mikkel and Yusuf may fit",
    ),
}

AGENCIES = {
    "bergen": ("Bergen fengsel", AgencyKind.PRISON, "Bergen", SecurityLevel.HIGH),
    "oslo": ("Oslo fengsel", AgencyKind.PRISON, "Oslo", SecurityLevel.HIGH),
    "nav": ("NAV Bergenhus", AgencyKind.NAV, "Bergen", ""),
    "kommune": ("Bergen kommune, boligkontoret", AgencyKind.MUNICIPALITY, "Bergen", ""),
    "friomsorg": ("Friomsorgskontoret Vestland", AgencyKind.PROBATION, "Bergen", ""),
    "rodekors": ("Røde Kors, Nettverk etter soning", AgencyKind.NGO, "Bergen", ""),
    "helse": ("Helse Bergen, poliklinikk", AgencyKind.HEALTH, "Bergen", ""),
    "fri": ("Kirkens Bymisjon Drammen, FRI", AgencyKind.NGO, "Drammen", ""),
    "kbh": ("Københavns Fængsler", AgencyKind.PRISON, "København", SecurityLevel.HIGH),
    "ekp": ("Københavns Kommune, Exitprogrammet (EKP)", AgencyKind.MUNICIPALITY, "København", ""),
}
#: The agencies in Denmark (the rest are Norwegian).
DANISH = frozenset({"kbh", "ekp"})


@dataclass
class DemoWorld:
    users: dict[str, User]
    agencies: dict[str, Agency]
    cases: dict[str, Case]


def _demo_directory(kari: User, agencies: dict[str, Agency], fredrik: Case, days) -> None:
    """Issue 21: the directory's services answered by the demo's agencies, and a referral waiting for Bergen."""
    admin = User.objects.get(username="admin")
    connected = {
        "NAV Bergen": "nav",
        "Hjelp til bolig – Bergen kommune": "kommune",
        "FRI – fra fengsel til varig bolig": "fri",
    }
    services = {}
    for name, key in connected.items():
        service = Service.objects.get(name=name)
        services[name] = service_connect(
            actor=admin, service=service, agency_id=agencies[key].pk, owner_id=agencies[key].pk
        )
    service_verify(actor=admin, service=services["FRI – fra fengsel til varig bolig"])
    # Fredrik needs a home after his release on a Friday: Kari links Bergen's housing help and refers him.
    housing = need_create(
        actor=kari, case=fredrik, life_area=_area("housing"), summary="Trenger bolig fra løslatelsesdagen."
    )
    measure = measure_propose(
        actor=kari,
        case=fredrik,
        title="Kommunal bolig fra løslatelsen",
        needs=[housing],
        responsible_user=kari,
        start_date=days(0),
        due_date=days(50),
        requires_of_person="Møte boligkontoret og signere søknaden.",
    )
    measure = measure_service_set(actor=kari, measure=measure, service=services["Hjelp til bolig – Bergen kommune"])
    referral_send(
        actor=kari,
        measure=measure,
        shared="Fredrik løslates på en fredag og har ingen bolig. Han har sagt ja til at boligkontoret får vite dette.",
        person_agreed=True,
    )


def _area(slug: str) -> LifeArea:
    return LifeArea.objects.get(slug=slug)


@transaction.atomic
def build_demo(password: str | None, history: int = 0) -> DemoWorld:
    """Create the demo world; with password None, users get no usable password (tests).

    ``history``: that many generated cases beside the personas' (``population.generator``, a fixed
    seed), years of releases and outcomes, so that the analyst's figures, baseline and report have
    cases enough to show (issue 22); 0 in the tests, whose demo world stays the personas' own.
    """
    today = timezone.localdate()
    agencies = {}
    for key, (name, kind, municipality, level) in AGENCIES.items():
        agencies[key] = Agency.objects.create(
            name=name,
            kind=kind,
            municipality=municipality,
            security_level=level,
            country=Country.DENMARK if key in DANISH else Country.NORWAY,
            region=region_for(Country.DENMARK if key in DANISH else Country.NORWAY, municipality)
            if kind == AgencyKind.PRISON
            else "",
        )
    users = {}
    for username, (first, last, role, agency_key, _about) in USERS.items():
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            agency=agencies.get(agency_key) if agency_key else None,
            email=f"{username}@example.invalid",
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        users[username] = user

    kari, sara, nils, mona, vera = (
        users[u] for u in ["kari.kontakt", "sara.sosial", "nils.nav", "mona.kommune", "vera.frivillig"]
    )
    cases: dict[str, Case] = {}

    def join(case: Case, user: User, purpose: str, start: datetime.date):
        """Invite an external member and let them accept, as in real use."""
        membership = membership_add(actor=case.created_by, case=case, user=user, purpose=purpose, start_date=start)
        if membership.accepted_at is None:
            membership = membership_accept(actor=user, membership=membership)
        return membership

    def open_case(key: str, person_user: User | None = None, officer: User = kari, **facts) -> Case:
        cases[key] = case_open(actor=officer, data=IntakeData(**facts), person_user=person_user)
        return cases[key]

    def days(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    def at(n_days: int, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(days(n_days), datetime.time(hour, 0)))

    # 1. Jonas: needs conversation held, consent given to NAV (not the municipality), a volunteer.
    jonas = open_case(
        "jonas",
        person_user=users["jonas"],
        first_name="Jonas",
        last_name="Hansen",
        birth_date=datetime.date(2003, 5, 14),
        home_municipality="Bergen",
        unit="Avdeling B",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-40),
        sentence_start=days(-40),
        sentence_days=540,
        remand_days=30,
        expected_release=days(320),
    )
    membership_add(actor=kari, case=jonas, user=sara, purpose="Sosialfaglig oppfølging", start_date=days(-40))
    nav_member = join(jonas, nils, "Inntekt ved løslatelse", days(-38))
    join(jonas, mona, "Bolig etter løslatelse", days(-38))
    join(jonas, vera, "Fadder og fritid", days(-30))
    # Invited, never accepted: counts for nothing.
    membership_add(
        actor=kari, case=jonas, user=users["petra.friomsorg"], purpose="Friomsorg før løslatelse", start_date=days(-5)
    )
    # Accepted, then ended two days ago: sees nothing after the end date.
    helge_member = join(jonas, users["helge.helse"], "Behandling under soning", days(-38))
    membership_end(actor=kari, membership=helge_member, end_date=days(-2))
    session = conversation_record(actor=kari, case=jonas, held_on=days(-36), note="Første økt, god samtale.")
    need_create(
        actor=kari,
        case=jonas,
        life_area=_area("housing"),
        own_words="Jeg har ikke noe sted å bo når jeg kommer ut.",
        summary="Trenger bolig ved løslatelse.",
        conversation=session,
    )
    need_create(
        actor=kari,
        case=jonas,
        life_area=_area("debt"),
        own_words="Jeg skylder penger, vet ikke hvor mye.",
        summary="Usynlig gjeld, trenger oversikt (gjeldsrådgivning).",
        conversation=session,
    )
    need_create(
        actor=kari,
        case=jonas,
        life_area=_area("mental-health"),
        own_words="Sover dårlig og har mye angst.",
        summary="Ønsker samtale med psykolog.",
        private=True,
        conversation=session,
    )
    leisure = need_create(
        actor=kari,
        case=jonas,
        life_area=_area("leisure"),
        own_words="Vil begynne å trene igjen.",
        summary="Fritid: trening, gjerne med fadder.",
        conversation=session,
    )
    # Jonas chooses to share his leisure need with volunteers (his volunteer is not covered by the consent yet).
    volunteer_sharing_set(actor=users["jonas"], case=jonas, items=[], needs=[leisure])
    session2 = conversation_record(actor=kari, case=jonas, held_on=days(-34), note="Andre økt.", completed=True)
    income = need_create(
        actor=kari,
        case=jonas,
        life_area=_area("income"),
        summary="Inntekt fra dag én etter løslatelse.",
        conversation=session2,
    )
    resource_create(
        actor=kari, case=jonas, life_area=_area("work"), description="Har fagbrev-løp i tømrerfaget påbegynt."
    )
    consent_give(
        actor=kari,
        case=jonas,
        given_on=days(-34),
        explained_by=kari,
        scope=[nav_member],
        note="Forklart muntlig; kan trekkes når som helst.",
    )
    # Step 4-6: NAV proposes, Jonas chooses one measure with Kari; it has started; one proposal waits.
    income_measure = measure_propose(
        actor=nils,
        case=jonas,
        title="Søknad om sosialhjelp og arbeidsavklaringspenger før løslatelse",
        needs=[income],
        responsible_user=nils,
        start_date=days(-30),
        due_date=days(60),
        requires_of_person="Møte NAV-veileder i fengselet to ganger og signere søknaden.",
    )
    income_measure = measure_move(actor=kari, measure=income_measure, status="chosen", with_person=True)
    income_measure = measure_move(actor=nils, measure=income_measure, status="started")
    delivery_note_add(actor=nils, measure=income_measure, text="Første møte holdt; søknaden er påbegynt.")
    measure_propose(
        actor=nils,
        case=jonas,
        title="Bankkonto og BankID",
        needs=[income],
        responsible_user=nils,
        start_date=days(5),
        due_date=days(40),
        requires_of_person="Ha gyldig ID-kort eller pass.",
    )
    meeting_book(actor=kari, case=jonas, kind=MeetingKind.GROUP, starts_at=at(6, 10), place="Bergen fengsel, møterom 2")
    # Two obstacles on Jonas's case (DOMAIN.md §8), not yet coded: the coordinator places them on the map.
    obstacle_log(
        actor=kari,
        case=jonas,
        is_person=False,
        what_happened="NAV-veilederen kunne ikke komme på kartleggingssamtalen, og ingen andre fra NAV tok over.",
        happened_on=days(-3),
        stage=ObstacleStage.DURING_SENTENCE,
        failed_agency=AgencyKind.NAV,
        bore_agency=AgencyKind.PRISON,
    )
    obstacle_log(
        actor=mona,
        case=jonas,
        is_person=False,
        what_happened="Boligkontoret fikk ikke kartleggingen før fristen for å søke kommunal bolig.",
        happened_on=days(-1),
        stage=ObstacleStage.PREPARING_RELEASE,
        failed_agency=AgencyKind.PRISON,
        bore_agency=AgencyKind.MUNICIPALITY,
    )
    # Issue 18: Jonas's applications. Leave refused with its reason (too early on the road), the
    # complaint deadline still open; housing applied for by Kari, its answer late; a school place granted.
    leave = application_record(
        actor=kari,
        case=jonas,
        kind=ApplicationKind.LEAVE,
        by_person=True,
        applied_on=days(-20),
        decides=agencies["bergen"],
        expected_answer=days(-6),
    )
    application_decide(
        actor=kari,
        application=leave,
        outcome=Outcome.REFUSED,
        decided_on=days(-10),
        reached_on=days(-9),
        reason="Du har ikke sonet lenge nok ennå. Permisjon kan du få når du har sonet en tredjedel av straffen, "
        "og minst fire måneder.",
        next_step="Søk igjen når datoen nærmer seg. Kari hjelper deg med søknaden.",
        version=leave.version,
    )
    application_record(
        actor=kari,
        case=jonas,
        kind=ApplicationKind.HOUSING,
        by_person=False,
        applied_on=days(-15),
        decides=agencies["kommune"],
        expected_answer=days(-1),
        next_step="Boligkontoret kaller deg inn til en samtale.",
    )
    school = application_record(
        actor=kari,
        case=jonas,
        kind=ApplicationKind.SCHOOL_PLACE,
        by_person=True,
        applied_on=days(-30),
        decides=agencies["bergen"],
        expected_answer=days(-14),
    )
    application_decide(
        actor=kari,
        application=school,
        outcome=Outcome.GRANTED,
        decided_on=days(-16),
        reached_on=days(-15),
        next_step="Du begynner på skolen i fengselet mandag.",
        version=school.version,
    )

    # Issue 18, point 4 (seed 002 §5.14, KompAS): what Jonas has achieved at work and at school.
    achievement_record(
        actor=kari,
        case=jonas,
        kind=AchievementKind.CERTIFICATE,
        title="Truckførerbevis T1 og T4",
        issuer="Verkstedet, Bergen fengsel",
        achieved_on=days(-12),
        hours=40,
        description="Teori og praksis med motvektstruck og skyvestativtruck.",
    )
    achievement_record(
        actor=kari,
        case=jonas,
        kind=AchievementKind.SCHOOL_SUBJECT,
        title="Matematikk 1P",
        issuer="Skolen i Bergen fengsel (Vestland fylkeskommune)",
        achieved_on=days(-8),
        level="Karakter 4",
    )

    # 2. Emil: a new intake today, an acute need, the needs conversation booked.
    emil = open_case(
        "emil",
        first_name="Emil",
        last_name="Johansen",
        birth_date=datetime.date(2001, 11, 2),
        home_municipality="Askøy",
        unit="Avdeling A",
        legal_status=LegalStatus.SENTENCED,
        intake_date=today,
        sentence_start=today,
        sentence_days=120,
        expected_release=days(120),
    )
    need_create(
        actor=kari,
        case=emil,
        life_area=_area("substance-use"),
        summary="Trenger LAR-medisin fra første dag.",
        acute=True,
    )
    meeting_book(actor=kari, case=emil, kind=MeetingKind.NEEDS_CONVERSATION, starts_at=at(3, 13), place="Besøksrom 1")

    # 3. Mohammed: the needs conversation held, consent not yet asked.
    mohammed = open_case(
        "mohammed",
        first_name="Mohammed",
        last_name="Ali",
        birth_date=datetime.date(1998, 2, 20),
        home_municipality="Bergen",
        unit="Avdeling C",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-10),
        sentence_start=days(-10),
        sentence_days=900,
        expected_release=days(590),
    )
    session = conversation_record(actor=kari, case=mohammed, held_on=days(-5), completed=True)
    need_create(
        actor=kari,
        case=mohammed,
        life_area=_area("education"),
        own_words="Jeg vil fullføre videregående.",
        conversation=session,
    )
    need_create(
        actor=kari,
        case=mohammed,
        life_area=_area("family"),
        own_words="Vil ha kontakt med datteren min.",
        conversation=session,
    )
    join(mohammed, nils, "Arbeid og inntekt", days(-6))

    # 4. Sofie: consent given, then withdrawn.
    sofie = open_case(
        "sofie",
        first_name="Sofie",
        last_name="Larsen",
        birth_date=datetime.date(2004, 8, 30),
        home_municipality="Os",
        unit="Avdeling B",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-60),
        sentence_start=days(-60),
        sentence_days=365,
        expected_release=days(180),
    )
    sofie_nav = join(sofie, nils, "Ungdomsgarantien", days(-55))
    session = conversation_record(actor=kari, case=sofie, held_on=days(-56), completed=True)
    need_create(
        actor=kari, case=sofie, life_area=_area("work"), own_words="Vil ha jobb i butikk.", conversation=session
    )
    consent_give(actor=kari, case=sofie, given_on=days(-56), explained_by=kari, scope=[sofie_nav])
    consent_withdraw(actor=kari, case=sofie, note="Sofie ønsket ikke å dele mer nå.")
    # Her parole is planned: probation is invited to take hold, and the release checklist is open.
    parole = transition_plan(
        actor=kari,
        case=sofie,
        kind=TransitionKind.PAROLE,
        planned_date=days(180),
        to_agency=Agency.objects.get(name=AGENCIES["friomsorg"][0]),
        reason="Prøveløslatelse ved to tredjedeler, med møteplikt hos friomsorgen.",
    )
    transition_invite(actor=kari, transition=parole, user=users["petra.friomsorg"], purpose="Tilsyn etter løslatelse")

    # 5. Ahmad: remand, release date unknown.
    open_case(
        "ahmad",
        first_name="Ahmad",
        last_name="Karimi",
        birth_date=datetime.date(2005, 1, 9),
        home_municipality="Bergen",
        unit="Varetekt",
        legal_status=LegalStatus.REMAND,
        intake_date=days(-3),
    )

    # 6. Thomas: a volunteer covered by consent sees only the shared need.
    thomas = open_case(
        "thomas",
        person_user=users["thomas"],
        officer=sara,
        first_name="Thomas",
        last_name="Berg",
        birth_date=datetime.date(2000, 6, 1),
        home_municipality="Bergen",
        unit="Avdeling D",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-90),
        sentence_start=days(-120),
        sentence_days=400,
        remand_days=30,
        expected_release=days(150),
    )
    membership_add(actor=sara, case=thomas, user=kari, purpose="Kontaktbetjent", start_date=days(-90))
    thomas_vera = join(thomas, vera, "Likemann", days(-80))
    session = conversation_record(actor=sara, case=thomas, held_on=days(-85), completed=True)
    network = need_create(
        actor=sara,
        case=thomas,
        life_area=_area("network"),
        own_words="Trenger nye venner utenfor miljøet.",
        conversation=session,
    )
    need_create(
        actor=sara, case=thomas, life_area=_area("debt"), summary="Inkassosaker, ca. 80 000 kr.", conversation=session
    )
    consent_give(actor=sara, case=thomas, given_on=days(-85), explained_by=sara, scope=[thomas_vera])
    # Seed 002: the person chooses what a peer mentor sees; Thomas shares one need and his meetings.
    volunteer_sharing_set(actor=users["thomas"], case=thomas, items=[VolunteerItem.NEXT_MEETINGS], needs=[network])

    # 7. Lars, in another prison: the outsider's own case.
    open_case(
        "lars",
        officer=users["olav.oslo"],
        first_name="Lars",
        last_name="Olsen",
        birth_date=datetime.date(1995, 3, 3),
        home_municipality="Oslo",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-20),
        sentence_start=days(-20),
        sentence_days=200,
        expected_release=days(180),
    )

    # 8. Nora: nobody has held her needs conversation, long overdue (timetable: what is due).
    open_case(
        "nora",
        first_name="Nora",
        last_name="Berge",
        birth_date=datetime.date(1999, 4, 12),
        home_municipality="Bergen",
        unit="Avdeling A",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-95),
        sentence_start=days(-95),
        sentence_days=365,
        expected_release=days(270),
    )

    # 9. Fredrik: released on a Friday; remand with full isolation shortens his road.
    friday = days(60 + (4 - days(60).weekday()) % 7)
    fredrik = open_case(
        "fredrik",
        first_name="Fredrik",
        last_name="Moe",
        birth_date=datetime.date(1990, 9, 17),
        home_municipality="Bergen",
        unit="Avdeling D",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-50),
        sentence_start=days(-50),
        sentence_days=300,
        remand_days=40,
        isolation_days=9,
        expected_release=friday,
    )
    conversation_record(actor=kari, case=fredrik, held_on=days(-45), completed=True)
    _demo_directory(kari, agencies, fredrik, days)
    _programmes(users, agencies, cases, open_case, days)

    # 12. Mats: sentenced, waits to serve; his summons is sent and Bergen has an IP for him (issue 25).
    from summons.demo import build_summons_demo

    cases["mats"] = build_summons_demo(users)
    # The night's count of who in each catchment may fit (manage.py count_catchments), once.
    for programme in Programme.objects.order_by("slug"):
        catchment_count(actor=system_user(), programme=programme)
    # Issue 22, point 5: a year of survey answers in Bergen, for the analyst's figures.
    from surveys.demo import build_surveys_demo

    build_surveys_demo(agencies["bergen"], today)
    if history:
        generate_history(history, today)
    _insight_baseline(users["anna.analyse"], today)
    return DemoWorld(users=users, agencies=agencies, cases=cases)


#: The generator's seed for the demo's history: the same cases on every fresh clone.
HISTORY_SEED = 2026


def generate_history(cases: int, today: datetime.date) -> None:
    """Generated cases of the past years beside the personas', with their deadlines (the nightly run's)."""
    from population.generator import Generator
    from timetable.services import deadlines_refresh

    Generator(cases=cases, seed=HISTORY_SEED, today=today).run()
    deadlines_refresh()


def _insight_baseline(analyst: User, today: datetime.date) -> None:
    """Issue 22: Norway's baseline, the year that ended a year ago, measured and marked by the analyst.

    The analyst measures again (the year up to today) on the page and reads the comparison.
    """
    from insight.registry import Period
    from insight.scopes import Scope
    from insight.services import baseline_mark, measurement_take

    year_ago = today - datetime.timedelta(days=365)
    measurement = measurement_take(
        actor=analyst, scope=Scope("country", "NO"), period=Period(year_ago - datetime.timedelta(days=364), year_ago)
    )
    baseline_mark(actor=analyst, measurement=measurement)


def _programmes(users, agencies, cases, open_case, days) -> None:
    """Issue 20: the Exit programme in Copenhagen, its adviser, one participant and one applicant."""
    karl, emma = users["karl.kontakt"], users["emma.exit"]
    exit_programme = Programme.objects.get(slug="exit")
    exit_programme.agency = agencies["ekp"]
    exit_programme.save(update_fields=["agency"])
    programme_staff_add(actor=users["admin"], programme=exit_programme, user=emma, title="Exit-vejleder")
    # 10. Mikkel: ties to a gang, wants out; took part from before his release, now in the help phase.
    mikkel = open_case(
        "mikkel",
        officer=karl,
        first_name="Mikkel",
        last_name="Sørensen",
        birth_date=datetime.date(1999, 7, 2),
        home_municipality="København",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-120),
        sentence_start=days(-120),
        sentence_days=365,
        expected_release=days(120),
    )
    programme_facts_set(
        actor=karl,
        case=mikkel,
        expulsion_order="no",
        gang_ties="yes",
        wants_to_leave_crime="yes",
        earlier_sentences=1,
        version=None,
    )
    enrolment = enrolment_apply(
        actor=karl, case=mikkel, programme=exit_programme, by_person=False, person_agrees=True, applied_on=days(-60)
    )
    enrolment = enrolment_interview(
        actor=emma,
        enrolment=enrolment,
        held_on=days(-50),
        note="Motiveret. Vil ud af gruppen.",
        version=enrolment.version,
    )
    enrolment = enrolment_decide(
        actor=emma, enrolment=enrolment, accept=True, decided_on=days(-45), version=enrolment.version
    )
    intervention = exit_programme.phases.get(key="intervention")
    enrolment_phase_move(actor=emma, enrolment=enrolment, phase=intervention, on=days(-20), version=enrolment.version)
    # 11. Yusuf: found eligible, applied himself last week; the intake conversation is still to come.
    yusuf = open_case(
        "yusuf",
        officer=karl,
        first_name="Yusuf",
        last_name="Demir",
        birth_date=datetime.date(2002, 1, 15),
        home_municipality="København",
        legal_status=LegalStatus.SENTENCED,
        intake_date=days(-30),
        sentence_start=days(-30),
        sentence_days=300,
        expected_release=days(170),
    )
    programme_facts_set(
        actor=karl,
        case=yusuf,
        expulsion_order="no",
        gang_ties="no",
        wants_to_leave_crime="yes",
        earlier_sentences=0,
        version=None,
    )
    enrolment_apply(
        actor=karl, case=yusuf, programme=exit_programme, by_person=False, person_agrees=True, applied_on=days(-7)
    )
