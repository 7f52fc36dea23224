"""The directory reads: the municipalities, one entry, an entry to link, the opening hours, the services and
referrals a plan shows, and the referrals and entries on "what is due": what each returns, in which order,
and nothing of another case or another agency.

The search's words, filters and order are in ``test_search.py``.
"""

import datetime
import uuid
import zoneinfo

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Stage
from core.tests.granted import granted_access as access_of
from directory.models import (
    Phone,
    Referral,
    ReferralStatus,
    Schedule,
    Service,
    ServiceArea,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.selectors import (
    KEPT_TAXONOMY,
    active_service,
    forget_taxonomy,
    incoming_referrals,
    municipalities,
    open_at,
    referrals_for_measures,
    referrals_waiting_for,
    service_detail,
    services_for_measures,
    taxonomy,
    terms_of,
    unchecked_for_keeper,
    waiting_referrals_sent_by,
)
from directory.services import referral_decline, referral_send
from plans.models import Measure
from plans.services import measure_service_set
from reference.models import LifeArea

pytestmark = pytest.mark.django_db
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@pytest.fixture
def frida(db) -> User:
    return User.objects.select_related("agency").get(username="frida.fri")


@pytest.fixture
def kommune_adviser(personas) -> User:
    """Mona of Bergen kommune, whose agency answers the demo's referral of Fredrik's housing."""
    return personas.municipal_without_consent


def refer(personas, measure: Measure, service: Service) -> Referral:
    linked = measure_service_set(actor=personas.contact_officer, measure=measure, service=service)
    return referral_send(actor=personas.contact_officer, measure=linked, shared="Bolig.", person_agreed=True)


# --- Entries ------------------------------------------------------------------------------------------


def test_the_municipalities_are_every_served_one_once_in_the_databases_name_order():
    found = municipalities()
    assert len(found) == len(set(found)) and "Drammen" in found
    assert set(found) == set(ServiceArea.objects.values_list("name", flat=True))
    by_name = list(ServiceArea.objects.order_by("name").values_list("name", flat=True))
    assert found == list(dict.fromkeys(by_name))


@pytest.fixture
def forgets_taxonomy():
    """The test's changes are rolled back at its end: the worker's copy of the taxonomy must go too."""
    yield
    forget_taxonomy()


def test_the_taxonomy_is_kept_and_read_again_when_the_admin_saves_or_after_a_minute(
    forgets_taxonomy, monkeypatch, django_assert_num_queries
):
    kept = taxonomy()
    with django_assert_num_queries(0):
        assert taxonomy() is kept
    housing = LifeArea.objects.get(slug="housing")
    housing.name_en = "A roof"
    housing.save()  # as the admin does: this worker forgets at once
    assert "A roof" in [area.name_en for area in taxonomy().life_areas]
    LifeArea.objects.filter(slug="housing").update(name_en="Housing")  # as in another worker: no signal here
    monkeypatch.setattr(KEPT_TAXONOMY, "seconds", -1.0)  # the minute has passed
    assert "Housing" in [area.name_en for area in taxonomy().life_areas]


def test_a_term_the_kept_taxonomy_does_not_know_is_read_again(fri, forgets_taxonomy):
    taxonomy()
    [new] = TaxonomyTerm.objects.bulk_create([TaxonomyTerm(code="zz-new")])  # a migration's: no signal
    fri.taxonomy_terms.add(new)
    assert [term.code for term in terms_of([fri])[fri.pk]][-1] == "zz-new"


def test_one_entry_is_read_with_what_its_page_shows_and_a_missing_one_is_404(fri, django_assert_num_queries):
    Phone.objects.create(service=fri, number="+47 900 00 000")
    found = service_detail(fri.pk)
    assert found == fri
    with django_assert_num_queries(0):  # all fetched with the entry
        organization = found.organization.name
        areas = [area.name for area in found.service_areas.all()]
        phones = [phone.number for phone in found.phones.all()]
        schedules = list(found.schedules.all())
        places = [link.location for link in found.service_at_locations.all()]
    assert organization == fri.organization.name and "Drammen" in areas
    assert areas == list(fri.service_areas.order_by("name").values_list("name", flat=True))
    assert "+47 900 00 000" in phones
    assert {schedule.pk for schedule in schedules} == set(
        Schedule.objects.filter(service=fri).values_list("pk", flat=True)
    )
    assert set(places) == {link.location for link in fri.service_at_locations.all()}
    with pytest.raises(Http404):
        service_detail(uuid.uuid4())


def test_only_an_active_entry_with_a_well_formed_id_can_be_linked(fri):
    assert active_service(str(fri.pk)) == fri
    for bad in ("", "not-a-uuid", "1' OR '1'='1", str(uuid.uuid4())):
        assert active_service(bad) is None, bad
    Service.objects.filter(pk=fri.pk).update(status=ServiceStatus.INACTIVE)
    assert active_service(str(fri.pk)) is None


def test_open_at_follows_the_weekday_the_hours_and_the_dates_a_schedule_is_valid(fri):
    tuesday = datetime.date(2027, 3, 2)
    Schedule.objects.filter(service=fri).delete()
    Schedule.objects.create(
        service=fri, byday="TU,TH", opens_at=datetime.time(9), closes_at=datetime.time(15), valid_to=tuesday
    )

    def is_open(day: datetime.date, hour: int, minute: int = 0) -> bool:
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=OSLO)
        return Service.objects.filter(open_at(moment), pk=fri.pk).exists()

    assert is_open(tuesday, 9) and is_open(tuesday, 14, 59)
    assert not is_open(tuesday, 8, 59) and not is_open(tuesday, 15)  # it closes at 15:00
    assert not is_open(tuesday - datetime.timedelta(days=1), 12)  # a Monday
    assert not is_open(tuesday + datetime.timedelta(days=2), 12)  # a Thursday, after it stopped being valid
    # Opening hours are local: 08:30 UTC on that Tuesday is 09:30 in Norway.
    assert Service.objects.filter(
        open_at(datetime.datetime(2027, 3, 2, 8, 30, tzinfo=datetime.UTC)), pk=fri.pk
    ).exists()


# --- What a plan shows ---------------------------------------------------------------------------------


def test_a_plan_gets_each_measures_service_with_its_phones_and_places_and_no_query_without_one(
    personas, housing_measure, fri, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert services_for_measures([housing_measure]) == {}
    Phone.objects.create(service=fri, number="+47 900 00 000", description="Hverdager 9-15")
    Phone.objects.create(service=fri, number="+47 911 11 111")
    linked = measure_service_set(actor=personas.contact_officer, measure=housing_measure, service=fri)
    shown = services_for_measures([linked])
    assert set(shown) == {linked.pk}
    plan = shown[linked.pk]
    assert plan.service == fri
    assert "+47 900 00 000 (Hverdager 9-15)" in plan.phones and "+47 911 11 111" in plan.phones
    assert set(plan.locations) == {link.location for link in fri.service_at_locations.all()}


def test_a_plan_gets_the_referrals_of_the_measures_given_newest_first_and_none_of_another_case(
    case, other_case, personas, housing_measure, fri, frida
):
    first = refer(personas, housing_measure, fri)
    referral_decline(actor=frida, referral=first, version=1, reason="Fullt nå.")
    second = referral_send(actor=personas.contact_officer, measure=first.measure, shared="Igjen.", person_agreed=True)
    access = access_of(personas.contact_officer, case)
    measure = Measure.objects.get(pk=housing_measure.pk)
    assert referrals_for_measures(access, [measure]) == {measure.pk: [second, first]}
    # The other prison's staff, asking with this measure under their own case, get nothing of it.
    assert referrals_for_measures(access_of(personas.outsider, other_case), [measure]) == {}
    # A measure with no service is not asked about at all.
    Measure.objects.filter(pk=measure.pk).update(service=None)
    assert referrals_for_measures(access, [Measure.objects.get(pk=measure.pk)]) == {}


# --- "What is due" and the agency's list ---------------------------------------------------------------


def test_an_agency_sees_the_referrals_to_its_services_the_waiting_ones_first(personas, housing_measure, fri, frida):
    answered = refer(personas, housing_measure, fri)
    referral_decline(actor=frida, referral=answered, version=1, reason="Fullt nå.")
    waiting = referral_send(
        actor=personas.contact_officer, measure=answered.measure, shared="Igjen.", person_agreed=True
    )
    assert list(incoming_referrals(frida)) == [waiting, answered]
    assert referrals_waiting_for(frida) == [waiting]
    for user in (personas.contact_officer, personas.nav_with_consent, personas.person, personas.outsider):
        assert not incoming_referrals(user).filter(service=fri).exists(), user
        assert waiting not in referrals_waiting_for(user), user


def test_the_referrals_waiting_for_an_agency_are_oldest_first(personas, kommune_adviser, housing_measure):
    demo = referrals_waiting_for(kommune_adviser)  # Fredrik's housing, sent at the demo's build
    assert demo and all(r.status == ReferralStatus.SENT for r in demo)
    bergen_housing = Service.objects.get(name="Hjelp til bolig – Bergen kommune")
    assert bergen_housing.agency_id == kommune_adviser.agency_id
    newer = refer(personas, housing_measure, bergen_housing)
    assert referrals_waiting_for(kommune_adviser) == [*demo, newer]
    assert [r.sent_at for r in referrals_waiting_for(kommune_adviser)] == sorted(r.sent_at for r in [*demo, newer])


def test_the_sender_sees_their_own_waiting_referrals_of_open_cases_they_still_see_oldest_first(
    case, personas, housing_measure, fri, frida
):
    kari = personas.contact_officer
    before = waiting_referrals_sent_by(kari)  # the demo's referral of Fredrik's housing
    mine = refer(personas, housing_measure, fri)
    assert waiting_referrals_sent_by(kari) == [*before, mine]
    sent_at = [r.sent_at for r in waiting_referrals_sent_by(kari)]
    assert sent_at == sorted(sent_at)
    assert waiting_referrals_sent_by(personas.social_worker) == []  # a colleague did not send them
    referral_decline(actor=frida, referral=mine, version=1, reason="Fullt nå.")
    assert mine not in waiting_referrals_sent_by(kari)  # answered


def test_a_sender_no_longer_sees_a_waiting_referral_of_a_closed_case(case, personas, housing_measure, fri):
    mine = refer(personas, housing_measure, fri)
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=timezone.localdate(), anonymise_on=timezone.localdate(), closing_reason="x"
    )
    assert mine not in waiting_referrals_sent_by(personas.contact_officer)


def test_the_entries_to_check_are_the_keepers_never_checked_first_then_the_oldest_check(fri, frida):
    today = timezone.localdate()
    ours = Service.objects.filter(owner_id=frida.agency_id, status=ServiceStatus.ACTIVE)
    assert ours.exists()
    assert not unchecked_for_keeper(frida, today).exists()  # FRI's entry was checked at the demo's build
    year_later = today + datetime.timedelta(days=400)
    assert list(unchecked_for_keeper(frida, year_later)) == list(ours.order_by("last_verified", "name", "id"))
    other = Service.objects.exclude(owner_id=frida.agency_id).filter(status=ServiceStatus.ACTIVE).first()
    assert other is not None
    Service.objects.filter(pk=other.pk).update(owner_id=frida.agency_id, last_verified=None)
    flagged = list(unchecked_for_keeper(frida, year_later))
    assert flagged[0] == other and fri in flagged  # never checked comes first
    assert list(unchecked_for_keeper(frida, today)) == [other]
