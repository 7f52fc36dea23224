"""The reentry map's catalogue holds every coded challenge of the seed (Stimulab 2024, «Tilbakeføringskart»),
placed in the phases the seed lists it under; a change keeps the old text as a version."""

import pytest

from accounts.models import Role
from journal.models import JournalEntry
from obstacles.models import Challenge, ChallengeVersion
from obstacles.services import challenge_save

pytestmark = pytest.mark.django_db

U, P, C, H, X = "understand_needs", "make_plan", "carry_out", "hand_over", "overarching"

#: Every code of the seed's five lists, in the seed's order, with the list(s) it stands in.
SEED_CODES = {
    # «Forstå behov»
    "1.1.3": {U},
    "2.3.4": {U},
    "3.2.2": {U},
    "3.2.1": {U},
    "1.3.2": {U},
    "3": {U},
    "1": {U},
    "2": {U, X},
    "7": {U, X},
    "3.2.5": {U},
    "1.1.5": {U},
    "1.1.2": {U},
    "1.2.3": {U},
    "1.2.4": {U, C},
    # «Lage en plan»
    "1.1.4": {P},
    "3.3.3": {P},
    "1.2.1": {P},
    "2.1.1": {P},
    "1.2.6": {P},
    # «Gjennomføre plan»
    "1.2.2": {C},
    "2.2.1": {C},
    "2.3.3": {C},
    "3.1.3": {C},
    "2.2.3": {C},
    "1.3.5": {C},
    "2.2.4": {C},
    "3.1.2": {C},
    "3.1.5": {C},
    "3.3.4": {C},
    "1.2.5": {C},
    "1.3.4": {C},
    "6": {C},
    # «Overføre ansvar»
    "4": {H},
    "8": {H},
    "5": {H},
    "2.1.6": {H},
    "1.3.3": {H},
    "3.1.4": {H},
    "2.1.4": {H},
    # Not tied to one phase
    "3.2.4": {X},
    "3.1.1": {X},
    "2.1.1b": {X},  # printed as 2.1.1 with another text: kept as a second challenge
    "2.1.3": {X},
}


def test_every_code_of_the_seed_is_in_the_catalogue_in_its_phases():
    catalogue = {challenge.code: challenge for challenge in Challenge.objects.select_related("tangle", "knot")}
    assert set(catalogue) == set(SEED_CODES)
    for code, phases in SEED_CODES.items():
        challenge = catalogue[code]
        assert set(challenge.phases) == phases, code
        assert challenge.text_nb and challenge.text_da and challenge.text_en, code
        if "." in code:
            assert challenge.tangle is not None and challenge.tangle.code == code[0], code
            assert challenge.knot is not None and challenge.knot.code == code[:3], code
        else:
            assert challenge.tangle is None and challenge.knot is None, code


def test_the_seeds_irregularities_are_kept_apart():
    first, second = Challenge.objects.get(code="2.1.1"), Challenge.objects.get(code="2.1.1b")
    assert first.seed_code == second.seed_code == "2.1.1"
    assert first.text_nb.startswith("Det er stor avstand mellom livet i fengsel")
    assert second.text_nb.startswith("Det er tøft å skulle bryte med eksisterende relasjoner")
    assert Challenge.objects.get(code="1.3.2").text_nb.startswith("Innledende kartlegging av behov fører ofte ikke")
    assert Challenge.objects.get(code="8").text_nb.endswith("fragmentert og uoversiktlig")  # «of» in the seed


def test_a_change_keeps_the_old_text_as_a_version_and_a_new_code_can_be_added(personas):
    admin = personas.admin
    challenge = Challenge.objects.get(code="4")
    old_text = challenge.text_nb
    challenge.text_nb = "Ny tekst"
    challenge_save(actor=admin, challenge=challenge)
    version = ChallengeVersion.objects.get(challenge=challenge)
    assert (version.version, version.text_nb) == (1, old_text)
    assert Challenge.objects.get(code="4").version == 2
    new = challenge_save(
        actor=admin,
        challenge=Challenge(code="9", phases=["hand_over"], text_nb="Ny", text_da="Ny", text_en="New"),
    )
    assert new.pk is not None
    actions = set(JournalEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"challenge.change", "challenge.add"} <= actions
    assert admin.role == Role.ADMIN
