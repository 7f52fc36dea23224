"""The demo world's summoned person (issue 25): Mats waits to serve in Bergen; his summons is sent,
and Bergen's individual plan (IP) for him is there to start the group from."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from cases.models import Case, LegalStatus
from cases.services import IntakeData
from summons.models import ExistingGroup, ExistingKind, Topic
from summons.services import SummonsData, summoned_case_register, summons_save, summons_send

#: Mats starts his sentence this many days after the demo is built.
MATS_STARTS_IN = 24


def build_summons_demo(users: dict[str, User]) -> Case:
    kari = users["kari.kontakt"]
    start = timezone.localdate() + datetime.timedelta(days=MATS_STARTS_IN)
    mats = summoned_case_register(
        actor=kari,
        data=IntakeData(
            first_name="Mats",
            last_name="Eide",
            birth_date=datetime.date(2002, 6, 1),
            home_municipality="Bergen",
            legal_status=LegalStatus.SENTENCED,
            intake_date=start,
            sentence_start=start,
            sentence_months=5,
        ),
        person_user=users["mats"],
    )
    summons = summons_save(
        actor=kari,
        case=mats,
        data=SummonsData(
            meet_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 0))),
            place="Bergen fengsel",
            address="Kong Oscars gate 8, 5017 Bergen",
            contact_name=kari.get_full_name(),
            contact_phone="55 00 00 00",
            contact_hours="Mandag til fredag, 9 til 15",
            language="nb",
            bring="Klær for en uke",
            topics=(Topic.NAV, Topic.HOME, Topic.DEBT, Topic.WORK, Topic.HEALTH, Topic.PAPERS),
        ),
        version=None,
    )
    summons_send(actor=kari, summons=summons)
    ip = ExistingGroup.objects.create(
        person=mats.person,
        municipality="Bergen",
        kind=ExistingKind.INDIVIDUAL_PLAN,
        coordinator=users["mona.kommune"],
        recorded_by=users["mona.kommune"],
    )
    ip.members.set([users["mona.kommune"], users["nils.nav"]])
    return mats
