"""The obstacle services, called directly: logging, coding and what was done are journaled with who, what,
old and new in their transaction; bad input raises ValidationError and saves nothing; a stale version is a
ConcurrentEditError; the catalogue keeps a changed text as a version; the system's findings are logged once."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AgencyKind, User
from accounts.services import SYSTEM_USERNAME, system_user
from core.errors import ConcurrentEditError
from journal.models import JournalEntry
from obstacles.models import Challenge, ChallengeVersion, Obstacle, ObstacleStage, Phase, Source
from obstacles.services import (
    MAX_LENGTH,
    Finding,
    challenge_save,
    detected_record,
    obstacle_code,
    obstacle_log,
    obstacle_record_done,
)

pytestmark = pytest.mark.django_db


def rows() -> tuple[int, int, int, int]:
    return (
        Obstacle.objects.count(),
        Challenge.objects.count(),
        ChallengeVersion.objects.count(),
        JournalEntry.objects.count(),
    )


def entry_for(obj, action: str) -> JournalEntry:
    return JournalEntry.objects.get(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk))


@pytest.fixture
def tove() -> User:
    """Bergen's reentry coordinator: she codes the obstacles of Jonas's prison."""
    return User.objects.get(username="tove.koordinator")


@pytest.fixture
def logged(case, personas) -> Obstacle:
    return obstacle_log(
        actor=personas.nav_with_consent,
        case=case,
        is_person=False,
        what_happened="  Ingen fra NAV møtte.  ",
        happened_on=timezone.localdate() - datetime.timedelta(days=1),
        stage=ObstacleStage.PREPARING_RELEASE,
        failed_agency=AgencyKind.NAV,
        bore_agency=AgencyKind.PRISON,
    )


# --- obstacle_log ------------------------------------------------------------------------------


def test_a_logged_obstacle_is_journaled_with_its_values_and_its_source(case, personas, logged):
    assert (logged.source, logged.logged_by, logged.what_happened) == (
        Source.GROUP,
        personas.nav_with_consent,
        "Ingen fra NAV møtte.",
    )
    entry = entry_for(logged, "obstacle.log")
    assert (entry.actor, entry.case_id, entry.old) == (personas.nav_with_consent, case.pk, None)
    assert entry.new is not None
    assert entry.new["what_happened"] == "Ingen fra NAV møtte."
    assert (entry.new["stage"], entry.new["failed_agency"], entry.new["bore_agency"]) == (
        ObstacleStage.PREPARING_RELEASE,
        AgencyKind.NAV,
        AgencyKind.PRISON,
    )
    mine = obstacle_log(
        actor=personas.person,
        case=case,
        is_person=True,
        what_happened="Ingen ringte meg.",
        happened_on=timezone.localdate(),
        stage=ObstacleStage.RELEASE,
    )
    assert mine.source == Source.PERSON


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"what_happened": "  "}, "what_happened"),
        ({"what_happened": "x" * (MAX_LENGTH + 1)}, "what_happened"),
        ({"stage": "afterwards"}, "stage"),
        ({"failed_agency": "police"}, "failed_agency"),
        ({"bore_agency": "police"}, "bore_agency"),
        ({"happened_on": 1}, "happened_on"),  # tomorrow, as days from today
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(case, personas, change, field):
    values: dict[str, Any] = {
        "what_happened": "Noe skjedde.",
        "happened_on": timezone.localdate(),
        "stage": ObstacleStage.RELEASE,
        **change,
    }
    if isinstance(values["happened_on"], int):
        values["happened_on"] = timezone.localdate() + datetime.timedelta(days=values["happened_on"])
    before = rows()
    with pytest.raises(ValidationError) as refused:
        obstacle_log(actor=personas.contact_officer, case=case, is_person=False, **values)
    assert field in refused.value.message_dict
    assert rows() == before


def test_a_code_no_longer_in_use_is_refused_when_logging_and_when_coding(case, personas, logged, tove):
    retired = Challenge.objects.get(code="4")
    Challenge.objects.filter(pk=retired.pk).update(active=False)
    retired.refresh_from_db()
    before = rows()
    with pytest.raises(ValidationError):
        obstacle_log(
            actor=personas.contact_officer,
            case=case,
            is_person=False,
            what_happened="Noe skjedde.",
            happened_on=timezone.localdate(),
            stage=ObstacleStage.RELEASE,
            challenge=retired,
        )
    with pytest.raises(ValidationError):
        obstacle_code(actor=tove, obstacle=logged, challenge=retired, version=logged.version)
    assert rows() == before
    assert Obstacle.objects.get(pk=logged.pk).challenge is None


# --- obstacle_code and obstacle_record_done ----------------------------------------------------


def test_coding_is_journaled_with_the_old_and_new_code_and_bumps_the_version(logged, tove):
    challenge = Challenge.objects.get(code="4")
    coded = obstacle_code(actor=tove, obstacle=logged, challenge=challenge, version=logged.version)
    assert (coded.challenge, coded.coded_by, coded.version) == (challenge, tove, logged.version + 1)
    assert coded.coded_at is not None
    entry = entry_for(logged, "obstacle.code")
    assert (entry.actor, entry.case_id) == (tove, logged.case_id)
    assert entry.old is not None and entry.new is not None
    assert (entry.old["challenge"], entry.new["challenge"]) == (None, challenge.pk)


def test_a_stale_version_is_refused_for_coding_and_for_what_was_done(logged, tove, personas):
    stale = logged.version
    obstacle_record_done(actor=personas.nav_with_consent, obstacle=logged, what_was_done="Ringte NAV.", version=stale)
    before = rows()
    with pytest.raises(ConcurrentEditError) as conflict:
        obstacle_code(actor=tove, obstacle=logged, challenge=Challenge.objects.get(code="4"), version=stale)
    assert conflict.value.current.what_was_done == "Ringte NAV."
    with pytest.raises(ConcurrentEditError):
        obstacle_record_done(actor=personas.contact_officer, obstacle=logged, what_was_done="Annet.", version=stale)
    assert rows() == before
    current = Obstacle.objects.get(pk=logged.pk)
    assert (current.challenge, current.what_was_done) == (None, "Ringte NAV.")


def test_what_was_done_is_journaled_and_an_empty_one_is_refused(logged, personas):
    done = obstacle_record_done(
        actor=personas.contact_officer, obstacle=logged, what_was_done="  Ringte NAV.  ", version=logged.version
    )
    assert (done.what_was_done, done.version) == ("Ringte NAV.", logged.version + 1)
    entry = entry_for(logged, "obstacle.done")
    assert entry.actor == personas.contact_officer and entry.old is not None and entry.new is not None
    assert (entry.old["what_was_done"], entry.new["what_was_done"]) == ("", "Ringte NAV.")
    before = rows()
    with pytest.raises(ValidationError):
        obstacle_record_done(actor=personas.contact_officer, obstacle=done, what_was_done=" ", version=done.version)
    assert rows() == before


# --- challenge_save ----------------------------------------------------------------------------


def test_a_change_outside_the_text_phases_and_tangle_keeps_the_version(personas):
    challenge = Challenge.objects.get(code="4")
    version = challenge.version
    challenge.position = challenge.position + 100
    challenge_save(actor=personas.admin, challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).version == version
    assert not ChallengeVersion.objects.filter(challenge=challenge).exists()
    entry = entry_for(challenge, "challenge.change")
    assert entry.actor == personas.admin and entry.case_id is None and entry.old == entry.new  # position is not kept


def test_a_change_of_phases_keeps_the_old_phases_as_a_version_and_journals_both(personas):
    challenge = Challenge.objects.get(code="4")
    old_phases = list(challenge.phases)
    challenge.phases = [Phase.OVERARCHING]
    challenge_save(actor=personas.admin, challenge=challenge)
    kept = ChallengeVersion.objects.get(challenge=challenge)
    assert (kept.phases, kept.replaced_by) == (old_phases, personas.admin)
    entry = entry_for(challenge, "challenge.change")
    assert entry.old is not None and entry.new is not None
    assert (entry.old["phases"], entry.new["phases"]) == (old_phases, [Phase.OVERARCHING])


@pytest.mark.parametrize("phases", [[], ["somewhere"], [Phase.CARRY_OUT, "somewhere"]])
def test_a_challenge_without_a_phase_from_the_list_is_refused_and_nothing_changes(personas, phases):
    before = rows()
    with pytest.raises(ValidationError):
        challenge_save(
            actor=personas.admin,
            challenge=Challenge(code="99", phases=phases, text_nb="Ny", text_da="Ny", text_en="New"),
        )
    existing = Challenge.objects.get(code="4")
    existing.phases = phases
    with pytest.raises(ValidationError):
        challenge_save(actor=personas.admin, challenge=existing)
    assert rows() == before
    assert Challenge.objects.get(code="4").phases != phases


# --- detected_record ------------------------------------------------------------


def finding(case, key: str, code: str = "4") -> Finding:
    return Finding(
        case_id=case.pk,
        rule="test-rule",
        key=key,
        code=code,
        stage=ObstacleStage.RELEASE,
        failed=AgencyKind.NAV,
        bore=AgencyKind.PRISON,
        on=timezone.localdate() - datetime.timedelta(days=3),
        what="Funnet av systemet.",
        why="Fordi regelen sier det.",
    )


def test_nothing_found_logs_nothing():
    before = rows()
    assert detected_record([], {}) == []
    assert rows() == before


def test_findings_are_logged_as_the_systems_each_with_its_journal_entry(case, other_case):
    codes = {"4": Challenge.objects.get(code="4").pk}
    found = detected_record([finding(case, "k-1"), finding(other_case, "k-2", code="unknown")], codes)
    assert [(o.case_id, o.source, o.challenge_id, o.logged_by_id) for o in found] == [
        (case.pk, Source.SYSTEM, codes["4"], None),
        (other_case.pk, Source.SYSTEM, None, None),  # a code not in the catalogue: left for the coordinator
    ]
    for obstacle in found:
        entry = JournalEntry.objects.get(action="obstacle.detect", object_id=str(obstacle.pk))
        assert (entry.actor.username, entry.case_id, entry.old) == (SYSTEM_USERNAME, obstacle.case_id, None)
        assert entry.new == {
            "rule": "test-rule",
            "challenge": obstacle.challenge_id,
            "happened_on": obstacle.happened_on.isoformat(),
        }


def test_a_finding_logged_before_is_not_logged_twice(case):
    detected_record([finding(case, "k-once")], {})
    system_user()  # exists already: the failed run below must not be the one that creates it
    before = rows()
    with pytest.raises(IntegrityError), transaction.atomic():
        detected_record([finding(case, "k-once")], {})
    assert rows() == before
