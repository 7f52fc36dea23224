"""The obstacle reads, called directly: the catalogue in use; a case's obstacles as each viewer may read them,
newest first, never another case's; the agenda's window; a coordinator's unit, uncoded first; and the map's and
the failure zones' counts for a scope, with small counts hidden."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import AgencyKind, Country, User
from cases.models import Case
from consent.services import consent_withdraw
from core.tests.granted import granted_access as access
from meetings.models import Meeting
from obstacles.models import Challenge, Obstacle, ObstacleStage, Source
from obstacles.selectors import (
    PHASE_ORIGINS,
    ZONE_QUARTERS,
    MapScope,
    challenges,
    map_figures,
    obstacle_for_case,
    obstacles_behind,
    obstacles_for_agenda,
    obstacles_for_case,
    quarter_start,
    unit_obstacles,
    zone_figures,
)
from obstacles.services import obstacle_code, obstacle_log

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    return User.objects.get(username=username)


def add(case: Case, n: int, *, code: str | None = None, on: datetime.date | None = None, **extra) -> None:
    challenge = Challenge.objects.get(code=code) if code else None
    values = {"stage": ObstacleStage.RELEASE, "failed_agency": "", "bore_agency": "", **extra}
    Obstacle.objects.bulk_create(
        Obstacle(
            case=case,
            source=Source.GROUP,
            logged_at=timezone.now(),
            what_happened=f"Hindring {i}",
            happened_on=on or timezone.localdate(),
            challenge=challenge,
            **values,
        )
        for i in range(n)
    )


# --- challenges --------------------------------------------------------------------------------


def test_challenges_are_the_codes_in_use_in_the_seeds_order():
    got = list(challenges())
    assert got and all(challenge.active for challenge in got)
    assert [(c.position, c.code) for c in got] == sorted((c.position, c.code) for c in got)
    retired = got[0]
    Challenge.objects.filter(pk=retired.pk).update(active=False)
    assert retired not in challenges()


# --- a case's obstacles ------------------------------------------------------------------------


def test_those_who_see_the_case_read_all_its_obstacles_newest_first(personas, case):
    demo = list(Obstacle.objects.filter(case=case).order_by("-happened_on", "-id"))
    assert len(demo) == 2
    for persona in ("person", "contact_officer", "social_worker", "nav_with_consent"):
        assert list(obstacles_for_case(access(getattr(personas, persona), case))) == demo


def test_a_member_without_consent_and_a_volunteer_read_only_their_own(personas, case):
    mona = personas.municipal_without_consent
    assert [o.logged_by for o in obstacles_for_case(access(mona, case))] == [mona]  # the demo logged one by her
    assert not obstacles_for_case(access(personas.volunteer, case)).exists()
    own = obstacle_log(
        actor=personas.volunteer,
        case=case,
        is_person=False,
        what_happened="Treningen ble avlyst.",
        happened_on=timezone.localdate(),
        stage=ObstacleStage.DURING_SENTENCE,
    )
    assert list(obstacles_for_case(access(personas.volunteer, case))) == [own]


def test_a_withdrawn_consent_leaves_a_covered_member_only_their_own(personas, case):
    nils = personas.nav_with_consent
    assert obstacles_for_case(access(nils, case)).count() == 2
    consent_withdraw(actor=personas.person, case=case)
    assert not obstacles_for_case(access(nils, case)).exists()  # Nils logged none of them


def test_one_obstacle_is_404_when_it_is_another_cases_or_not_the_viewers_to_read(personas, case, other_case):
    kari_logged = Obstacle.objects.get(case=case, logged_by=personas.contact_officer)
    assert obstacle_for_case(access(personas.contact_officer, case), kari_logged.pk) == kari_logged
    add(other_case, 1)
    elsewhere = Obstacle.objects.get(case=other_case)
    for viewer, obstacle_id in (
        (access(personas.contact_officer, case), elsewhere.pk),  # another case's id under this case
        (access(personas.municipal_without_consent, case), kari_logged.pk),  # not hers to read
        (access(personas.outsider, other_case), kari_logged.pk),  # another prison's
    ):
        with pytest.raises(Http404):
            obstacle_for_case(viewer, obstacle_id)


def test_the_agenda_lists_what_was_logged_after_the_previous_meeting_up_to_this_one(personas, case):
    now = timezone.now()
    older, newer = Obstacle.objects.filter(case=case).order_by("happened_on")
    Obstacle.objects.filter(pk=older.pk).update(logged_at=now - datetime.timedelta(days=10))
    Obstacle.objects.filter(pk=newer.pk).update(logged_at=now - datetime.timedelta(days=2))
    viewer = access(personas.contact_officer, case)
    this = Meeting(case=case, starts_at=now)
    assert obstacles_for_agenda(viewer, this, None) == [older, newer]  # oldest first
    previous = Meeting(case=case, starts_at=now - datetime.timedelta(days=5))
    assert obstacles_for_agenda(viewer, this, previous) == [newer]
    before_both = Meeting(case=case, starts_at=now - datetime.timedelta(days=20))
    assert obstacles_for_agenda(viewer, before_both, None) == []
    mona = access(personas.municipal_without_consent, case)
    assert [o.logged_by for o in obstacles_for_agenda(mona, this, None)] == [personas.municipal_without_consent]


# --- the coordinator's unit --------------------------------------------------------------------


def test_the_unit_lists_the_coordinators_own_prison_uncoded_first_and_nobody_elses(personas, case, other_case):
    tove, otto = user("tove.koordinator"), user("otto.koordinator")
    add(other_case, 1)
    ours = list(Obstacle.objects.filter(case__institution_id=case.institution_id))
    assert {o.pk for o in unit_obstacles(tove)} == {o.pk for o in ours}
    assert [o.case_id for o in unit_obstacles(otto)] == [other_case.pk]
    assert not unit_obstacles(personas.contact_officer).exists()  # codes nothing
    assert not unit_obstacles(personas.analyst).exists()
    first = unit_obstacles(tove).first()
    assert first is not None
    obstacle_code(actor=tove, obstacle=first, challenge=Challenge.objects.get(code="4"), version=first.version)
    listed = list(unit_obstacles(tove))
    assert listed[-1].pk == first.pk and all(o.coded_at is None for o in listed[:-1])


# --- the map -----------------------------------------------------------------------------------


def test_the_map_counts_a_prisons_obstacles_by_code_and_hides_small_counts(case, other_case):
    add(case, 7, code="7")
    add(case, 6, code="4")
    add(other_case, 9, code="7")  # another prison
    figures = map_figures(MapScope("prison", case.institution_id, case.country, None))
    by_code = {challenge.code: shown for challenge, shown in figures.rows}
    assert by_code["7"].value == 7
    assert by_code["4"].hidden and not by_code["4"].small  # hidden to protect the two uncoded
    assert figures.uncoded.hidden and figures.uncoded.small
    assert figures.total.value == 15
    assert [challenge.code for challenge, _ in figures.rows] == [c.code for c in challenges()]


def test_the_maps_scope_is_a_prison_or_a_country_and_a_first_day(case, other_case):
    add(case, 5, code="7", on=timezone.localdate() - datetime.timedelta(days=40))
    add(other_case, 5, code="7")
    norway = MapScope("country", None, Country.NORWAY, None)
    assert map_figures(norway).total.value == 12  # both prisons, and the demo's two
    since = MapScope("country", None, Country.NORWAY, timezone.localdate() - datetime.timedelta(days=10))
    assert map_figures(since).total.value == 7
    assert map_figures(MapScope("prison", other_case.institution_id, Country.NORWAY, None)).total.value == 5
    assert map_figures(MapScope("country", None, Country.DENMARK, None)).total.value == 0


def test_each_code_gets_a_box_in_each_of_its_phases_placed_from_the_phases_origin():
    figures = map_figures(MapScope("country", None, Country.NORWAY, None))
    expected = sum(1 for c in challenges() for phase in c.phases if phase in PHASE_ORIGINS)
    assert len(figures.boxes) == expected
    for phase, origin in PHASE_ORIGINS.items():
        boxes = [box for box in figures.boxes if box.phase == phase]
        assert boxes and (boxes[0].x, boxes[0].y) == origin
        assert len({(box.x, box.y) for box in boxes}) == len(boxes)  # no two boxes on one spot


def test_a_box_opens_only_the_coordinators_own_prisons_obstacles_of_that_code(personas, case, other_case):
    add(case, 2, code="7")
    add(case, 1, code="4")
    add(other_case, 3, code="7")
    norway = MapScope("country", None, Country.NORWAY, None)
    behind = list(obstacles_behind(user("tove.koordinator"), norway, "7"))
    assert len(behind) == 2 and all(
        o.case_id == case.pk and o.challenge is not None and o.challenge.code == "7" for o in behind
    )
    assert [o.case_id for o in obstacles_behind(user("otto.koordinator"), norway, "7")] == [other_case.pk] * 3
    for nobody in (personas.analyst, personas.contact_officer, personas.person):
        assert not obstacles_behind(nobody, norway, "7").exists()


# --- the failure zones -------------------------------------------------------------------------


def test_the_failure_zones_count_by_pair_stage_and_quarter_for_a_fixed_day(case, other_case):
    Obstacle.objects.all().delete()  # the demo's obstacles lie on today's dates; these counts are the test's own
    today = datetime.date(2025, 5, 15)
    in_q1 = datetime.date(2024, 2, 10)
    in_q4 = datetime.date(2024, 11, 3)
    add(case, 6, on=in_q1, failed_agency=AgencyKind.NAV, bore_agency=AgencyKind.PRISON)
    add(
        case,
        7,
        on=in_q4,
        stage=ObstacleStage.DURING_SENTENCE,
        failed_agency=AgencyKind.PRISON,
        bore_agency="municipality",
    )
    add(case, 9, on=datetime.date(2023, 6, 30))  # before the eight quarters
    add(case, 9, on=datetime.date(2025, 7, 1))  # after the current quarter
    add(other_case, 8, on=in_q1)  # another prison
    zones = zone_figures(MapScope("prison", case.institution_id, case.country, None), today)
    assert zones.stages == list(ObstacleStage.values)
    assert zones.quarters == [quarter_start(today, back) for back in range(ZONE_QUARTERS - 1, -1, -1)]
    assert zones.quarters[0] == datetime.date(2023, 7, 1) and zones.quarters[-1] == datetime.date(2025, 4, 1)
    assert zones.pairs == [("prison", "municipality"), ("nav", "prison")]  # the agencies' order, never the counts
    assert [[cell.value for cell in row] for row in zones.by_pair.cells] == [[7, 0, 0, 0], [0, 0, 6, 0]]
    by_quarter = {
        q: [cell.value for cell in row] for q, row in zip(zones.quarters, zones.by_quarter.cells, strict=True)
    }
    assert by_quarter[datetime.date(2024, 1, 1)] == [0, 0, 6, 0]
    assert by_quarter[datetime.date(2024, 10, 1)] == [7, 0, 0, 0]
    assert zones.by_pair.total.value == zones.by_quarter.total.value == 13
    assert len(zones.trends) == len(zones.stages) + 1
    assert zones.trends[zones.stages.index(ObstacleStage.EXPECTATIONS)] == "flat"  # none at all
    country = zone_figures(MapScope("country", None, case.country, None), today)
    assert country.by_pair.total.value == 21
